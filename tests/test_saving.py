"""Saving is all-or-nothing, and what saves also loads (issue 15, items 4 and 5)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

import mnlogit
from mnlogit import DataError


@pytest.fixture(scope="module")
def iris():
    return mnlogit.datasets.load_iris()


def _rewrite_meta(path, change):
    """Apply ``change`` to a saved model's description (as a tampered file would)."""
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("model.json"))
        arrays = archive.read("arrays.npz")
    change(meta)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.json", json.dumps(meta))
        archive.writestr("arrays.npz", arrays)


def _round_trip(res, path):
    res.save(path)
    return mnlogit.load(path)


@pytest.mark.parametrize(
    "name",
    [pd.Timestamp("2024-01-02"), np.int64(3), ("a", 1), "rows", None, 2.5],
    ids=["timestamp", "int64", "tuple", "str", "none", "float"],
)
def test_index_names_of_any_label_type_save_and_load(iris, tmp_path, name):
    # Before: a Timestamp or np.int64 index name raised a bare TypeError half-way through
    # writing; a tuple name saved but could not be loaded.
    data = iris.set_axis(pd.RangeIndex(len(iris), name=name))
    res = mnlogit.fit("Species ~ Sepal_Length", data)
    loaded = _round_trip(res, tmp_path / "m.mnlogit")
    assert loaded.model_frame.row_index.name == (
        np.int64(3).item() if name is np.int64(3) else name
    )
    pd.testing.assert_frame_equal(loaded.predict(), res.predict())


def test_tuple_outcome_labels_and_tuple_columns_with_dropped_rows(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    y = [("a", 1), ("b", 2), ("c", 3)]
    df = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(["u", "v"], n)})
    df["y"] = pd.Series([y[i] for i in rng.integers(0, 3, n)], dtype=object)
    df.loc[[4, 9], "x"] = np.nan
    with pytest.warns(mnlogit.MissingDataWarning):
        res = mnlogit.MNLogit(df["y"], df[["x"]].assign(const=1.0)).fit()
    loaded = _round_trip(res, tmp_path / "t.mnlogit")
    assert loaded.outcome_levels == res.outcome_levels == tuple(y)
    pd.testing.assert_frame_equal(loaded.params, res.params)


def test_datetime_index_round_trips_as_dates(iris, tmp_path):
    data = iris.set_axis(pd.date_range("2020-01-01", periods=150, freq="D", tz="Europe/Paris"))
    res = mnlogit.fit("Species ~ Sepal_Length", data)
    loaded = _round_trip(res, tmp_path / "d.mnlogit")
    pd.testing.assert_index_equal(
        loaded.model_frame.row_index, res.model_frame.row_index, check_exact=True
    )
    assert loaded.model_frame.row_index.freq == res.model_frame.row_index.freq == "D"


@pytest.mark.parametrize("freq", ["not a frequency", "h"])
def test_a_stored_frequency_the_dates_do_not_follow_is_named(iris, tmp_path, freq):
    data = iris.set_axis(pd.date_range("2020-01-01", periods=150, freq="D"))
    path = tmp_path / "f.mnlogit"
    mnlogit.fit("Species ~ Sepal_Length", data).save(path)
    _rewrite_meta(path, lambda meta: meta["frame"]["row_index"].update(freq=freq))
    with pytest.raises(mnlogit.MNLogitError, match="stored frequency"):
        mnlogit.load(path)


def test_a_failed_save_leaves_the_previous_file(iris, tmp_path):
    path = tmp_path / "m.mnlogit"
    good = mnlogit.fit("Species ~ Sepal_Length", iris)
    good.save(path)
    before = path.read_bytes()

    def shift(x):
        return x + 1.0

    bad = mnlogit.fit("Species ~ shift(Sepal_Length)", iris)
    with pytest.raises(mnlogit.MNLogitError, match="cannot save the formula term"):
        bad.save(path)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name != "m.mnlogit"]  # no temporary left
    assert mnlogit.load(path).llf == good.llf


SAVER = textwrap.dedent(
    """
    import sys, mnlogit
    df = mnlogit.datasets.load_anes96()
    res = mnlogit.fit("party3 ~ age + income + C(educ) + selfLR", df)
    print("ready", flush=True)
    while True:
        res.save(sys.argv[1])
    """
)


@pytest.mark.slow
def test_killing_a_save_in_progress_never_leaves_an_unreadable_file(iris, tmp_path):
    # Before: the target was opened for writing and truncated first, so a process killed
    # during save left an unreadable file. Now: a temporary file, fsync, rename.
    path = tmp_path / "m.mnlogit"
    old = mnlogit.fit("Species ~ Sepal_Length", iris)
    old.save(path)
    new_llf = mnlogit.fit(
        "party3 ~ age + income + C(educ) + selfLR", mnlogit.datasets.load_anes96()
    ).llf
    rng = np.random.default_rng(7)
    seen = set()
    for _ in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.3))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        llf = mnlogit.load(path).llf
        assert llf in (old.llf, new_llf)
        seen.add(llf)
    assert new_llf in seen


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda meta: meta.update(version=0), "of a version this package reads"),
        (lambda meta: meta.update(version=True), "of a version this package reads"),
        (lambda meta: meta.update(version=1), "earlier mnlogit"),
    ],
)
def test_versions_outside_the_supported_range_are_refused(iris, tmp_path, change, message):
    path = tmp_path / "m.mnlogit"
    mnlogit.fit("Species ~ Sepal_Length", iris).save(path)
    _rewrite_meta(path, change)
    with pytest.raises(DataError, match=message):
        mnlogit.load(path)


def test_a_sign_flipped_hessian_is_refused(iris, tmp_path):
    # Before: loaded as converged, with NaN standard errors.
    import io

    path = tmp_path / "m.mnlogit"
    mnlogit.fit("Species ~ Sepal_Length", iris).save(path)
    with zipfile.ZipFile(path) as archive:
        meta = archive.read("model.json")
        with np.load(io.BytesIO(archive.read("arrays.npz"))) as npz:
            arrays = {k: npz[k] for k in npz.files}
    arrays["hessian"] = -arrays["hessian"]
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.json", meta)
        archive.writestr("arrays.npz", buffer.getvalue())
    with pytest.raises(DataError, match="stored Hessian is not negative definite"):
        mnlogit.load(path)


def test_an_archive_pointing_outside_itself_is_named(iris, tmp_path):
    # Before: a bare OSError (Errno 22) from zipfile's seek.
    path = tmp_path / "m.mnlogit"
    mnlogit.fit("Species ~ Sepal_Length", iris).save(path)
    raw = bytearray(path.read_bytes())
    end = raw.rfind(b"PK\x05\x06")
    raw[end + 16 : end + 20] = (0xFFFFFF00).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="is not a saved mnlogit model"):
        mnlogit.load(path)
    with pytest.raises(FileNotFoundError):
        mnlogit.load(tmp_path / "absent.mnlogit")
