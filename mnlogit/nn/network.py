"""Softmax regression and the one-hidden-layer network, trained by minibatch SGD.

Both minimise the mean cross-entropy of a softmax output layer; the hidden layer of
:class:`MLP` applies an elementwise activation (logistic by default). The training
loop is in :mod:`mnlogit.nn.kernel`; this module holds the models' state, the
epoch loop, evaluation and persistence.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.likelihood import log_softmax_inplace
from ..core.threads import single_threaded_blas
from ..exceptions import DataError, MNLogitError
from .activations import get_activation
from .checks import check_features, check_labels
from .kernel import (
    Batches,
    Params,
    SerialStep,
    StepRule,
    Workspace,
    forward,
)
from .persistence import NetworkRecord, read_network, save_network
from .progress import Progress
from .schedules import Schedule, get_schedule

EVAL_BLOCK = 4096  # rows per forward block when predicting


def _epoch(
    order: np.ndarray,
    batch_size: int,
    steppers: dict[int, SerialStep],
    rule: StepRule,
    progress: Progress,
) -> tuple[float, int]:
    """One pass over the data in the given order; (summed loss, hits)."""
    n = order.shape[0]
    report_every = max(1, -(-n // batch_size) // 50)
    loss, hits = 0.0, 0
    # Overflow only happens when training diverges, which the caller reports.
    with single_threaded_blas(), np.errstate(over="ignore", invalid="ignore"):
        for count, first in enumerate(range(0, n, batch_size), 1):
            idx = order[first : first + batch_size]
            batch_loss, batch_hits = steppers[idx.shape[0]].step(rule, idx)
            loss += batch_loss
            hits += batch_hits
            if count % report_every == 0:
                progress.advance(report_every)
        progress.advance(count % report_every)
    return loss, hits


class Network:
    """Base class of the networks: a stack of dense layers with a softmax output.

    Use :class:`SoftmaxRegression` or :class:`MLP`.

    Examples
    --------
    >>> net = MLP(hidden=8)
    >>> isinstance(net, Network), net.layer_sizes(784, 10)
    (True, [784, 8, 10])
    """

    def __init__(
        self, hidden: tuple[int, ...], activation: str, n_classes: int | None, dtype: Any
    ) -> None:
        self.hidden = tuple(int(h) for h in hidden)
        if any(h < 1 for h in self.hidden):
            raise MNLogitError(f"hidden layer sizes must be positive; got {self.hidden}")
        self.activation = get_activation(activation).name
        if n_classes is not None and int(n_classes) < 2:
            raise MNLogitError(f"n_classes must be at least 2; got {n_classes}")
        self.n_classes = None if n_classes is None else int(n_classes)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise MNLogitError(f"dtype must be float32 or float64; got {self.dtype}")
        self.params: Params | None = None
        self.history_: pd.DataFrame | None = None

    # -- structure -----------------------------------------------------------------
    def layer_sizes(self, n_features: int, n_classes: int) -> list[int]:
        """Widths of the layers from input to output."""
        return [n_features, *self.hidden, n_classes]

    def _initialise(self, n_features: int, rng: np.random.Generator) -> None:
        sizes = self.layer_sizes(n_features, self.n_classes)
        weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            # N(0, 1/fan_in): unit-variance pre-activations for unit-variance inputs.
            w = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
            weights.append(w.astype(self.dtype))
        biases = [np.zeros(s, self.dtype) for s in sizes[1:]]
        self.params = Params(weights, biases)

    def _fitted(self) -> Params:
        if self.params is None:
            raise MNLogitError(f"this {type(self).__name__} is not fitted yet; call fit first")
        return self.params

    @property
    def weights(self) -> list[np.ndarray]:
        """Weight matrices (fan_in, fan_out) of each layer, input layer first."""
        return self._fitted().weights

    @property
    def biases(self) -> list[np.ndarray]:
        """Bias vectors of each layer, input layer first."""
        return self._fitted().biases

    # -- training ------------------------------------------------------------------
    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int = 30,
        batch_size: int = 10,
        lr: float = 0.1,
        momentum: float = 0.0,
        l2: float = 0.0,
        seed: int | None = 0,
        verbose: bool = True,
        validation_data: tuple[Any, Any] | None = None,
        lr_schedule: str | Schedule | None = None,
    ) -> pd.DataFrame:
        """Train from fresh N(0, 1/fan_in) weights by minibatch SGD on the cross-entropy.

        Parameters
        ----------
        X : (n, p) numeric features (MNIST: pixels scaled to [0, 1]).
        y : (n,) integer labels 0..K-1 (K is ``n_classes``, or max(y) + 1).
        epochs : passes over the data, reshuffled before each.
        batch_size : rows per minibatch (a smaller last batch takes the remainder).
        lr : learning rate of the mean minibatch gradient.
        momentum : heavy-ball momentum ``mu`` (``v <- mu v - lr g; w <- w + v``).
        l2 : weight decay lambda on the weights (not the biases), scaled as in
            Nielsen's book: the cost adds ``lambda / (2 n) * sum(w^2)``, so each step
            multiplies the weights by ``1 - lr * lambda / n``.
        seed : seed of the generator drawing the initial weights and the shuffles;
            the same seed gives bit-for-bit the same weights.
        verbose : show a progress bar (tqdm if installed) and per-epoch lines.
        validation_data : optional (X, y) evaluated after each epoch.
        lr_schedule : ``"constant"`` (default), ``"cosine"``, ``"linear"``, ``"step"``
            or a function ``f(epoch, epochs) -> factor`` of the base rate.

        Each fit starts afresh. BLAS runs in one thread during training:
        a multithreaded BLAS on minibatch-sized products collapses under load.

        Returns
        -------
        The history (also ``self.history_``): one row per epoch with ``epoch``, ``lr``,
        ``train_loss`` and ``train_accuracy`` (running means over the epoch's
        minibatches, as the weights moved), ``validation_loss`` and
        ``validation_accuracy`` (NaN without validation data) and ``seconds`` (wall
        time of the epoch's SGD pass, evaluation excluded).

        Examples
        --------
        >>> from mnlogit.datasets import load_mnist
        >>> (X, y), _ = load_mnist()
        >>> net = SoftmaxRegression()
        >>> history = net.fit(X[:2000], y[:2000], epochs=2, verbose=False)
        >>> history.columns.tolist()[:4], bool(history["train_loss"].is_monotonic_decreasing)
        (['epoch', 'lr', 'train_loss', 'train_accuracy'], True)
        """
        X = check_features(X, self.dtype)
        if self.n_classes is None:
            self.n_classes = max(2, int(check_labels(y, X.shape[0], None).max()) + 1)
        labels = check_labels(y, X.shape[0], self.n_classes)
        validation = None
        if validation_data is not None:
            Xv = check_features(validation_data[0], self.dtype, X.shape[1])
            validation = (
                Xv,
                check_labels(validation_data[1], Xv.shape[0], self.n_classes, "validation y"),
            )
        epochs, batch_size = int(epochs), int(batch_size)
        if epochs < 1 or batch_size < 1:
            raise MNLogitError(f"epochs and batch_size must be >= 1; got {epochs}, {batch_size}")
        if not (lr > 0 and 0 <= momentum < 1 and l2 >= 0):
            raise MNLogitError(
                f"need lr > 0, 0 <= momentum < 1 and l2 >= 0; got {lr}, {momentum}, {l2}"
            )
        schedule = get_schedule(lr_schedule)

        n = X.shape[0]
        rng = np.random.default_rng(seed)
        self._initialise(X.shape[1], rng)
        params = self.params
        if momentum:
            params.start_momentum()
        targets = np.zeros((n, self.n_classes), self.dtype)
        targets[np.arange(n), labels] = 1.0
        sizes = self.layer_sizes(X.shape[1], self.n_classes)
        full, rest = divmod(n, batch_size)
        spaces = [Workspace(sizes, batch_size, self.dtype)] if full else []
        if rest:
            spaces.append(Workspace(sizes, rest, self.dtype))
        activation = get_activation(self.activation)
        progress = Progress(verbose, epochs, full + (rest > 0))
        rows = []
        with contextlib.ExitStack() as stack:
            stack.callback(progress.close)
            data = Batches(X, targets, labels)
            steppers = {ws.batch: SerialStep(self.params, ws, activation, data) for ws in spaces}
            for epoch in range(epochs):
                rate = lr * float(schedule(epoch, epochs))
                rule = StepRule(rate, momentum, 1.0 - rate * l2 / n)
                progress.start_epoch(epoch)
                start = time.perf_counter()
                loss, hits = _epoch(rng.permutation(n), batch_size, steppers, rule, progress)
                seconds = time.perf_counter() - start
                if not np.isfinite(loss):
                    raise MNLogitError(
                        f"training diverged in epoch {epoch + 1} (loss {loss}); lower lr "
                        f"(now {rate:g})"
                    )
                row = {
                    "epoch": epoch + 1,
                    "lr": rate,
                    "train_loss": loss / n,
                    "train_accuracy": hits / n,
                    "validation_loss": np.nan,
                    "validation_accuracy": np.nan,
                    "seconds": seconds,
                }
                text = f"loss {row['train_loss']:.4f}, accuracy {row['train_accuracy']:.4f}"
                if validation is not None:
                    row["validation_loss"], row["validation_accuracy"] = self._evaluate(*validation)
                    text += f", validation accuracy {row['validation_accuracy']:.4f}"
                progress.epoch_done(f"{text} ({seconds:.2f} s)")
                rows.append(row)
        params.velocities, params.bias_velocities = [], []
        self.history_ = pd.DataFrame(rows)
        return self.history_

    # -- evaluation ----------------------------------------------------------------
    def _log_proba(self, X: np.ndarray) -> Iterator[np.ndarray]:
        params = self._fitted()
        activation = get_activation(self.activation)
        sizes = self.layer_sizes(X.shape[1], self.n_classes)
        for first in range(0, X.shape[0], EVAL_BLOCK):
            block = X[first : first + EVAL_BLOCK]
            acts = [block] + [np.empty((block.shape[0], s), self.dtype) for s in sizes[1:]]
            with np.errstate(over="ignore"):  # exp(-z) = inf in the logistic is fine
                forward(params, acts, activation)
            probs = np.empty_like(acts[-1])
            log_softmax_inplace(acts[-1], probs, np.empty((block.shape[0], 1), self.dtype))
            yield acts[-1]

    def _inputs(self, X: Any) -> np.ndarray:
        return check_features(X, self.dtype, self._fitted().weights[0].shape[0])

    def _evaluate(self, X: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
        loss, hits, first = 0.0, 0, 0
        for logp in self._log_proba(X):
            rows = labels[first : first + logp.shape[0]]
            loss -= float(logp[np.arange(rows.shape[0]), rows].sum(dtype=np.float64))
            hits += int((logp.argmax(axis=1) == rows).sum())
            first += logp.shape[0]
        return loss / X.shape[0], hits / X.shape[0]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, (n, K).

        Examples
        --------
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> net = SoftmaxRegression(); _ = net.fit(X, y, epochs=5, verbose=False)
        >>> net.predict_proba([[3.0, 0.0], [0.0, 0.0]]).round(2)
        array([[0.95, 0.05],
               [0.46, 0.54]], dtype=float32)
        """
        return np.exp(np.concatenate(list(self._log_proba(self._inputs(X)))))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each row.

        Examples
        --------
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> net = SoftmaxRegression(); _ = net.fit(X, y, epochs=5, verbose=False)
        >>> net.predict([[3.0, 1.0], [0.0, 2.0]]).tolist()
        [0, 1]
        """
        return np.concatenate([lp.argmax(axis=1) for lp in self._log_proba(self._inputs(X))])

    def score(self, X: Any, y: Any) -> float:
        """Accuracy: the share of rows whose most probable class is ``y``.

        Examples
        --------
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> net = SoftmaxRegression(); _ = net.fit(X, y, epochs=5, verbose=False)
        >>> net.score([[3.0, 0.0], [0.0, 3.0]], [0, 0])
        0.5
        """
        X = self._inputs(X)
        return self._evaluate(X, check_labels(y, X.shape[0], self.n_classes))[1]

    # -- persistence ---------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Save the architecture and parameters as an .npz archive (no pickle).

        Examples
        --------
        >>> import tempfile
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> net = MLP(hidden=4); _ = net.fit(X, y, epochs=5, verbose=False)
        >>> path = tempfile.mkdtemp() + "/net.npz"
        >>> net.save(path)
        >>> from mnlogit.nn import load
        >>> bool((load(path).predict_proba([[1.0, 2.0]]) == net.predict_proba([[1.0, 2.0]])).all())
        True
        """
        record = NetworkRecord(
            type(self).__name__,
            self.activation,
            self.hidden,
            self.n_classes,
            self._fitted().weights,
            self._fitted().biases,
        )
        save_network(record, path)

    @classmethod
    def load(cls, path: str | Path) -> Network:
        """Load a network saved by :meth:`save` (checked; never executes code).

        Examples
        --------
        >>> import tempfile
        >>> path = tempfile.mkdtemp() + "/net.npz"
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0]] * 20); y = [0, 1] * 20
        >>> net = SoftmaxRegression(); _ = net.fit(X, y, epochs=5, verbose=False)
        >>> net.save(path)
        >>> type(SoftmaxRegression.load(path)).__name__
        'SoftmaxRegression'
        """
        return load(path, cls)


class SoftmaxRegression(Network):
    """Multinomial logistic regression as a single-layer network: softmax(X W + b).

    Trained by minibatch SGD on the mean cross-entropy (unlike :func:`mnlogit.fit`,
    which finds the exact maximum-likelihood estimate by Newton's method); all K
    classes have weights (no reference class).

    Parameters
    ----------
    n_classes : number of classes K; by default max(y) + 1 of the first fit.
    dtype : float32 (default, fast) or float64.

    Examples
    --------
    >>> from mnlogit.datasets import load_mnist
    >>> (X, y), (X_test, y_test) = load_mnist()
    >>> net = SoftmaxRegression()
    >>> history = net.fit(X[:3000], y[:3000], epochs=3, lr=0.1, verbose=False)
    >>> net.weights[0].shape, net.predict(X_test[:5]).tolist(), y_test[:5].tolist()
    ((784, 10), [7, 2, 1, 0, 4], [7, 2, 1, 0, 4])
    """

    def __init__(self, n_classes: int | None = None, dtype: Any = np.float32) -> None:
        super().__init__((), "logistic", n_classes, dtype)


class MLP(Network):
    """The shallow network: H = activation(X Wh + bh), softmax(H Wo + bo).

    Parameters
    ----------
    hidden : number of hidden units (100 in the classic 784-100-10 MNIST network).
    activation : ``"logistic"`` (default), ``"tanh"`` or ``"relu"``.
    n_classes : number of classes K; by default max(y) + 1 of the first fit.
    dtype : float32 (default, fast) or float64.

    Examples
    --------
    Exclusive or, which no linear classifier can learn:

    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25, dtype=float)
    >>> y = [0, 1, 1, 0] * 25
    >>> net = MLP(hidden=8, activation="tanh")
    >>> history = net.fit(X, y, epochs=100, batch_size=4, lr=0.5, verbose=False)
    >>> [w.shape for w in net.weights], net.predict(X[:4]).tolist()
    ([(2, 8), (8, 2)], [0, 1, 1, 0])
    """

    def __init__(
        self,
        hidden: int = 100,
        activation: str = "logistic",
        n_classes: int | None = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__((int(hidden),), activation, n_classes, dtype)


def load(path: str | Path, expected: type[Network] = Network) -> Network:
    """Load a network saved by :meth:`Network.save`, checking every entry of the file.

    ``expected`` (a Network subclass) requires that kind of network.

    Examples
    --------
    >>> import tempfile
    >>> net = MLP(hidden=3); _ = net.fit([[0.0], [1.0]], [0, 1], epochs=1, verbose=False)
    >>> path = tempfile.mkdtemp() + "/a.npz"; net.save(path)
    >>> [w.shape for w in load(path).weights]
    [(1, 3), (3, 2)]
    """
    record = read_network(path)
    kind = {"MLP": MLP, "SoftmaxRegression": SoftmaxRegression}[record.kind]
    if expected is not Network and kind is not expected:
        raise DataError(f"{str(path)!r} holds a {record.kind}, not a {expected.__name__}")
    dtype = record.weights[0].dtype
    if kind is MLP:
        net: Network = MLP(record.hidden[0], record.activation, record.n_classes, dtype)
    else:
        net = SoftmaxRegression(record.n_classes, dtype)
    net.params = Params(record.weights, record.biases)
    return net
