"""Networks: gradients against finite differences, learning on real MNIST, reproducibility,
persistence and bad input.

The gradient checks read the gradient off one full-batch SGD step of the public ``fit``
(the fused GEMM update ``W <- decay * W - lr * grad``), with the initial weights rebuilt
independently from the documented initialisation (N(0, 1/fan_in) drawn in layer order
from ``numpy.random.default_rng(seed)``), and compare it with central finite differences
of the mean cross-entropy written out here from its definition, in float64.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit.exceptions import DataError, MNLogitError
from mnlogit.nn import MLP, NotFittedError, SoftmaxRegression, load

ACTS = {
    "logistic": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
}


def _initial(sizes, seed):
    rng = np.random.default_rng(seed)
    weights = [
        rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    return weights, [np.zeros(b) for b in sizes[1:]]


def _cost(weights, biases, X, y, activation, l2=0.0):
    """Mean cross-entropy plus Nielsen's L2 term lambda / (2n) * sum(w^2)."""
    a = X
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        a = a @ w + b
        if i < len(weights) - 1:
            a = ACTS[activation](a)
    shift = a.max(axis=1, keepdims=True)
    lse = shift[:, 0] + np.log(np.exp(a - shift).sum(axis=1))
    n = X.shape[0]
    return np.mean(lse - a[np.arange(n), y]) + l2 / (2 * n) * sum((w**2).sum() for w in weights)


def _numeric_gradient(weights, biases, X, y, activation, l2, h=1e-6):
    grads = []
    for group in (*weights, *biases):
        g = np.zeros_like(group)
        for idx in np.ndindex(group.shape):
            keep = group[idx]
            group[idx] = keep + h
            up = _cost(weights, biases, X, y, activation, l2)
            group[idx] = keep - h
            down = _cost(weights, biases, X, y, activation, l2)
            group[idx] = keep
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def _problem(n=40, p=6, k=4, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, p)), rng.integers(0, k, n)


@pytest.mark.parametrize(
    ("make", "activation"),
    [
        (lambda **kw: SoftmaxRegression(dtype=np.float64, **kw), "logistic"),
        (lambda **kw: MLP(5, "logistic", dtype=np.float64, **kw), "logistic"),
        (lambda **kw: MLP(5, "tanh", dtype=np.float64, **kw), "tanh"),
        (lambda **kw: MLP(5, "relu", dtype=np.float64, **kw), "relu"),
    ],
)
@pytest.mark.parametrize("l2", [0.0, 3.0])
def test_sgd_step_follows_the_finite_difference_gradient(make, activation, l2):
    X, y = _problem()
    lr = 0.7
    net = make(epochs=1, batch_size=len(y), lr=lr, l2=l2, seed=3).fit(X, y)
    weights, biases = _initial(net.layer_sizes(X.shape[1], 4), seed=3)
    numeric = _numeric_gradient(weights, biases, X, y, activation, l2)
    after = [*net.coefs_, *net.intercepts_]
    for before, new, g in zip([*weights, *biases], after, numeric, strict=True):
        implied = (before - new) / lr  # the step moved by -lr * gradient
        np.testing.assert_allclose(implied, g, rtol=1e-6, atol=1e-8)
        assert np.abs(g).max() > 1e-3  # a real, non-trivial gradient


def test_momentum_steps_follow_the_heavy_ball_recursion():
    X, y = _problem()
    lr, mu, l2 = 0.3, 0.9, 2.0
    net = MLP(5, epochs=2, batch_size=len(y), lr=lr, momentum=mu, l2=l2, seed=5, dtype="float64")
    net.fit(X, y)
    weights, biases = _initial(net.layer_sizes(X.shape[1], 4), seed=5)
    params = [*weights, *biases]
    velocity = [np.zeros_like(p) for p in params]
    for _ in range(2):  # v <- mu v - lr grad(cost + L2); w <- w + v
        grads = _numeric_gradient(params[:2], params[2:], X, y, "logistic", l2)
        velocity = [mu * v - lr * g for v, g in zip(velocity, grads, strict=True)]
        params = [p + v for p, v in zip(params, velocity, strict=True)]
    for mine, ref in zip([*net.coefs_, *net.intercepts_], params, strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-6, atol=1e-8)


def test_initial_weights_have_variance_one_over_fan_in():
    X, _ = _problem(n=20, p=400)
    y = np.arange(20) % 4
    # lr tiny: the weights after one epoch are the initial ones to ~1e-6.
    net = MLP(300, epochs=1, batch_size=20, lr=1e-9).fit(X, y)
    assert net.coefs_[0].var() == pytest.approx(1 / 400, rel=0.02)
    assert net.coefs_[1].var() == pytest.approx(1 / 300, rel=0.1)
    assert net.coefs_[0].dtype == np.float32


@pytest.fixture(scope="module")
def mnist():
    return mnlogit.datasets.load_mnist()


@pytest.mark.parametrize(
    ("make", "epochs", "lr", "floor"),
    [(SoftmaxRegression, 5, 0.1, 0.83), (MLP, 10, 0.5, 0.87)],
)
def test_learns_mnist_from_3000_images(mnist, make, epochs, lr, floor):
    # Seeds 0-3 reach 0.850-0.862 (softmax) and 0.890-0.897 (MLP) on these 2000 test images.
    (X, y), (Xt, yt) = mnist
    net = make(epochs=epochs, batch_size=10, lr=lr, seed=0)
    history = net.fit(X[:3000], y[:3000], validation_data=(Xt[:2000], yt[:2000])).history_
    assert history["train_loss"].iloc[-1] < 0.6 * history["train_loss"].iloc[0]
    accuracy = net.score(Xt[:2000], yt[:2000])
    assert accuracy == history["validation_accuracy"].iloc[-1]
    assert accuracy >= floor  # chance is 0.1; a broken gradient stays far below
    proba = net.predict_proba(Xt[:50])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(net.predict(Xt[:50]), proba.argmax(axis=1))


def test_same_seed_same_weights_different_seed_different(mnist):
    (X, y), _ = mnist
    runs = []
    for seed in (7, 7, 8):
        runs.append(MLP(20, epochs=2, batch_size=10, seed=seed).fit(X[:500], y[:500]))
    first, second = runs[0], runs[1]
    for a, b in zip(
        first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(a, b)
    assert first.history_["train_loss"].tolist() == second.history_["train_loss"].tolist()
    assert not np.array_equal(first.coefs_[0], runs[2].coefs_[0])


def test_input_is_not_modified(mnist):
    (X, y), _ = mnist
    Xs, ys = X[:100].copy(), y[:100].copy()
    MLP(10, epochs=1).fit(Xs, ys)
    np.testing.assert_array_equal(Xs, X[:100])
    np.testing.assert_array_equal(ys, y[:100])


def test_history_and_schedule():
    X, y = _problem()
    history = MLP(4, epochs=4, batch_size=7, lr=0.2, lr_schedule="step").fit(X, y).history_
    assert history.columns.tolist() == [
        "epoch",
        "lr",
        "train_loss",
        "train_accuracy",
        "validation_loss",
        "validation_accuracy",
        "seconds",
    ]
    assert history["epoch"].tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(history["lr"], [0.2, 0.2, 0.02, 0.002])
    assert history["validation_accuracy"].isna().all()


def test_learning_curve_plot_reads_the_history():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from mnlogit.plots import plot_learning_curves

    X, y = _problem()
    history = MLP(4, epochs=3).fit(X, y, validation_data=(X, y)).history_
    fig = plot_learning_curves(history)
    lines = fig.axes[1].get_lines()
    np.testing.assert_allclose(lines[1].get_ydata(), history["validation_accuracy"])


def test_progress_lines_and_silence(capsys, monkeypatch):
    import mnlogit.nn.progress

    X, y = _problem()
    MLP(4, epochs=2).fit(X, y)
    assert capsys.readouterr() == ("", "")
    monkeypatch.setattr(mnlogit.nn.progress, "tqdm_class", lambda: None)  # tqdm not installed
    MLP(4, epochs=2, verbose=True).fit(X, y, validation_data=(X, y))
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err] == ["epoch 1/2", "epoch 2/2"]
    assert "validation accuracy" in err[1]


def test_divergence_is_reported():
    X, y = _problem()
    with pytest.raises(MNLogitError, match="diverged in epoch 1"):
        MLP(4, "relu", epochs=2, lr=1e10).fit(X * 1e18, y)


# -- persistence -------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained():
    X, y = _problem()
    return MLP(5, "tanh", epochs=2).fit(X, y), X


def test_save_load_round_trip(trained, tmp_path):
    net, X = trained
    path = tmp_path / "net.npz"
    net.save(path)
    back = MLP.load(path)
    assert back.get_params() == net.get_params()
    assert back.n_features_in_ == 6 and back.classes_.tolist() == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(back.history_, net.history_)
    for a, b in zip(net.coefs_ + net.intercepts_, back.coefs_ + back.intercepts_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))
    labels = np.array(["setosa", "versicolor", "virginica"])[np.arange(40) % 3]
    soft = SoftmaxRegression(epochs=1, dtype=np.float64, lr_schedule=lambda e, n: 0.5).fit(
        X, labels
    )
    soft.save(tmp_path / "s.npz")
    back = load(tmp_path / "s.npz")
    assert type(back) is SoftmaxRegression and back.dtype == "float64"
    assert back.lr_schedule == "constant"  # a schedule function is not saved
    np.testing.assert_array_equal(back.predict(X), soft.predict(X))
    assert back.predict(X).dtype.kind == "U"
    with pytest.raises(DataError, match="holds a SoftmaxRegression, not a MLP"):
        MLP.load(tmp_path / "s.npz")


def test_a_failed_save_keeps_the_old_file(trained, tmp_path, monkeypatch):
    net, X = trained
    path = tmp_path / "net.npz"
    net.save(path)
    other = MLP(3, epochs=1).fit(X, np.arange(40) % 2)

    def interrupted(stream, **arrays):
        stream.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        other.save(path)
    monkeypatch.undo()
    np.testing.assert_array_equal(load(path).coefs_[0], net.coefs_[0])
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary file left


def _tampered(trained, tmp_path, **changes):
    net, _ = trained
    path = tmp_path / "net.npz"
    net.save(path)
    with np.load(path) as archive:
        data = dict(archive)
    data.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        del data[key]
    with open(path, "wb") as stream:
        np.savez(stream, **data)
    return path


def _settings(**changes):
    params = MLP(5, "tanh", epochs=2).get_params()
    params.update(changes)
    return np.array(json.dumps(params))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weights_1": np.zeros((4, 4), np.float32)}, r"layer 1 has weights \(4, 4\)"),
        (
            {"weights_1": np.zeros((5, 3), np.float32), "biases_1": np.zeros(3, np.float32)},
            "output layer has 3 units for 4 classes",
        ),
        ({"biases_0": np.full(5, np.nan, np.float32)}, "layer 0 has non-finite"),
        ({"weights_0": np.zeros((6, 5))}, "one float dtype"),
        ({"kind": np.array("Transformer")}, "unknown network kind 'Transformer'"),
        ({"format": np.array("other")}, "not an mnlogit network archive"),
        ({"biases_1": None}, "missing or misnumbered layer entries"),
        ({"weights_2": np.zeros((4, 4), np.float32)}, "missing or misnumbered layer entries"),
        ({"extra": np.zeros(2)}, "missing or unexpected entries: extra"),
        ({"settings": _settings(activation="gelu")}, "unknown activation 'gelu'"),
        ({"settings": _settings(hidden=6)}, "do not match the hyper-parameters"),
        ({"settings": _settings(dtype="float64")}, "do not match the hyper-parameters"),
        ({"settings": _settings(depth=3)}, "invalid hyper-parameters.*depth"),
        ({"settings": np.array("{not json")}, "malformed 'settings'"),
        ({"settings": np.array('{"hidden": [5]}')}, "malformed 'settings'"),
        ({"settings": np.array("[5]")}, "malformed 'settings'"),
        ({"classes": np.array([3, 2, 1, 0])}, "malformed 'classes'"),
        ({"classes": np.array([0, 0, 1, 2])}, "malformed 'classes'"),
        ({"classes": np.array([[0, 1, 2, 3]])}, "malformed 'classes'"),
        ({"classes": np.array([0.0, 1.0, 2.0, np.nan])}, "malformed 'classes'"),
        ({"classes": None}, "malformed 'classes'"),
        ({"history": np.zeros((2, 6))}, "malformed 'history'"),
        ({"version": np.array(1.5)}, "malformed 'version'"),
    ],
)
def test_tampered_archives_are_data_errors(trained, tmp_path, changes, message):
    path = _tampered(trained, tmp_path, **changes)
    with pytest.raises(DataError, match=f"net.npz.*{message}"):
        load(path)


class _Payload:
    def __reduce__(self):
        import pathlib

        return (pathlib.Path.touch, (pathlib.Path(_Payload.target),))


@pytest.mark.parametrize("key", ["settings", "kind", "classes", "weights_0"])
def test_pickled_payload_is_refused_without_running(trained, tmp_path, key):
    _Payload.target = str(tmp_path / "pwned")
    path = _tampered(trained, tmp_path, **{key: np.array([_Payload()], dtype=object)})
    with pytest.raises(DataError, match="net.npz.*not a readable mnlogit network"):
        load(path)
    assert not (tmp_path / "pwned").exists()


def test_not_an_archive(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"PK\x03\x04 definitely not a zip")
    with pytest.raises(DataError, match="junk.npz"):
        load(path)
    with pytest.raises(DataError, match="missing.npz.*does not exist"):
        load(tmp_path / "missing.npz")


# -- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.zeros(6), [0, 1], r"X must be 2-dimensional .* shape \(6,\)"),
        (np.zeros((2, 3, 4)), [0, 1], "X must be 2-dimensional"),
        (np.zeros((0, 3)), [], "X has no rows"),
        (np.zeros((4, 0)), [0, 1, 0, 1], r"X has 0 feature\(s\)"),
        (np.zeros((2, 3)), [[0, 1], [1, 0]], "y must be 1-dimensional"),
        (np.zeros((2, 3)), [0, 1, 1], "y has 3 labels for 2 rows"),
        (np.zeros((2, 3)), [0, 0.5], "Unknown label type: y holds numbers that are not whole"),
        (np.zeros((2, 3)), np.array([0, np.nan]), "y has 1 missing or infinite label"),
        (np.zeros((2, 3)), np.array([np.inf, 1]), "y has 1 missing or infinite label.*row 0"),
        (np.zeros((2, 3)), [0, np.nan], r"y has 1 missing label\(s\) \(None or NaN\)"),
        (np.zeros((2, 3)), np.array([0, None], dtype=object), "y has 1 missing label"),
        (
            np.zeros((2, 3)),
            np.array([0, "a"], dtype=object),
            "Unknown label type: y mixes int and str",
        ),
        (np.zeros((2, 3)), [1, 1], r"y has 1 class \(1\); a classifier needs at least 2"),
        (np.zeros((2, 3)), np.array([1j, 2j]), "Unknown label type: y has dtype complex128"),
        (np.zeros((2, 3)), [1j, 2j], "Unknown label type: y holds complex values"),
        (np.zeros((2, 3)), [0, "a"], "Unknown label type: y mixes int and str"),
        (np.array([[0.0, np.nan, 1.0], [0.0, 0.0, np.inf]]), [0, 1], "2 non-finite value.*row 0"),
        (np.array([["a", "b"], ["c", "d"]]), [0, 1], "X must be numeric"),
        (np.array([[1j, 0], [0, 1]]), [0, 1], "Complex data not supported"),
        ([[1.0, 2.0], [3.0]], [0, 1], "X cannot be read as a numeric array"),
        (np.array([[{}, 1], [2, 3]], dtype=object), [0, 1], "X cannot be read as numbers"),
    ],
)
def test_bad_training_input(X, y, message):
    with pytest.raises(DataError, match=message):
        MLP(3, epochs=1).fit(X, y)


def test_sparse_input_is_refused_by_name():
    from scipy import sparse

    with pytest.raises(DataError, match="X is a sparse csr_matrix"):
        MLP(3, epochs=1).fit(sparse.csr_matrix(np.eye(4)), [0, 1, 0, 1])


def test_labels_beyond_the_classes():
    X, y = _problem()
    with pytest.raises(DataError, match="validation y has label.s. 7 not among the 4 classes"):
        MLP(3, epochs=1).fit(X, y, validation_data=(X, np.full(40, 7)))
    with pytest.raises(DataError, match="validation_data must be a pair"):
        MLP(3, epochs=1).fit(X, y, validation_data=X)
    net = MLP(3, epochs=1).fit(X, y)
    # Unknown labels count as misclassified (scikit-learn's accuracy); another kind is refused.
    assert net.score(X, np.full(40, 9)) == 0.0
    assert net.score(X, np.where(y == 0, 9, y)) == pytest.approx(
        np.mean((net.predict(X) == y) & (y != 0))
    )
    with pytest.raises(DataError, match="y holds labels of dtype <U1 but the classes are of"):
        net.score(X, ["a"] * 40)
    with pytest.raises(DataError, match="X has 5 features, but MLP is expecting 6 features"):
        net.predict(X[:, :5])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0.0}, r"lr must be a number in \(0, inf\); got 0.0"),
        ({"momentum": 1.0}, r"momentum must be a number in \[0, 1\); got 1.0"),
        ({"l2": -1.0}, r"l2 must be a number in \[0, inf\); got -1.0"),
        ({"epochs": 0}, "epochs must be an integer >= 1; got 0"),
        ({"batch_size": 2.5}, r"batch_size must be an integer >= 1; got 2.5 \(float\)"),
        ({"lr_schedule": "warp"}, "unknown lr_schedule 'warp'"),
        ({"activation": "softsign"}, "unknown activation 'softsign'"),
        ({"hidden": 0}, "hidden must be an integer >= 1; got 0"),
        ({"dtype": np.int32}, "dtype must be float32 or float64"),
        ({"seed": -1}, "seed must be an integer >= 0; got -1"),
        ({"verbose": "yes"}, "verbose must be True or False; got 'yes'"),
    ],
)
def test_bad_settings(kwargs, message):
    X, y = _problem()
    with pytest.raises(MNLogitError, match=f"MLP: {message}"):
        MLP(3, epochs=1).set_params(**kwargs).fit(X, y)


def test_unfitted_use():
    for method in ("predict", "predict_proba", "predict_log_proba"):
        with pytest.raises(NotFittedError, match="this MLP is not fitted yet"):
            getattr(MLP(3), method)(np.zeros((1, 3)))
    with pytest.raises(NotFittedError, match="this SoftmaxRegression is not fitted yet"):
        SoftmaxRegression().save("never.npz")
