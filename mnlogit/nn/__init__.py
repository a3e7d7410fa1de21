"""Neural-network variant: softmax regression and the shallow logistic network."""
