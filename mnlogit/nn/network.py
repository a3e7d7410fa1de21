"""Softmax regression and the one-hidden-layer network as scikit-learn-style classifiers.

Both minimise the mean cross-entropy of a softmax output layer by minibatch SGD; the
hidden layer of :class:`MLP` applies an elementwise activation (logistic by default).
The hyper-parameters are the constructor's arguments, stored as given and checked by
``fit`` (:mod:`mnlogit.nn.settings`); ``fit(X, y)`` learns ``classes_`` (the distinct
labels), ``n_features_in_``, the weights ``coefs_`` and biases ``intercepts_`` and the
per-epoch ``history_``. The epoch loop is in :mod:`mnlogit.nn.training`, the step in
:mod:`mnlogit.nn.kernel`, the file format in :mod:`mnlogit.nn.persistence`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.likelihood import log_softmax_inplace
from ..exceptions import DataError
from .activations import get_activation
from .checks import check_features, encode_labels, label_array, match_labels, show_labels
from .estimator import ClassifierProtocol, NotFittedError, sklearn_compatible
from .kernel import Batches, Params, forward
from .persistence import NetworkRecord, read_network, save_network
from .settings import Settings, check_settings
from .training import HISTORY_COLUMNS, train

EVAL_ELEMENTS = 1 << 22  # logits per block when predicting (16 MB in float32)
EVAL_ROWS = 4096  # at most this many rows per block


class Network(ClassifierProtocol):
    """Base class of the networks: dense layers with a softmax output, trained by SGD.

    Use :class:`SoftmaxRegression` or :class:`MLP`.

    Parameters
    ----------
    epochs, batch_size, lr, momentum, l2, lr_schedule, seed, verbose, dtype
        The training settings, as for :class:`SoftmaxRegression`.

    Examples
    --------
    >>> net = MLP(hidden=8)
    >>> isinstance(net, Network), net.layer_sizes(784, 10)
    (True, [784, 8, 10])
    """

    def __init__(
        self,
        *,
        epochs: int = 30,
        batch_size: int = 10,
        lr: float = 0.1,
        momentum: float = 0.0,
        l2: float = 0.0,
        lr_schedule: str | Callable[[int, int], float] | None = "constant",
        seed: int | None = 0,
        verbose: bool = False,
        dtype: Any = "float32",
    ) -> None:
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.momentum = momentum
        self.l2 = l2
        self.lr_schedule = lr_schedule
        self.seed = seed
        self.verbose = verbose
        self.dtype = dtype

    def _hidden_sizes(self) -> tuple[int, ...]:
        """Widths of the hidden layers (none for softmax regression)."""
        hidden = getattr(self, "hidden", None)
        return () if hidden is None else (int(hidden),)

    def layer_sizes(self, n_features: int, n_classes: int) -> list[int]:
        """Widths of the layers from input to output.

        Parameters
        ----------
        n_features : int
            Width of the input (columns of X).
        n_classes : int
            Number of classes (width of the softmax output).

        Returns
        -------
        list of int

        Examples
        --------
        >>> MLP(hidden=8).layer_sizes(2, 3)
        [2, 8, 3]
        """
        return [n_features, *self._hidden_sizes(), n_classes]

    def __sklearn_is_fitted__(self) -> bool:
        """Whether ``fit`` (or :func:`load`) has set the parameters.

        Examples
        --------
        >>> MLP().__sklearn_is_fitted__()
        False
        """
        return hasattr(self, "coefs_")

    def _settings(self) -> Settings:
        return check_settings(self.get_params(), type(self).__name__)

    def _fitted(self) -> Params:
        if not self.__sklearn_is_fitted__():
            raise sklearn_compatible(NotFittedError)(
                f"this {type(self).__name__} is not fitted yet; call fit first"
            )
        return Params(self.coefs_, self.intercepts_)

    # -- training ------------------------------------------------------------------
    def fit(self, X: Any, y: Any, validation_data: tuple[Any, Any] | None = None) -> Network:
        """Train from fresh N(0, 1/fan_in) weights by minibatch SGD on the cross-entropy.

        Every fit starts afresh; nothing of an earlier fit (classes, weights) is kept,
        and a failed fit leaves the estimator as it was.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features (MNIST: pixels scaled to [0, 1]).
        y : array-like of shape (n_samples,)
            Class labels: whole numbers, strings or booleans. The classes are the
            distinct labels, sorted (``classes_``).
        validation_data : tuple (X_val, y_val), optional
            Evaluated after each epoch (``validation_loss``, ``validation_accuracy``
            in the history); its labels must be among the classes of ``y``.

        Returns
        -------
        self
            With ``classes_``, ``n_features_in_``, ``coefs_``, ``intercepts_`` and
            ``history_``: one row per epoch with ``epoch``, ``lr``, ``train_loss`` and
            ``train_accuracy`` (running means over the epoch's minibatches, as the
            weights moved), ``validation_loss`` and ``validation_accuracy`` (NaN
            without validation data) and ``seconds`` (wall time of the epoch's SGD
            pass, evaluation excluded).

        Examples
        --------
        >>> from mnlogit.datasets import load_mnist
        >>> (X, y), _ = load_mnist()
        >>> net = SoftmaxRegression(epochs=2).fit(X[:2000], y[:2000])
        >>> net.history_.columns.tolist()[:4], net.classes_.tolist()
        (['epoch', 'lr', 'train_loss', 'train_accuracy'], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        """
        name = type(self).__name__
        settings = self._settings()
        rates = settings.rates(name)
        X = check_features(X, settings.dtype)
        classes, codes = encode_labels(y, X.shape[0])
        validate = None
        if validation_data is not None:
            validate = self._validation(validation_data, classes, X.shape[1], settings)
        rng = np.random.default_rng(settings.seed)
        sizes = [X.shape[1], *settings.hidden, classes.shape[0]]
        params = self._initial_params(sizes, settings, rng)
        evaluated = None if validate is None else lambda: validate(params)
        history = train(params, Batches(X, codes), settings, rates, rng, evaluated)
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        self.coefs_, self.intercepts_ = params.weights, params.biases
        self.history_ = history
        return self

    @staticmethod
    def _initial_params(sizes: list[int], settings: Settings, rng: np.random.Generator) -> Params:
        weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            # N(0, 1/fan_in): unit-variance pre-activations for unit-variance inputs.
            w = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
            weights.append(w.astype(settings.dtype))
        return Params(weights, [np.zeros(s, settings.dtype) for s in sizes[1:]])

    def _validation(
        self, data: tuple[Any, Any], classes: np.ndarray, n_features: int, settings: Settings
    ) -> Callable[[Params], tuple[float, float]]:
        try:
            X_val, y_val = data
        except (TypeError, ValueError):
            raise DataError("validation_data must be a pair (X_val, y_val)") from None
        X_val = check_features(X_val, settings.dtype, n_features, type(self).__name__)
        labels = label_array(y_val, X_val.shape[0], "validation y")
        codes = match_labels(labels, classes, "validation y")
        if (codes < 0).any():
            unknown = np.unique(labels[codes < 0])
            raise DataError(
                f"validation y has label(s) {show_labels(unknown)} not among the "
                f"{classes.shape[0]} classes of y"
            )
        name = self._activation_name()
        return lambda params: _evaluate(params, name, X_val, codes)

    def _activation_name(self) -> str:
        """The hidden layers' activation (softmax regression has none: 'logistic')."""
        return str(getattr(self, "activation", "logistic"))

    # -- prediction ----------------------------------------------------------------
    def _inputs(self, X: Any) -> tuple[Params, np.ndarray]:
        params = self._fitted()
        dtype = params.weights[0].dtype
        return params, check_features(X, dtype, self.n_features_in_, type(self).__name__)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log class probabilities, (n, K), columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, as many columns as in the training data.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)

        Examples
        --------
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = ["a", "b"] * 20
        >>> net = SoftmaxRegression(epochs=5).fit(X, y)
        >>> net.predict_log_proba([[3.0, 0.0]]).round(2)
        array([[-0.06, -2.92]], dtype=float32)
        """
        params, X = self._inputs(X)
        return np.concatenate(list(_log_proba(params, self._activation_name(), X)))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, (n, K), columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, as many columns as in the training data.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)

        Examples
        --------
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> net = SoftmaxRegression(epochs=5).fit(X, y)
        >>> net.predict_proba([[3.0, 0.0], [0.0, 0.0]]).round(2)
        array([[0.95, 0.05],
               [0.46, 0.54]], dtype=float32)
        """
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row (a label from ``classes_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, as many columns as in the training data.

        Returns
        -------
        numpy.ndarray of shape (n_samples,)

        Examples
        --------
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = ["cat", "dog"] * 20
        >>> net = SoftmaxRegression(epochs=5).fit(X, y)
        >>> net.predict([[3.0, 1.0], [0.0, 2.0]]).tolist()
        ['cat', 'dog']
        """
        params, X = self._inputs(X)
        codes = [lp.argmax(axis=1) for lp in _log_proba(params, self._activation_name(), X)]
        return self.classes_[np.concatenate(codes)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy: the share of rows whose most probable class is ``y``.

        Labels that are not among ``classes_`` count as misclassified, as in
        scikit-learn; labels of another kind (strings against numbers) are refused.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, as many columns as in the training data.
        y : array-like of shape (n_samples,)
            The true labels.

        Returns
        -------
        float

        Examples
        --------
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> net = SoftmaxRegression(epochs=5).fit(X, y)
        >>> net.score([[3.0, 0.0], [0.0, 3.0]], [0, 0])
        0.5
        """
        params, X = self._inputs(X)
        codes = match_labels(label_array(y, X.shape[0]), self.classes_)
        return _evaluate(params, self._activation_name(), X, codes)[1]

    # -- persistence ---------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Save the hyper-parameters, classes, parameters and history as an .npz archive.

        The archive holds plain arrays only (no pickle). Classes must be numbers,
        strings or booleans; a schedule given as a function is not saved (it loads
        as None, the constant rate).

        Parameters
        ----------
        path : str or pathlib.Path
            The file to write (the name is used as given).

        Examples
        --------
        >>> import tempfile
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> net = MLP(hidden=4, epochs=5).fit(X, y)
        >>> path = tempfile.mkdtemp() + "/net.npz"
        >>> net.save(path)
        >>> from mnlogit.nn import load
        >>> bool((load(path).predict_proba([[1.0, 2.0]]) == net.predict_proba([[1.0, 2.0]])).all())
        True
        """
        params = self._fitted()
        settings = {
            key: value
            for key, value in self.get_params().items()
            if key != "lr_schedule" or not callable(value)
        }
        if "dtype" in settings:
            settings["dtype"] = np.dtype(settings["dtype"]).name
        record = NetworkRecord(
            kind=type(self).__name__,
            settings=settings,
            classes=self.classes_,
            weights=params.weights,
            biases=params.biases,
            history=self.history_[HISTORY_COLUMNS].to_numpy(np.float64),
        )
        save_network(record, path)

    @classmethod
    def load(cls, path: str | Path) -> Network:
        """Load a network of this kind saved by :meth:`save` (checked; runs no code).

        Parameters
        ----------
        path : str or pathlib.Path
            The file written by :meth:`save`.

        Returns
        -------
        Network

        Examples
        --------
        >>> import tempfile
        >>> path = tempfile.mkdtemp() + "/net.npz"
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> SoftmaxRegression(epochs=5).fit(X, y).save(path)
        >>> SoftmaxRegression.load(path)
        SoftmaxRegression(epochs=5)
        """
        return load(path, cls)


def _log_proba(params: Params, activation_name: str, X: np.ndarray) -> Iterator[np.ndarray]:
    """Log class probabilities of the rows of X, block by block."""
    activation = get_activation(activation_name)
    sizes = [w.shape[1] for w in params.weights]
    rows = max(1, min(EVAL_ROWS, EVAL_ELEMENTS // max(sizes)))
    dtype = params.weights[0].dtype
    for first in range(0, X.shape[0], rows):
        block = X[first : first + rows]
        acts = [block] + [np.empty((block.shape[0], s), dtype) for s in sizes]
        with np.errstate(over="ignore"):  # exp(-z) = inf in the logistic is fine
            forward(params, acts, activation)
        probs = np.empty_like(acts[-1])
        log_softmax_inplace(acts[-1], probs, np.empty((block.shape[0], 1), dtype))
        yield acts[-1]


def _evaluate(
    params: Params, activation_name: str, X: np.ndarray, codes: np.ndarray
) -> tuple[float, float]:
    """(Mean cross-entropy, accuracy) on rows with class codes; code -1 counts as a miss."""
    loss, hits, first = 0.0, 0, 0
    for logp in _log_proba(params, activation_name, X):
        rows = codes[first : first + logp.shape[0]]
        loss -= float(logp[np.arange(rows.shape[0]), rows].sum(dtype=np.float64))
        hits += int((logp.argmax(axis=1) == rows).sum())
        first += logp.shape[0]
    return loss / X.shape[0], hits / X.shape[0]


class SoftmaxRegression(Network):
    """Multinomial logistic regression as a single-layer network: softmax(X W + b).

    Trained by minibatch SGD on the mean cross-entropy (unlike :func:`mnlogit.fit`,
    which finds the exact maximum-likelihood estimate by Newton's method); all K
    classes have weights (no reference class). A scikit-learn classifier: works with
    ``clone``, ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``.

    Parameters
    ----------
    epochs : int, default 30
        Passes over the data, reshuffled before each.
    batch_size : int, default 10
        Rows per minibatch (a smaller last batch takes the remainder).
    lr : float, default 0.1
        Learning rate of the mean minibatch gradient.
    momentum : float, default 0.0
        Heavy-ball momentum ``mu`` (``v <- mu v - lr g; w <- w + v``), in [0, 1).
    l2 : float, default 0.0
        Weight decay lambda on the weights (not the biases), scaled as in Nielsen's
        book: the cost adds ``lambda / (2 n) * sum(w^2)``, so each step multiplies the
        weights by ``1 - lr * lambda / n``.
    lr_schedule : str, callable or None, default "constant"
        ``"constant"``, ``"cosine"``, ``"linear"``, ``"step"`` or a function
        ``f(epoch, epochs) -> factor`` of the base rate (epoch counted from 0; the
        factor must be finite and >= 0).
    seed : int or None, default 0
        Seed of the generator drawing the initial weights and the shuffles; the same
        seed gives bit-for-bit the same weights.
    verbose : bool, default False
        Show the epochs (a tqdm bar if installed, else a line per epoch on stderr).
        Each epoch is logged at INFO on the ``mnlogit.nn`` logger either way.
    dtype : str or numpy dtype, default "float32"
        float32 (fast) or float64.

    Examples
    --------
    >>> from mnlogit.datasets import load_mnist
    >>> (X, y), (X_test, y_test) = load_mnist()
    >>> net = SoftmaxRegression(epochs=3).fit(X[:3000], y[:3000])
    >>> net.coefs_[0].shape, net.predict(X_test[:5]).tolist(), y_test[:5].tolist()
    ((784, 10), [7, 2, 1, 0, 4], [7, 2, 1, 0, 4])
    """


class MLP(Network):
    """The shallow network: H = activation(X Wh + bh), softmax(H Wo + bo).

    A scikit-learn classifier trained by minibatch SGD on the mean cross-entropy.

    Parameters
    ----------
    hidden : int, default 100
        Hidden units (100 in the classic 784-100-10 MNIST network).
    activation : str, default "logistic"
        ``"logistic"``, ``"tanh"`` or ``"relu"``.
    epochs, batch_size, lr, momentum, l2, lr_schedule, seed, verbose, dtype
        As for :class:`SoftmaxRegression`.

    Examples
    --------
    Exclusive or, which no linear classifier can learn:

    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25, dtype=float)
    >>> y = [0, 1, 1, 0] * 25
    >>> net = MLP(hidden=8, activation="tanh", epochs=100, batch_size=4, lr=0.5).fit(X, y)
    >>> [w.shape for w in net.coefs_], net.predict(X[:4]).tolist()
    ([(2, 8), (8, 2)], [0, 1, 1, 0])
    """

    def __init__(
        self,
        hidden: int = 100,
        activation: str = "logistic",
        *,
        epochs: int = 30,
        batch_size: int = 10,
        lr: float = 0.1,
        momentum: float = 0.0,
        l2: float = 0.0,
        lr_schedule: str | Callable[[int, int], float] | None = "constant",
        seed: int | None = 0,
        verbose: bool = False,
        dtype: Any = "float32",
    ) -> None:
        super().__init__(
            epochs=epochs,
            batch_size=batch_size,
            lr=lr,
            momentum=momentum,
            l2=l2,
            lr_schedule=lr_schedule,
            seed=seed,
            verbose=verbose,
            dtype=dtype,
        )
        self.hidden = hidden
        self.activation = activation


KINDS: dict[str, type[Network]] = {"MLP": MLP, "SoftmaxRegression": SoftmaxRegression}


def load(path: str | Path, expected: type[Network] = Network) -> Network:
    """Load a network saved by :meth:`Network.save`, checking every entry of the file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file written by :meth:`Network.save`.
    expected : Network subclass, optional
        Require this kind of network.

    Returns
    -------
    Network
        Fitted, with the saved hyper-parameters, classes and history.

    Examples
    --------
    >>> import tempfile
    >>> net = MLP(hidden=3, epochs=1).fit([[0.0], [1.0]] * 2, [0, 1] * 2)
    >>> path = tempfile.mkdtemp() + "/a.npz"; net.save(path)
    >>> [w.shape for w in load(path).coefs_]
    [(1, 3), (3, 2)]
    """
    record = read_network(path)
    kind = KINDS[record.kind]
    if expected is not Network and kind is not expected:
        raise DataError(f"{str(path)!r} holds a {record.kind}, not a {expected.__name__}")
    try:
        net = kind(**record.settings)
        settings = net._settings()
    except (TypeError, DataError, ValueError) as err:
        raise DataError(f"{str(path)!r} has invalid hyper-parameters: {err}") from None
    if record.weights[0].dtype != settings.dtype or len(record.weights) != 1 + len(settings.hidden):
        raise DataError(f"{str(path)!r}: the parameters do not match the hyper-parameters")
    if settings.hidden and record.weights[0].shape[1] != settings.hidden[0]:
        raise DataError(f"{str(path)!r}: the parameters do not match the hyper-parameters")
    net.classes_ = record.classes
    net.n_features_in_ = record.weights[0].shape[0]
    net.coefs_, net.intercepts_ = record.weights, record.biases
    net.history_ = pd.DataFrame(record.history, columns=HISTORY_COLUMNS).astype({"epoch": int})
    return net
