"""MNIST loaders: the shipped files match the published figures; search order; clear errors.

Published figures: /work/shared/datasets/README.md, copied into datasets/mnist/README.md
(label counts, first labels and pixel moments of the original distribution; MD5 sums as
published with the original files).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import mnlogit
from mnlogit.datasets.idx import write_idx
from mnlogit.datasets.mnist import MNIST_SHA256, find_data
from mnlogit.datasets.resources import shipped_data_dir
from mnlogit.exceptions import DataError

PUBLISHED_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
FIGURES = {
    "train": {
        "counts": [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
        "first": [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5, 3, 6, 1, 7, 2, 8, 6, 9],
        "mean": 0.130660,
        "std": 0.308108,
    },
    "test": {
        "counts": [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
        "first": [7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4],
        "mean": 0.132515,
        "std": 0.310480,
    },
}


@pytest.fixture(autouse=True)
def _no_user_data(monkeypatch, tmp_path_factory):
    # Keep the tests independent of the machine: no $MNLOGIT_DATA, an empty cache.
    monkeypatch.delenv("MNLOGIT_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def test_shipped_files_are_the_original_distribution():
    folder = shipped_data_dir() / "mnist"
    sums = dict(
        reversed(line.split()) for line in (folder / "SHA256SUMS.txt").read_text().splitlines()
    )
    assert sums == MNIST_SHA256
    for name, md5 in PUBLISHED_MD5.items():
        data = (folder / name).read_bytes()
        assert hashlib.md5(data).hexdigest() == md5
        assert hashlib.sha256(data).hexdigest() == MNIST_SHA256[name]


def test_shipped_mnist_matches_published_figures():
    splits = dict(zip(["train", "test"], mnlogit.datasets.load_mnist(), strict=True))
    for split, (X, y) in splits.items():
        fig = FIGURES[split]
        assert X.shape == (sum(fig["counts"]), 784) and X.dtype == np.float32
        assert y.dtype == np.int64
        assert X.min() == 0.0 and X.max() == 1.0
        assert np.bincount(y, minlength=10).tolist() == fig["counts"]
        assert y[:20].tolist() == fig["first"]
        assert float(X.mean(dtype=np.float64)) == pytest.approx(fig["mean"], abs=5e-7)
        assert float(X.std(dtype=np.float64)) == pytest.approx(fig["std"], abs=5e-7)
    # Pixels are k / 255 exactly (to float32 rounding): the scaling is the published one.
    X = splits["test"][0]
    scaled = X.astype(np.float64) * 255
    assert np.abs(scaled - np.round(scaled)).max() < 1e-4


def test_arrays_are_fresh_copies():
    (X, y), _ = mnlogit.datasets.load_mnist()
    X[0] = 5.0
    y[0] = 3
    (X2, y2), _ = mnlogit.datasets.load_mnist()
    assert X2[0].max() == 1.0 and y2[0] == 5


def _write_set(folder, n_train=6, n_test=4, seed=0, rows=28):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        write_idx(
            folder / f"{prefix}-images-idx3-ubyte.gz",
            rng.integers(0, 256, (n, rows, 28), dtype=np.uint8),
        )
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", rng.integers(0, 10, n, dtype=np.uint8))
    return folder


def test_explicit_path_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (6, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 6, dtype=np.uint8)
    _write_set(tmp_path)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", pixels)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels)
    (X, y), (Xt, yt) = mnlogit.datasets.load_mnist(path=tmp_path)
    np.testing.assert_array_equal(X * np.float32(255), pixels.reshape(6, 784).astype(np.float32))
    np.testing.assert_array_equal(y, labels)
    assert Xt.shape == (4, 784) and yt.shape == (4,)


def test_search_order(tmp_path, monkeypatch):
    env = _write_set(tmp_path / "env" / "mnist", n_train=7)
    # $MNLOGIT_DATA (with a mnist/ subfolder) comes before the shipped copy ...
    monkeypatch.setenv("MNLOGIT_DATA", str(env.parent))
    assert find_data("mnist", shipped=True) == env
    assert mnlogit.datasets.load_mnist()[0][0].shape == (7, 784)
    # ... and an explicit path before $MNLOGIT_DATA.
    explicit = _write_set(tmp_path / "explicit", n_train=5)
    assert mnlogit.datasets.load_mnist(path=explicit)[0][0].shape == (5, 784)
    # Without $MNLOGIT_DATA: the shipped copy, then the user cache (Fashion-MNIST is not shipped).
    monkeypatch.delenv("MNLOGIT_DATA")
    assert find_data("mnist", shipped=True) == shipped_data_dir() / "mnist"
    cache = _write_set(tmp_path / "xdg" / "mnlogit" / "fashion-mnist", n_train=3)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnlogit.datasets.load_fashion_mnist()[0][0].shape == (3, 784)
    assert find_data("fashion-mnist") == cache


def test_fashion_mnist_from_env_subfolder(tmp_path, monkeypatch):
    _write_set(tmp_path / "fashion-mnist", n_test=9)
    monkeypatch.setenv("MNLOGIT_DATA", str(tmp_path))
    _, (Xt, yt) = mnlogit.datasets.load_fashion_mnist()
    assert Xt.shape == (9, 784) and yt.shape == (9,)


def test_not_found_lists_the_places_searched(tmp_path, monkeypatch):
    monkeypatch.setenv("MNLOGIT_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match=r"fashion-mnist IDX files not found.*nowhere.*cache"):
        mnlogit.datasets.load_fashion_mnist()
    with pytest.raises(DataError, match=r"'.*empty' holds neither the mnist IDX files"):
        mnlogit.datasets.load_mnist(path=tmp_path / "empty")


def test_wrong_image_size_names_the_file(tmp_path):
    _write_set(tmp_path, rows=27)
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz.*\(27, 28\), not \(28, 28\)"):
        mnlogit.datasets.load_mnist(path=tmp_path)


def test_count_mismatch_names_both_files(tmp_path):
    _write_set(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(3, dtype=np.uint8))
    with pytest.raises(
        DataError, match=r"t10k-images.*has 4 images but .*t10k-labels-idx1-ubyte\.gz' has 3 labels"
    ):
        mnlogit.datasets.load_mnist(path=tmp_path)


def test_labels_swapped_with_images_is_a_magic_error(tmp_path):
    _write_set(tmp_path)
    images = tmp_path / "train-images-idx3-ubyte.gz"
    labels = tmp_path / "train-labels-idx1-ubyte.gz"
    images.write_bytes(labels.read_bytes())
    with pytest.raises(
        DataError, match=r"train-images-idx3-ubyte\.gz.*magic number 2049, expected 2051"
    ):
        mnlogit.datasets.load_mnist(path=tmp_path)


def test_label_out_of_range_names_the_file(tmp_path):
    _write_set(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.array([0, 1, 2, 3, 4, 12], np.uint8))
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte\.gz.*label 12 outside 0\.\.9"):
        mnlogit.datasets.load_mnist(path=tmp_path)


def test_corrupt_file_in_search_path_names_it(tmp_path):
    _write_set(tmp_path)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz.*not a valid gzip"):
        mnlogit.datasets.load_mnist(path=tmp_path)


def test_download_verifies_checksums_and_falls_back_to_the_next_mirror(tmp_path, monkeypatch):
    # No network in tests: a fake urlretrieve serves the shipped files from the second
    # mirror and fails on the first; then a mirror serving corrupted bytes is refused.
    import shutil

    from mnlogit.datasets import mnist

    shipped = shipped_data_dir() / "mnist"
    calls = []

    def fake(url, target):
        calls.append(url)
        if url.startswith(mnist.MNIST_MIRRORS[0]):
            raise OSError("HTTP Error 403: Forbidden")
        shutil.copyfile(shipped / url.rsplit("/", 1)[1], target)

    monkeypatch.setattr(mnist.urllib.request, "urlretrieve", fake)
    folder = mnist.download_mnist(tmp_path / "dl")
    assert sorted(p.name for p in folder.iterdir()) == sorted(MNIST_SHA256)
    assert len(calls) == 8
    assert mnlogit.datasets.load_mnist(path=folder)[1][1][:3].tolist() == [7, 2, 1]
    calls.clear()
    assert mnist.download_mnist(tmp_path / "dl") == folder and calls == []  # already there

    def corrupt(url, target):
        with open(target, "wb") as stream:
            stream.write(b"not the file")

    monkeypatch.setattr(mnist.urllib.request, "urlretrieve", corrupt)
    with pytest.raises(DataError, match=r"could not download train-images.*SHA-256 [0-9a-f]{64}"):
        mnist.download_mnist(tmp_path / "other")
    assert list((tmp_path / "other").iterdir()) == []  # nothing half-written left behind
