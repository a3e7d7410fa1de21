"""Inference: covariances, tests, predictions and margins, as functions of the model
frame, the estimates and their covariance."""
