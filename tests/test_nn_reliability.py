"""Reliability of mnlogit.nn (issue 15): bad settings, odd labels, foreign files.

Each case of the adversarial pass gets the right result or the package's own error
naming the culprit, with variations around the reported input; a fuzzer then throws
random settings and labels at ``fit``: every outcome is a fitted network or an
MNLogitError, with only the package's own warnings.
"""

from __future__ import annotations

import math
import os
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mnlogit
from mnlogit.exceptions import DataError, MNLogitError, MNLogitWarning
from mnlogit.nn import MLP, SoftmaxRegression, load

_DEEP = os.environ.get("MNLOGIT_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(_DEEP or 40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=_DEEP is None,
)


def _data(n=60, p=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    X = rng.normal(size=(n, p)) + 3.0 * y[:, None]  # learnable: the class shifts the mean
    return X, y


# -- settings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("lr", "0.1", r"lr must be a number in \(0, inf\); got '0.1' \(str\)"),
        ("lr", None, r"lr must be a number .* got None \(NoneType\)"),
        ("lr", [0.1], r"lr must be a number .* got \[0.1\] \(list\)"),
        ("lr", math.nan, r"lr must be a number .* got nan \(float\)"),
        ("lr", math.inf, r"lr must be a number .* got inf \(float\)"),
        ("lr", -0.1, r"lr must be a number .* got -0.1"),
        ("lr", True, r"lr must be a number .* got True \(bool\)"),
        ("momentum", "0.9", r"momentum must be a number in \[0, 1\); got '0.9' \(str\)"),
        ("momentum", -0.5, r"momentum must be a number in \[0, 1\)"),
        ("l2", "3", r"l2 must be a number in \[0, inf\); got '3' \(str\)"),
        ("epochs", "3", r"epochs must be an integer >= 1; got '3' \(str\)"),
        ("epochs", 3.0, r"epochs must be an integer >= 1; got 3.0 \(float\)"),
        ("batch_size", 0, r"batch_size must be an integer >= 1; got 0"),
        ("batch_size", np.float64(10), r"batch_size must be an integer >= 1; got .*float64"),
        ("hidden", "100", r"hidden must be an integer >= 1; got '100' \(str\)"),
        ("hidden", (100,), r"hidden must be an integer >= 1; got \(100,\) \(tuple\)"),
        ("seed", "0", r"seed must be an integer >= 0; got '0' \(str\)"),
        ("seed", 1.5, r"seed must be an integer >= 0; got 1.5"),
        ("activation", 3, "unknown activation 3"),
        ("activation", None, "unknown activation None"),
        ("lr_schedule", 3, "unknown lr_schedule 3"),
        ("dtype", None, r"dtype must be float32 or float64; got None"),
        ("dtype", "float16", "dtype must be float32 or float64; got 'float16'"),
        ("dtype", "no such type", "dtype must be float32 or float64; got 'no such type'"),
    ],
)
def test_bad_settings_name_the_parameter(name, value, message):
    X, y = _data()
    net = MLP(4, epochs=1).set_params(**{name: value})  # stored as given
    assert net.get_params()[name] is value
    with pytest.raises(MNLogitError, match=f"^MLP: {message}"):
        net.fit(X, y)
    assert not hasattr(net, "coefs_")


def test_numpy_numbers_are_good_settings():
    X, y = _data()
    net = MLP(
        np.int64(4), epochs=np.int32(2), lr=np.float32(0.1), momentum=np.float64(0.5), seed=None
    ).fit(X, y)
    assert len(net.history_) == 2


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (lambda e, n: -1.0, "gives a negative rate -0.1 in epoch 1 .factor -1 of lr 0.1"),
        (lambda e, n: 1.0 - e, "gives a negative rate -0.1 in epoch 3"),
        (lambda e, n: np.float32(-0.5), "gives a negative rate -0.05 in epoch 1"),
        (lambda e, n: math.nan if e == 1 else 1.0, "gives a non-finite rate nan in epoch 2"),
        (lambda e, n: math.inf, "gives a non-finite rate inf in epoch 1"),
        (lambda e, n: 1e308 * 10 ** (e > 0), "gives a non-finite rate inf in epoch 2"),
        (lambda e, n: "0.5", r"returned '0.5' \(str\) in epoch 1; it must return a number"),
        (lambda e, n: None, r"returned None \(NoneType\) in epoch 1"),
        (lambda e, n: True, r"returned True \(bool\) in epoch 1"),
    ],
)
def test_a_schedule_giving_a_bad_rate_is_refused_before_training(schedule, message):
    X, y = _data()
    with pytest.raises(MNLogitError, match=f"MLP: lr_schedule {message}"):
        MLP(4, epochs=3, lr=0.1, lr_schedule=schedule).fit(X, y)


def test_a_zero_rate_pauses_training():
    X, y = _data()
    paused = MLP(4, epochs=2, lr_schedule=lambda e, n: 0.0).fit(X, y)
    fresh = MLP(4, epochs=1, lr=1e-300).fit(X, y)  # no step of consequence either
    np.testing.assert_array_equal(paused.coefs_[0], fresh.coefs_[0])
    assert paused.history_["lr"].tolist() == [0.0, 0.0]


# -- a failed fit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "scale", "error"),
    [
        ({"epochs": 0}, 1.0, "epochs must be an integer"),
        ({"lr": "0.1"}, 1.0, "lr must be a number"),
        ({"lr": 1e10, "activation": "relu"}, 1e18, "diverged in epoch 1"),
    ],
)
def test_a_failed_fit_leaves_the_network_as_it_was(failure, scale, error):
    X, y = _data(k=3)
    X5, y5 = _data(k=5, seed=1)
    fresh = MLP(4, epochs=1).set_params(**failure)
    with pytest.raises(MNLogitError, match=error):
        fresh.fit(X * scale, y)
    assert not hasattr(fresh, "coefs_") and not hasattr(fresh, "classes_")
    # The next fit learns its own classes: nothing of the failed one was fixed.
    fresh.set_params(epochs=1, lr=0.1, activation="logistic")
    assert fresh.fit(X5, y5).classes_.tolist() == [0, 1, 2, 3, 4]
    # A fitted network keeps its classes, weights and history through a failed refit.
    fitted = MLP(4, epochs=1).fit(X, y)
    before = [fitted.classes_, fitted.coefs_[0].copy(), fitted.history_.copy()]
    with pytest.raises(MNLogitError, match=error):
        fitted.set_params(**failure).fit(X5 * scale, y5)
    assert fitted.classes_ is before[0]
    np.testing.assert_array_equal(fitted.coefs_[0], before[1])
    assert fitted.history_.equals(before[2])


# -- labels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "big",
    [2**40, -(2**40), 2**62, np.uint64(2**64 - 1), 1e20, -1e20, 1e300],
    ids=["2**40", "-2**40", "2**62", "uint64-max", "1e20", "-1e20", "1e300"],
)
def test_huge_labels_are_classes_of_their_own(big):
    X, y = _data(k=3)
    labels = np.array([0, 1, big], dtype=np.asarray(big).dtype)[y]
    net = MLP(4, epochs=30, lr=0.2).fit(X, labels)
    assert net.classes_.tolist() == sorted([0, 1, big])
    assert net.classes_.dtype == labels.dtype
    assert net.coefs_[-1].shape == (4, 3)  # three output units, not 2**40
    predicted = net.predict(X)
    assert big in predicted.tolist()  # reported as itself, not as -9223372036854775808
    # The same training on the codes 0..2 of the sorted classes: the same predictions.
    by_code = MLP(4, epochs=30, lr=0.2).fit(X, np.searchsorted(net.classes_, labels))
    np.testing.assert_array_equal(predicted, net.classes_[by_code.predict(X)])
    assert net.score(X, labels) == np.mean(predicted == labels) > 0.5


@pytest.fixture(scope="module")
def mnist_2000():
    (X, y), _ = mnlogit.datasets.load_mnist()
    return X[:2000], y[:2000].astype(np.int64)


@pytest.mark.parametrize("stray", [200_000, -1, 10, 2**40])
def test_one_stray_label_is_one_small_class_and_a_warning(mnist_2000, stray):
    X, y = mnist_2000
    y = y.copy()
    y[123] = stray
    with pytest.warns(
        MNLogitWarning, match=rf"1 class\(es\) with a single example \({stray}\)"
    ) as caught:
        net = SoftmaxRegression(epochs=1).fit(X, y)
    assert caught[0].filename == __file__  # the warning names the user's line
    assert len(net.classes_) == 11 and stray in net.classes_.tolist()
    assert net.coefs_[0].shape == (784, 11)


def test_no_warning_when_every_class_repeats(mnist_2000):
    X, y = mnist_2000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SoftmaxRegression(epochs=1).fit(X, y)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        (np.arange(60), "y has 60 distinct labels among 60 rows"),
        (np.arange(60).astype(str), "y has 60 distinct labels among 60 rows"),
        (np.r_[np.arange(29).repeat(2), 100, 101], "y has 31 distinct labels among 60 rows"),
        (np.r_[np.arange(29).repeat(2), 100, 101] * 1.0, "y has 31 distinct labels"),
    ],
)
def test_labels_that_hardly_repeat_are_refused(y, message):
    X, _ = _data()
    with pytest.raises(DataError, match=f"{message}.*: each class needs repeated examples"):
        MLP(4, epochs=1).fit(X, y)


def test_half_as_many_classes_as_rows_is_fine():
    X, _ = _data()
    net = SoftmaxRegression(epochs=1).fit(X, np.arange(60) // 2)
    assert len(net.classes_) == 30


def test_many_classes_need_no_rows_by_classes_memory():
    import tracemalloc

    n, k = 20_000, 10_000  # every label twice: a one-hot (n, k) matrix would be 800 MB
    X = np.random.default_rng(0).normal(size=(n, 3)).astype(np.float32)
    y = np.arange(n) // 2
    tracemalloc.start()
    try:
        net = SoftmaxRegression(epochs=1, batch_size=100).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(net.classes_) == k
    assert peak < 100e6, f"peak {peak / 1e6:.0f} MB"


# -- files -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X, y = _data()
    path = tmp_path_factory.mktemp("nn") / "net.npz"
    MLP(4, epochs=1).fit(X, y).save(path)
    with np.load(path) as archive:
        return dict(archive)


def _write(tmp_path, data, **changes):
    data = {**data, **changes}
    path = tmp_path / "net.npz"
    with open(path, "wb") as stream:
        np.savez(stream, **data)
    return path


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("weights_0", np.full((3, 4), "0.5"), r"parameters of dtype <U3, not float32 or float64"),
        ("weights_0", np.full((3, 4), b"0.5"), "parameters of dtype |S3"),
        ("weights_0", np.zeros((3, 4), np.float16), "parameters of dtype float16, not float32"),
        ("weights_0", np.zeros((3, 4), np.int32), "parameters of dtype int32"),
        ("weights_0", np.zeros((3, 4), np.complex64), "parameters of dtype complex64"),
        ("weights_0", np.zeros((3, 4), bool), "parameters of dtype bool"),
        ("weights_0", np.zeros(12, np.float32), r"layer 0 has weights \(12,\)"),
        ("biases_0", np.full(4, "0.5"), r"layer 0 has .* biases \(4,\) <U3"),
        ("biases_1", np.zeros(3, np.float16), r"layer 1 has .* biases \(3,\) float16"),
        ("weights_1", np.full((4, 3), np.inf, np.float32), "layer 1 has non-finite parameters"),
    ],
)
def test_tampered_parameters_are_named(saved, tmp_path, key, value, message):
    path = _write(tmp_path, saved, **{key: value})
    with pytest.raises(DataError, match=f"net.npz.*{message}"):
        load(path)


@pytest.mark.parametrize(
    ("version", "message"),
    [(0, "unsupported format version 0"), (3, "unsupported format version 3")],
)
def test_unknown_format_versions_are_refused(saved, tmp_path, version, message):
    with pytest.raises(DataError, match=message):
        load(_write(tmp_path, saved, version=np.array(version)))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: np.save(p, np.zeros((3, 4))), r"holds a single array \(.npy\)"),
        (lambda p: np.save(p, np.array("mnlogit.nn")), r"holds a single array \(.npy\)"),
        (lambda p: np.save(p, np.array([{}]), allow_pickle=True), "not a readable mnlogit"),
        (lambda p: p.write_bytes(b""), "not a readable mnlogit"),
        (lambda p: p.write_text("format,mnlogit.nn\n"), "not a readable mnlogit"),
        (lambda p: p.write_bytes(pickle.dumps({"format": "mnlogit.nn"})), "not a readable"),
        (lambda p: p.mkdir(), "not a readable mnlogit"),
    ],
    ids=["npy", "npy-string", "npy-object", "empty", "text", "pickle", "directory"],
)
def test_files_that_are_not_archives(tmp_path, make, message):
    path = tmp_path / "net.npy"
    make(path)
    with pytest.raises(DataError, match=f"net.npy.*{message}"):
        load(path)


def test_version_1_files_still_load(tmp_path):
    X, y = _data()
    net = MLP(4, "tanh", epochs=1).fit(X, y)
    path = _write(
        tmp_path,
        {
            "format": np.array("mnlogit.nn"),
            "version": np.array(1),
            "kind": np.array("MLP"),
            "activation": np.array("tanh"),
            "hidden": np.array([4]),
            "n_classes": np.array(3),
            "weights_0": net.coefs_[0],
            "biases_0": net.intercepts_[0],
            "weights_1": net.coefs_[1],
            "biases_1": net.intercepts_[1],
        },
    )
    back = load(path)
    assert (back.hidden, back.activation, back.classes_.tolist()) == (4, "tanh", [0, 1, 2])
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))
    assert back.history_.empty


# -- fuzzing -----------------------------------------------------------------------

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.sampled_from(["logistic", "relu", "cosine", "float64", "step", [1], (2,), {}]),
)
PARAMETERS = MLP().get_params()


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(PARAMETERS)), ODD_VALUES, max_size=3))
def test_fuzzed_settings_fit_or_raise_our_error(changes):
    X, y = _data()
    net = MLP(3, epochs=2, batch_size=16).set_params(**changes)
    if isinstance(net.epochs, int) and net.epochs > 5:
        net.set_params(epochs=5)  # keep each example fast
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no foreign warnings either
            net.fit(X, y)
    except MNLogitError:
        assert not hasattr(net, "coefs_")
        return
    assert net.predict(X).shape == (60,)
    assert all(np.isfinite(w).all() for w in net.coefs_)


LABELS = st.one_of(
    # Whole numbers that float64 holds exactly: numpy turns a list of ints and floats into
    # floats, as scikit-learn does.
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.booleans(),
    st.none(),
)


@FUZZ
@given(st.lists(LABELS, min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_fuzzed_labels_fit_or_raise_our_error(values, seed):
    X, _ = _data(n=24)
    rng = np.random.default_rng(seed)
    labels = [values[i] for i in rng.integers(0, len(values), 24)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MNLogitWarning)
            warnings.simplefilter("error")
            net = SoftmaxRegression(epochs=1).fit(X, labels)
    except MNLogitError:
        return
    assert set(net.predict(X).tolist()) <= set(net.classes_.tolist())
    assert len(net.classes_) == len(set(labels))
