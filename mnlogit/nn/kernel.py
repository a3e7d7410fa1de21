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
    >>> [a.shape for a in ws.acts], [d.shape for d in ws.deltas]
    ([(32, 784), (32, 100), (32, 10)], [(32, 100), (32, 10)])
    """

    def __init__(self, sizes: list[int], batch: int, dtype: np.dtype) -> None:
        self.batch = batch
        self.acts = [np.empty((batch, s), dtype) for s in sizes]
        self.deltas = [np.empty((batch, s), dtype) for s in sizes[1:]]
        self.work = [np.empty((batch, s), dtype) for s in sizes[1:-1]]
        self.targets = np.empty((batch, sizes[-1]), dtype)  # one-hot rows of the labels
        self.labels = np.empty(batch, np.intp)
        self.row_offsets = np.arange(batch) * sizes[-1]  # flat index of each row's start
        self.flat = np.empty(batch, np.intp)
        self.predicted = np.empty(batch, np.intp)
        self.hits = np.empty(batch, bool)
        self.row_work = np.empty((batch, 1), dtype)
        self.ones = np.ones(batch, dtype)
        self.gemm, self.gemv, self.axpy = blas.get_blas_funcs(("gemm", "gemv", "axpy"), dtype=dtype)


@dataclass
class Batches:
    """The training data a step draws its minibatch rows from."""

    X: np.ndarray  # (n, p) features
    labels: np.ndarray  # (n,) labels


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
    probs.argmax(axis=1, out=ws.predicted)
    np.equal(ws.predicted, ws.labels, out=ws.hits)
    hits = int(np.count_nonzero(ws.hits))
    np.subtract(probs, ws.targets, out=probs)
    for layer in range(len(params.weights) - 1, 0, -1):
        np.matmul(deltas[layer], params.weights[layer].T, out=deltas[layer - 1])
        activation.backward(acts[layer], deltas[layer - 1], ws.work[layer - 1])
    return loss, hits


class MinibatchStep:
    """SGD steps on minibatches of one size: gather, forward, back-propagate, update.

    The transposed views that BLAS updates in place are made once here, so a step
    allocates nothing and makes no view: the weights of layer l take the fused step
    ``W.T <- decay * W.T + alpha * delta.T A`` (one GEMM, ``alpha = -lr / b``), the
    biases ``b <- b + alpha * delta' 1`` (one GEMV). With momentum the GEMM and GEMV
    write the velocities (``v <- mu v + alpha g``), the decay enters the velocity
    (``v <- v - lr * l2 / n * w``) and an AXPY adds it to the parameters.

    Examples
    --------
    >>> from mnlogit.nn.activations import get_activation
    >>> data = Batches(np.eye(2), np.arange(2))
    >>> p = Params([np.zeros((2, 2))], [np.zeros(2)])
    >>> step = MinibatchStep(p, Workspace([2, 2], 2, np.float64), get_activation("tanh"), data)
    >>> loss, hits = step.step(StepRule(1.0, 0.0, 1.0), np.array([1, 0]))
    >>> p.weights[0].tolist(), p.biases[0].tolist()
    ([[0.25, -0.25], [-0.25, 0.25]], [0.0, 0.0])
    """

    def __init__(
        self, params: Params, ws: Workspace, activation: Activation, data: Batches
    ) -> None:
        self.params, self.ws, self.activation, self.data = params, ws, activation, data
        self.layers = [
            (d.T, a.T, w.T) for d, a, w in zip(ws.deltas, ws.acts[:-1], params.weights, strict=True)
        ]
        self.bias_errors = [(d.T, b) for d, b in zip(ws.deltas, params.biases, strict=True)]
        # With momentum: the velocities' transposed views and the flat vectors AXPY adds.
        self.velocities = [v.T for v in params.velocities]
        self.flat = [
            (w.reshape(-1), v.reshape(-1))
            for w, v in zip(params.weights, params.velocities, strict=False)
        ]

    def step(self, rule: StepRule, idx: np.ndarray) -> tuple[float, int]:
        """One SGD step on the data rows ``idx``; (summed loss, hits)."""
        ws, data = self.ws, self.data
        np.take(data.X, idx, axis=0, out=ws.acts[0])
        np.take(data.labels, idx, out=ws.labels)
        # One-hot targets built per batch: as fast as gathering rows of an (n, K) one-hot
        # matrix, which would need n * K floats (many classes, many rows: gigabytes).
        ws.targets.fill(0.0)
        np.add(ws.row_offsets, ws.labels, out=ws.flat)
        np.put(ws.targets, ws.flat, 1.0)
        result = forward_backward(self.params, ws, self.activation)
        alpha = -rule.lr / ws.batch
        if rule.momentum:
            self._momentum_update(rule, alpha)
        else:
            gemm, gemv, ones = ws.gemm, ws.gemv, ws.ones
            for delta_t, a_t, w_t in self.layers:
                gemm(alpha, delta_t, a_t, rule.decay, w_t, trans_b=1, overwrite_c=1)
            for delta_t, b in self.bias_errors:
                gemv(alpha, delta_t, ones, 1.0, b, overwrite_y=1)
        return result

    def _momentum_update(self, rule: StepRule, alpha: float) -> None:
        ws, mu = self.ws, rule.momentum
        for (delta_t, a_t, _), v_t, (w, v) in zip(
            self.layers, self.velocities, self.flat, strict=True
        ):
            ws.gemm(alpha, delta_t, a_t, mu, v_t, trans_b=1, overwrite_c=1)
            if rule.decay != 1.0:
                ws.axpy(w, v, a=rule.decay - 1.0)
            ws.axpy(v, w)
        for (delta_t, b), vb in zip(self.bias_errors, self.params.bias_velocities, strict=True):
            ws.gemv(alpha, delta_t, ws.ones, mu, vb, overwrite_y=1)
            ws.axpy(vb, b)
