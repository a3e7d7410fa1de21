"""Neural-network variant: softmax regression and the shallow softmax network.

:class:`SoftmaxRegression` (softmax(X W + b)) and :class:`MLP` (one hidden layer,
logistic by default: the classic 784-100-10 MNIST network), trained by minibatch
SGD on the cross-entropy with optional momentum, L2 weight decay and a learning-rate
schedule, in float32 with preallocated buffers and fused BLAS updates.

Examples
--------
>>> from mnlogit.datasets import load_mnist
>>> from mnlogit.nn import MLP
>>> (X, y), (Xt, yt) = load_mnist()
>>> net = MLP(hidden=100)
>>> history = net.fit(X[:2000], y[:2000], epochs=2, batch_size=10, lr=0.1, verbose=False)
>>> history[["epoch", "train_loss"]].shape
(2, 2)
"""

from .network import MLP, Network, SoftmaxRegression, load

__all__ = ["MLP", "Network", "SoftmaxRegression", "load"]
