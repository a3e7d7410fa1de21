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

from ..likelihood import log_softmax_inplace
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
    >>> [a.shape for a in ws.acts]
    [(32, 784), (32, 100), (32, 10)]
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
        self.bias_grads = [np.empty(s, dtype) for s in sizes[1:]]
        self.gemm, self.axpy = blas.get_blas_funcs(("gemm", "axpy"), dtype=dtype)


@dataclass
class StepRule:
    """The update of one epoch: rate, momentum and weight-decay factor."""

    lr: float
    momentum: float
    decay: float  # 1 - lr * l2 / n


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
    >>> round(loss, 4), p.weights[0].tolist(), p.biases[0].tolist()
    (0.6931, [[-0.5, 0.5], [0.0, 0.0]], [-0.5, 0.5])
    """
    gemm, axpy = ws.gemm, ws.axpy
    acts, deltas = ws.acts, ws.deltas
    forward(params, acts, activation)
    logits, probs = acts[-1], deltas[-1]
    log_softmax_inplace(logits, probs, ws.row_work)
    loss = -float(np.vdot(ws.targets, logits))
    np.argmax(probs, axis=1, out=ws.predicted)
    np.equal(ws.predicted, ws.labels, out=ws.hits)
    hits = int(np.count_nonzero(ws.hits))
    np.subtract(probs, ws.targets, out=probs)  # d(summed loss)/d(logits)

    alpha = -rule.lr / ws.batch
    momentum = rule.momentum
    for layer in range(len(params.weights) - 1, -1, -1):
        w, b, delta = params.weights[layer], params.biases[layer], deltas[layer]
        if layer > 0:  # propagate with the weights before their update
            np.matmul(delta, w.T, out=deltas[layer - 1])
            activation.backward(acts[layer], deltas[layer - 1], ws.work[layer - 1])
        grad_b = ws.bias_grads[layer]
        np.sum(delta, axis=0, out=grad_b)
        if momentum:
            v, vb = params.velocities[layer], params.bias_velocities[layer]
            gemm(alpha, delta.T, acts[layer].T, momentum, v.T, trans_b=1, overwrite_c=1)
            if rule.decay != 1.0:
                axpy(w.reshape(-1), v.reshape(-1), a=rule.decay - 1.0)
            axpy(v.reshape(-1), w.reshape(-1))
            np.multiply(vb, momentum, out=vb)
            axpy(grad_b, vb, a=alpha)
            axpy(vb, b)
        else:
            gemm(alpha, delta.T, acts[layer].T, rule.decay, w.T, trans_b=1, overwrite_c=1)
            axpy(grad_b, b, a=alpha)
    return loss, hits
