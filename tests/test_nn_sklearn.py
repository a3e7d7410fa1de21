"""The networks as scikit-learn estimators: the estimator checks, meta-estimators, labels.

scikit-learn is a test dependency only: these tests also check that using the
networks never imports it, and the meta-estimator results are compared with the same
computation written out by hand (the folds, fits and scores done one by one).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone, is_classifier  # noqa: E402
from sklearn.exceptions import NotFittedError as SklearnNotFittedError  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

import mnlogit  # noqa: E402
from mnlogit.exceptions import MNLogitError  # noqa: E402
from mnlogit.nn import MLP, NotFittedError, SoftmaxRegression  # noqa: E402

with warnings.catch_warnings():
    # scikit-learn warns that the estimators do not inherit from its BaseEstimator:
    # by design, they implement the protocol without importing scikit-learn.
    warnings.filterwarnings("ignore", "Estimator .* does not inherit", UserWarning)
    ESTIMATOR_CHECKS = parametrize_with_checks([SoftmaxRegression(), MLP()])


@ESTIMATOR_CHECKS
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Estimator .* does not inherit", UserWarning)
        check(estimator)


@pytest.fixture(scope="module")
def iris():
    df = mnlogit.datasets.load_iris()
    return df.drop(columns="Species").to_numpy(), df["Species"].to_numpy()


def test_hyper_parameters_are_stored_unchanged_and_cloned():
    schedule = lambda epoch, epochs: 0.5  # noqa: E731
    net = MLP(50, "tanh", epochs=3, lr=0.2, lr_schedule=schedule, dtype=np.float64)
    params = net.get_params()
    assert params["hidden"] == 50 and params["lr_schedule"] is schedule
    assert params["dtype"] is np.float64
    assert set(params) == {
        "hidden", "activation", "epochs", "batch_size", "lr", "momentum", "l2",
        "lr_schedule", "seed", "verbose", "dtype",
    }  # fmt: skip
    assert set(SoftmaxRegression().get_params()) == set(params) - {"hidden", "activation"}
    twin = clone(net)
    assert twin is not net and twin.get_params() == params
    assert repr(net).startswith("MLP(activation='tanh', dtype=<class 'numpy.float64'>, epochs=3")
    assert repr(MLP()) == "MLP()"
    assert net.set_params(lr=0.3) is net and net.lr == 0.3
    with pytest.raises(MNLogitError, match="invalid parameter 'learning_rate' for MLP"):
        net.set_params(learning_rate=0.3)


def test_clone_of_a_fitted_network_is_unfitted(iris):
    X, y = iris
    net = MLP(10, epochs=2).fit(X, y)
    check_is_fitted(net)
    twin = clone(net)
    assert not hasattr(twin, "coefs_")
    with pytest.raises(SklearnNotFittedError):
        check_is_fitted(twin)
    with pytest.raises(SklearnNotFittedError, match="this MLP is not fitted yet"):
        twin.predict(X)


def test_unfitted_error_is_ours_and_scikit_learns():
    with pytest.raises(NotFittedError) as caught:
        SoftmaxRegression().predict_proba(np.zeros((1, 2)))
    assert isinstance(caught.value, SklearnNotFittedError)
    assert isinstance(caught.value, MNLogitError)


def test_tags_say_classifier():
    assert is_classifier(MLP()) and is_classifier(SoftmaxRegression())
    tags = get_tags(MLP())
    assert tags.target_tags.required and not tags.input_tags.sparse


@pytest.mark.parametrize(
    "labels",
    [
        ["setosa", "versicolor", "virginica"],
        [-7, 2**40, 10**12],
        [0.0, 1e20, 2.5e20],
        [True, False],
        np.array(["x", "y", "z"], dtype=object),
    ],
    ids=["strings", "big-ints", "big-floats", "booleans", "objects"],
)
def test_any_labels_are_classes(iris, labels):
    X, species = iris
    codes = np.unique(species, return_inverse=True)[1] % len(labels)
    y = np.asarray(labels)[codes]
    net = MLP(10, epochs=20, lr=0.05).fit(X, y)
    assert net.classes_.tolist() == sorted(np.unique(y).tolist())
    assert net.predict_proba(X).shape == (150, len(labels))
    predicted = net.predict(X)
    assert set(predicted.tolist()) <= set(net.classes_.tolist())
    # The same network trained on the codes 0..K-1 predicts the same classes.
    by_code = MLP(10, epochs=20, lr=0.05).fit(X, np.searchsorted(net.classes_, y))
    np.testing.assert_array_equal(predicted, net.classes_[by_code.predict(X)])
    assert net.score(X, y) == pytest.approx(np.mean(predicted == y))


def _by_hand(make, X, y, cv):
    scores = []
    for train, test in cv.split(X, y):
        scaler = StandardScaler().fit(X[train])
        net = make().fit(scaler.transform(X[train]), y[train])
        scores.append(net.score(scaler.transform(X[test]), y[test]))
    return np.array(scores)


def test_pipeline_and_cross_val_score_match_the_folds_done_by_hand(iris):
    X, y = iris
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    pipe = make_pipeline(StandardScaler(), SoftmaxRegression(epochs=10))
    scores = cross_val_score(pipe, X, y, cv=cv)
    np.testing.assert_array_equal(scores, _by_hand(lambda: SoftmaxRegression(epochs=10), X, y, cv))
    assert scores.mean() > 0.8
    pipe.fit(X, y)
    assert pipe.predict(X[:3]).tolist() == ["setosa"] * 3
    assert pipe.score(X, y) == pytest.approx(np.mean(pipe.predict(X) == y))


def test_grid_search_sets_the_parameters(iris):
    X, y = iris
    cv = StratifiedKFold(3, shuffle=True, random_state=1)
    pipe = make_pipeline(StandardScaler(), MLP(epochs=5))
    grid = {"mlp__hidden": [2, 16], "mlp__lr": [0.01, 0.2]}
    search = GridSearchCV(pipe, grid, cv=cv).fit(X, y)
    for params, mean in zip(
        search.cv_results_["params"], search.cv_results_["mean_test_score"], strict=True
    ):

        def make(params=params):
            return MLP(params["mlp__hidden"], epochs=5, lr=params["mlp__lr"])

        assert mean == pytest.approx(_by_hand(make, X, y, cv).mean())
    best = search.best_estimator_[-1]
    assert (best.hidden, best.lr) == (
        search.best_params_["mlp__hidden"],
        search.best_params_["mlp__lr"],
    )
    assert len({round(m, 6) for m in search.cv_results_["mean_test_score"]}) > 1


def test_using_the_networks_never_imports_scikit_learn(tmp_path):
    code = f"""
import sys
import numpy as np
from mnlogit.nn import MLP, load
X = np.random.default_rng(0).normal(size=(40, 3)); y = np.arange(40) % 2
net = MLP(4, epochs=2).fit(X, y, validation_data=(X, y))
net.predict(X); net.predict_proba(X); net.score(X, y); repr(net); net.get_params()
net.save({str(tmp_path / "n.npz")!r}); load({str(tmp_path / "n.npz")!r})
try:
    MLP().predict(X)
except Exception:
    pass
print(sorted(m for m in sys.modules if m.split(".")[0] == "sklearn"))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_epochs_are_logged_whatever_verbose_says(iris, caplog, capsys):
    X, y = iris
    with caplog.at_level(logging.INFO, logger="mnlogit.nn"):
        SoftmaxRegression(epochs=2).fit(X, y, validation_data=(X, y))
    lines = [r.getMessage() for r in caplog.records if r.name == "mnlogit.nn"]
    assert [line.split(":")[0] for line in lines] == ["epoch 1/2", "epoch 2/2"]
    assert "validation accuracy" in lines[1]
    assert capsys.readouterr() == ("", "")  # verbose=False shows nothing


@pytest.mark.slow
def test_progress_in_a_notebook_has_no_tqdm_warning():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("tqdm")
    book = nbformat.v4.new_notebook()
    book.cells.append(
        nbformat.v4.new_code_cell(
            "import numpy as np\n"
            "from mnlogit.nn import MLP\n"
            "X = np.random.default_rng(0).normal(size=(40, 3)); y = np.arange(40) % 2\n"
            "MLP(4, epochs=2, verbose=True).fit(X, y).history_.shape"
        )
    )
    nbclient.NotebookClient(book, timeout=120, kernel_name="python3").execute()
    outputs = book.cells[0].outputs
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "epoch 2/2" in text  # the display is there
    assert "Warning" not in text and "IProgress" not in text
    assert outputs[-1]["data"]["text/plain"] == "(2, 7)"
