"""Neural-network variant: softmax regression and the shallow softmax network.

:class:`SoftmaxRegression` (softmax(X W + b)) and :class:`MLP` (one hidden layer,
logistic by default: the classic 784-100-10 MNIST network) are scikit-learn-style
classifiers: hyper-parameters in the constructor, ``fit(X, y)`` returning the
estimator, ``predict``, ``predict_proba`` and ``score``; they work with scikit-learn's
``clone``, ``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` (scikit-learn itself
is not needed). Training is minibatch SGD on the cross-entropy with optional momentum,
L2 weight decay and a learning-rate schedule, in float32 with preallocated buffers and
fused BLAS updates.

Examples
--------
>>> from mnlogit.datasets import load_mnist
>>> from mnlogit.nn import MLP
>>> (X, y), (Xt, yt) = load_mnist()
>>> net = MLP(hidden=100, epochs=2, batch_size=10, lr=0.1).fit(X[:2000], y[:2000])
>>> net.history_[["epoch", "train_loss"]].shape
(2, 2)
"""

from .estimator import DataConversionWarning, NotFittedError
from .network import MLP, Network, SoftmaxRegression, load

__all__ = [
    "MLP",
    "DataConversionWarning",
    "Network",
    "NotFittedError",
    "SoftmaxRegression",
    "load",
]
