"""Loaders of MNIST and Fashion-MNIST from the four standard IDX .gz files.

Where the files are looked for, in order: an explicit ``path``; ``$MNLOGIT_DATA``
(a folder holding the files, or a ``mnist/`` / ``fashion-mnist/`` subfolder); the
copy of MNIST shipped with the package; the user cache
(``$XDG_CACHE_HOME/mnlogit/<name>``, by default ``~/.cache/mnlogit/<name>``).
With ``download=True`` a missing MNIST is fetched from a public mirror into the
cache, each file checked against its published SHA-256 sum.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from ..exceptions import DataError
from .idx import read_idx
from .resources import shipped_data_dir

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
# SHA-256 of the original distribution files (see datasets/mnist/README.md).
_SHA256SUMS = """
440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609  train-images-idx3-ubyte.gz
3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c  train-labels-idx1-ubyte.gz
8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6  t10k-images-idx3-ubyte.gz
f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6  t10k-labels-idx1-ubyte.gz
"""
MNIST_SHA256 = {name: digest for digest, name in map(str.split, _SHA256SUMS.strip().splitlines())}
# yann.lecun.com refuses most automated requests; these mirrors serve the same bytes.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

Split = tuple[np.ndarray, np.ndarray]


def cache_dir(name: str) -> Path:
    """The user cache folder of a data set (``$XDG_CACHE_HOME`` or ``~/.cache``).

    Examples
    --------
    >>> cache_dir("mnist").parts[-2:]
    ('mnlogit', 'mnist')
    """
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "mnlogit" / name


def _has_files(folder: Path) -> bool:
    return all((folder / f).is_file() for pair in FILES.values() for f in pair)


def _in_folder(folder: Path, name: str) -> Path | None:
    for candidate in (folder, folder / name):
        if _has_files(candidate):
            return candidate
    return None


def find_data(name: str, path: str | Path | None = None, shipped: bool = False) -> Path:
    """The folder holding the four IDX .gz files of data set ``name``.

    Parameters
    ----------
    name : ``"mnist"`` or ``"fashion-mnist"`` (the subfolder and cache name).
    path : an explicit folder (holding the files or a ``name`` subfolder); when
        given, nothing else is searched.
    shipped : whether the package ships a copy (MNIST does).

    Examples
    --------
    >>> find_data("mnist", shipped=True).name
    'mnist'
    """
    if path is not None:
        found = _in_folder(Path(path), name)
        if found is None:
            raise DataError(f"{str(path)!r} holds neither the {name} IDX files nor {name}/")
        return found
    searched = []
    candidates = []
    env = os.environ.get("MNLOGIT_DATA")
    if env:
        candidates.append(Path(env))
    if shipped:
        candidates.append(shipped_data_dir() / name)
    candidates.append(cache_dir(name))
    for folder in candidates:
        found = _in_folder(folder, name)
        if found is not None:
            return found
        searched.append(str(folder))
    raise DataError(
        f"{name} IDX files not found (searched {', '.join(searched)}); give their folder "
        "(path= or --data) or set $MNLOGIT_DATA"
        + (", or use download=True" if name == "mnist" else "")
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(functools.partial(stream.read, 1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_mnist(folder: str | Path | None = None) -> Path:
    """Download the four MNIST files into ``folder`` (default: the user cache).

    Each file is verified against its SHA-256 sum before it is moved into place;
    mirrors are tried in turn. Needs network access.

    Examples
    --------
    >>> folder = download_mnist()  # doctest: +SKIP
    """
    folder = cache_dir("mnist") if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for filename, expected in MNIST_SHA256.items():
        target = folder / filename
        if target.is_file() and _sha256(target) == expected:
            continue
        failures = []
        for mirror in MNIST_MIRRORS:
            with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
                part = Path(tmp.name)
            try:
                urllib.request.urlretrieve(mirror + filename, part)
                digest = _sha256(part)
                if digest != expected:
                    failures.append(f"{mirror}: SHA-256 {digest} != {expected}")
                    continue
                part.replace(target)
                break
            except OSError as err:
                failures.append(f"{mirror}: {err}")
            finally:
                part.unlink(missing_ok=True)
        else:
            raise DataError(f"could not download {filename}: {'; '.join(failures)}")
    return folder


@functools.lru_cache(maxsize=8)
def _read_split(images: Path, labels: Path, stamp: tuple[int, ...]) -> Split:
    # ``stamp`` (sizes and modification times) makes a changed file miss the cache.
    pixels = read_idx(images, IMAGES_MAGIC)
    codes = read_idx(labels, LABELS_MAGIC)
    if pixels.shape[1:] != (28, 28):
        raise DataError(f"{str(images)!r} holds images of shape {pixels.shape[1:]}, not (28, 28)")
    if pixels.shape[0] != codes.shape[0]:
        raise DataError(
            f"{str(images)!r} has {pixels.shape[0]} images but {str(labels)!r} has "
            f"{codes.shape[0]} labels"
        )
    if codes.size and codes.max() > 9:
        raise DataError(f"{str(labels)!r} has label {int(codes.max())} outside 0..9")
    pixels.flags.writeable = False
    codes.flags.writeable = False
    return pixels, codes


def read_split(folder: Path, split: str) -> Split:
    """Images (n, 784) float32 in [0, 1] and int64 labels of one split (``train``/``test``).

    Examples
    --------
    >>> X, y = read_split(find_data("mnist", shipped=True), "test")
    >>> X.shape, X.dtype, y[:5].tolist()
    ((10000, 784), dtype('float32'), [7, 2, 1, 0, 4])
    """
    images, labels = (folder / f for f in FILES[split])
    stamp = tuple(v for p in (images, labels) for v in (p.stat().st_size, p.stat().st_mtime_ns))
    pixels, codes = _read_split(images.resolve(), labels.resolve(), stamp)
    X = pixels.reshape(pixels.shape[0], -1).astype(np.float32)
    X /= np.float32(255.0)
    return X, codes.astype(np.int64)


def load_mnist(path: str | Path | None = None, download: bool = False) -> tuple[Split, Split]:
    """MNIST handwritten digits: ``(X_train, y_train), (X_test, y_test)``.

    60,000 training and 10,000 test images of 28 x 28 pixels, flattened row-major
    to float32 arrays of shape (n, 784) scaled to [0, 1], with int64 labels 0..9.
    By LeCun, Cortes and Burges (CC BY-SA 3.0); shipped with the package.

    Parameters
    ----------
    path : str or Path, optional
        Folder holding the four IDX .gz files (or a ``mnist/`` subfolder); when given,
        nothing else is searched. By default ``$MNLOGIT_DATA``, the shipped copy, then
        the user cache are searched, in that order.
    download : bool, default False
        If no copy is found (and no ``path`` is given), download one into the user
        cache, each file checked against its published SHA-256 sum. Needs network
        access.

    Returns
    -------
    train : tuple of numpy.ndarray
        ``(X_train, y_train)``: the 60,000 training images, float32 of shape
        (60000, 784), and their int64 labels of shape (60000,).
    test : tuple of numpy.ndarray
        ``(X_test, y_test)``: the 10,000 test images, float32 of shape (10000, 784),
        and their labels.

    Raises
    ------
    DataError
        If no copy is found (and ``download`` is False) or a file is malformed.

    Examples
    --------
    >>> (X_train, y_train), (X_test, y_test) = load_mnist()
    >>> X_train.shape, X_test.shape, y_train[:10].tolist()
    ((60000, 784), (10000, 784), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    """
    try:
        folder = find_data("mnist", path, shipped=True)
    except DataError:
        if not download or path is not None:
            raise
        folder = download_mnist()
    return read_split(folder, "train"), read_split(folder, "test")


def load_fashion_mnist(path: str | Path | None = None) -> tuple[Split, Split]:
    """Fashion-MNIST (Zalando, MIT licence): ``(X_train, y_train), (X_test, y_test)``.

    Same layout as :func:`load_mnist`; class names in ``FASHION_CLASSES``. Not shipped:
    give ``path`` or set ``$MNLOGIT_DATA`` (a folder with a ``fashion-mnist/``
    subfolder), or put the files in the user cache.

    Parameters
    ----------
    path : str or Path, optional
        Folder holding the four IDX .gz files of Fashion-MNIST (or a
        ``fashion-mnist/`` subfolder); when given, nothing else is searched. By default
        ``$MNLOGIT_DATA``, then the user cache are searched.

    Returns
    -------
    train : tuple of numpy.ndarray
        ``(X_train, y_train)``: the 60,000 training images, float32 of shape
        (60000, 784) in [0, 1], and their int64 labels 0..9 (indexes into
        ``FASHION_CLASSES``).
    test : tuple of numpy.ndarray
        ``(X_test, y_test)``: the 10,000 test images and their labels.

    Raises
    ------
    DataError
        If the files are not found or are malformed.

    Examples
    --------
    >>> FASHION_CLASSES[9]
    'Ankle boot'
    >>> (X_train, y_train), (X_test, y_test) = load_fashion_mnist("data/")  # doctest: +SKIP
    """
    folder = find_data("fashion-mnist", path)
    return read_split(folder, "train"), read_split(folder, "test")
