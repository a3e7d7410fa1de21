"""The minibatch SGD kernel: forward pass, back-propagation and fused in-place updates.

Everything a step touches is preallocated per batch size (:class:`Workspace`), so a
step allocates nothing. The weight update is fused with the gradient in one GEMM,
``W <- decay * W - (lr / b) * A' delta`` (``beta = decay``, ``alpha = -lr / b``),
run on the Fortran view ``W.T`` of the C-ordered weights so BLAS writes into W
directly and no gradient array ever exists. With momentum the GEMM writes the
velocity instead and an AXPY adds it to the weights.

"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import blas

from ..core.likelihood import log_softmax_inplace
from .activations import Activation


@dataclass
class Params:
    """Weights (fan_in, fan_out) and biases of each layer, plus momentum velocities."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    velocities: list[np.ndarray] = field(default_factory=list)
    bias_velocities: list[np.ndarray] = field(default_factory=list)

    def start_momentum(self) -> None:
        """Zero velocities of the same shapes as the parameters."""
        self.velocities = [np.zeros_like(w) for w in self.weights]
        self.bias_velocities = [np.zeros_like(b) for b in self.biases]


def forward(params: Params, acts: list[np.ndarray], activation: Activation) -> None:
    """Fill ``acts[1:]`` from the input block ``acts[0]``; the last holds the logits.

    Examples
    --------
    >>> import numpy as np
    >>> from mnlogit.nn.activations import get_activation
    >>> p = Params([np.eye(2)], [np.array([0.0, 1.0])])
    >>> acts = [np.array([[1.0, 2.0]]), np.empty((1, 2))]
    >>> forward(p, acts, get_activation("tanh")); acts[1]
    array([[1., 3.]])
    """
    last = len(params.weights) - 1
    for layer, (w, b) in enumerate(zip(params.weights, params.biases, strict=True)):
        out = acts[layer + 1]
        np.matmul(acts[layer], w, out=out)
        np.add(out, b, out=out)
        if layer < last:
            activation.forward(out)


class Workspace:
    """Every buffer of one minibatch size: inputs, targets, activations, errors.

    Examples
    --------
    >>> ws = Workspace([784, 100, 10], 32, np.float32)
    >>> [a.shape for a in ws.acts], ws.rows(0, 16).acts[1].shape
    ([(32, 784), (32, 100), (32, 10)], (16, 100))
    """

    def __init__(self, sizes: list[int], batch: int, dtype: np.dtype) -> None:
        self.batch = batch
        self.acts = [np.empty((batch, s), dtype) for s in sizes]
        self.deltas = [np.empty((batch, s), dtype) for s in sizes[1:]]
        self.work = [np.empty((batch, s), dtype) for s in sizes[1:-1]]
        self.targets = np.empty((batch, sizes[-1]), dtype)
        self.labels = np.empty(batch, np.intp)
        self.predicted = np.empty(batch, np.intp)
        self.hits = np.empty(batch, bool)
        self.row_work = np.empty((batch, 1), dtype)
        self.ones = np.ones(batch, dtype)
        self.gemm, self.gemv, self.axpy = blas.get_blas_funcs(("gemm", "gemv", "axpy"), dtype=dtype)

    def rows(self, start: int, stop: int) -> Workspace:
        """A workspace viewing rows ``start:stop`` of this one's buffers (no copies)."""
        view = object.__new__(Workspace)
        view.__dict__.update(self.__dict__)
        for name in ("acts", "deltas", "work"):
            setattr(view, name, [a[start:stop] for a in getattr(self, name)])
        for name in ("targets", "labels", "predicted", "hits", "row_work", "ones"):
            setattr(view, name, getattr(self, name)[start:stop])
        view.batch = stop - start
        return view


@dataclass
class Batches:
    """The training data a step draws its minibatch rows from."""

    X: np.ndarray  # (n, p) features
    targets: np.ndarray  # (n, K) one-hot labels
    labels: np.ndarray  # (n,) labels


def load_batch(ws: Workspace, data: Batches, idx: np.ndarray) -> None:
    """Gather the rows ``idx`` of the data into the workspace buffers."""
    np.take(data.X, idx, axis=0, out=ws.acts[0])
    np.take(data.targets, idx, axis=0, out=ws.targets)
    np.take(data.labels, idx, out=ws.labels)


@dataclass
class StepRule:
    """The update of one epoch: rate, momentum and weight-decay factor."""

    lr: float
    momentum: float
    decay: float  # 1 - lr * l2 / n


def forward_backward(params: Params, ws: Workspace, activation: Activation) -> tuple[float, int]:
    """Forward pass and back-propagated errors of the rows in ``ws``; (summed loss, hits).

    Afterwards ``ws.deltas[l]`` holds d(summed loss)/d(pre-activations of layer l).

    Examples
    --------
    Softmax regression with zero weights: every class has probability 1/3.

    >>> from mnlogit.nn.activations import get_activation
    >>> ws = Workspace([1, 3], 2, np.float64)
    >>> ws.acts[0][:] = 1.0; ws.labels[:] = [0, 2]; ws.targets[:] = np.eye(3)[[0, 2]]
    >>> loss, hits = forward_backward(Params([np.zeros((1, 3))], [np.zeros(3)]), ws,
    ...                               get_activation("logistic"))
    >>> bool(np.isclose(loss, 2 * np.log(3))), ws.deltas[0].round(3).tolist()
    (True, [[-0.667, 0.333, 0.333], [0.333, 0.333, -0.667]])
    """
    acts, deltas = ws.acts, ws.deltas
    forward(params, acts, activation)
    logits, probs = acts[-1], deltas[-1]
    log_softmax_inplace(logits, probs, ws.row_work)
    loss = -float(np.vdot(ws.targets, logits))
    np.argmax(probs, axis=1, out=ws.predicted)
    np.equal(ws.predicted, ws.labels, out=ws.hits)
    hits = int(np.count_nonzero(ws.hits))
    np.subtract(probs, ws.targets, out=probs)
    for layer in range(len(params.weights) - 1, 0, -1):
        np.matmul(deltas[layer], params.weights[layer].T, out=deltas[layer - 1])
        activation.backward(acts[layer], deltas[layer - 1], ws.work[layer - 1])
    return loss, hits


def update_weights(
    params: Params, ws: Workspace, rule: StepRule, layer: int, rows: slice = slice(None)
) -> None:
    """Apply the step to the weights of ``layer`` (only its input ``rows`` if given)."""
    w, a = params.weights[layer][rows], ws.acts[layer][:, rows]
    alpha = -rule.lr / ws.batch
    if rule.momentum:
        v = params.velocities[layer][rows]
        ws.gemm(alpha, ws.deltas[layer].T, a.T, rule.momentum, v.T, trans_b=1, overwrite_c=1)
        if rule.decay != 1.0:
            ws.axpy(w.reshape(-1), v.reshape(-1), a=rule.decay - 1.0)
        ws.axpy(v.reshape(-1), w.reshape(-1))
    else:
        ws.gemm(alpha, ws.deltas[layer].T, a.T, rule.decay, w.T, trans_b=1, overwrite_c=1)


def update_biases(params: Params, ws: Workspace, rule: StepRule) -> None:
    """Apply the step to every bias: the gradients are the column sums delta' 1 (GEMV)."""
    alpha = -rule.lr / ws.batch
    for delta, b, vb in zip(
        ws.deltas, params.biases, params.bias_velocities or ws.deltas, strict=True
    ):
        if rule.momentum:
            ws.gemv(alpha, delta.T, ws.ones, rule.momentum, vb, overwrite_y=1)
            ws.axpy(vb, b)
        else:
            ws.gemv(alpha, delta.T, ws.ones, 1.0, b, overwrite_y=1)


def sgd_step(
    params: Params, ws: Workspace, rule: StepRule, activation: Activation
) -> tuple[float, int]:
    """One SGD step on the minibatch loaded in ``ws``; returns (summed loss, hits).

    Examples
    --------
    >>> from mnlogit.nn.activations import get_activation
    >>> p = Params([np.zeros((2, 2))], [np.zeros(2)])
    >>> ws = Workspace([2, 2], 1, np.float64)
    >>> ws.acts[0][:] = [[1.0, 0.0]]; ws.targets[:] = [[0.0, 1.0]]; ws.labels[:] = [1]
    >>> loss, hits = sgd_step(p, ws, StepRule(1.0, 0.0, 1.0), get_activation("logistic"))
    >>> p.weights[0].tolist(), p.biases[0].tolist()
    ([[-0.5, 0.5], [0.0, 0.0]], [-0.5, 0.5])
    """
    result = forward_backward(params, ws, activation)
    for layer in range(len(params.weights)):
        update_weights(params, ws, rule, layer)
    update_biases(params, ws, rule)
    return result


class SerialStep:
    """SGD steps on the minibatches of one workspace (one batch size).

    Examples
    --------
    >>> from mnlogit.nn.activations import get_activation
    >>> data = Batches(np.eye(2), np.eye(2), np.arange(2))
    >>> p = Params([np.zeros((2, 2))], [np.zeros(2)])
    >>> step = SerialStep(p, Workspace([2, 2], 2, np.float64), get_activation("tanh"), data)
    >>> loss, hits = step.step(StepRule(1.0, 0.0, 1.0), np.array([1, 0]))
    >>> p.weights[0].tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """

    def __init__(
        self, params: Params, ws: Workspace, activation: Activation, data: Batches
    ) -> None:
        self.params, self.ws, self.activation, self.data = params, ws, activation, data

    def step(self, rule: StepRule, idx: np.ndarray) -> tuple[float, int]:
        """One SGD step on the data rows ``idx``; (summed loss, hits)."""
        load_batch(self.ws, self.data, idx)
        return sgd_step(self.params, self.ws, rule, self.activation)
