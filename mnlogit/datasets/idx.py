"""Read and write IDX files, the format of MNIST and Fashion-MNIST (optionally gzipped).

An IDX file is a 4-byte magic number -- two zero bytes, a type code and the number
of dimensions -- then one big-endian 32-bit size per dimension and the data,
big-endian, row-major. MNIST images have magic 2051 (unsigned bytes, 3 dimensions)
and labels 2049 (unsigned bytes, 1 dimension). Every defect of a file (bad gzip
stream, wrong magic, truncated or overlong data) raises :class:`DataError` naming it.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from ..exceptions import DataError

# IDX type code -> big-endian numpy dtype.
_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _TYPES.items()}


def _is_gzip(path: Path) -> bool:
    return path.suffix == ".gz"


def _read_bytes(path: Path) -> bytes:
    try:
        if _is_gzip(path):
            with gzip.open(path, "rb") as stream:
                return stream.read()
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"IDX file {str(path)!r} does not exist") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise DataError(
            f"{str(path)!r} is not a valid gzip file (corrupt or truncated): {err}"
        ) from None
    except OSError as err:
        raise DataError(f"cannot read IDX file {str(path)!r}: {err}") from None


def parse_idx(raw: bytes, name: str = "<bytes>", magic: int | None = None) -> np.ndarray:
    """Decode the bytes of an (uncompressed) IDX file into a native-endian array.

    Parameters
    ----------
    raw : the file's bytes.
    name : how to name the source in error messages.
    magic : the required magic number (e.g. 2051 for MNIST images), or None for any.

    Examples
    --------
    >>> raw = bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])
    >>> parse_idx(raw, magic=2049)
    array([7, 2, 1], dtype=uint8)
    """
    if len(raw) < 4:
        raise DataError(f"{name!r} is too short for an IDX header ({len(raw)} bytes)")
    found = int.from_bytes(raw[:4], "big")
    if magic is not None and found != magic:
        raise DataError(f"{name!r} has magic number {found}, expected {magic}")
    if raw[0] != 0 or raw[1] != 0 or raw[2] not in _TYPES or raw[3] == 0:
        raise DataError(f"{name!r} is not an IDX file (magic number {found})")
    dtype, ndim = _TYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{name!r} is truncated inside its header of {ndim} dimension(s)")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    # Python integers: a hostile header cannot overflow the size computation.
    expected = header + math.prod(shape) * dtype.itemsize
    if len(raw) != expected:
        state = "truncated" if len(raw) < expected else "longer than its header says"
        raise DataError(
            f"{name!r} is {state}: {len(raw)} bytes for shape {shape} of {dtype.name} "
            f"(expected {expected})"
        )
    return (
        np.frombuffer(raw, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )


def read_idx(path: str | Path, magic: int | None = None) -> np.ndarray:
    """Read an IDX file (gzip-compressed if its name ends in ``.gz``).

    Parameters
    ----------
    path : the file.
    magic : the required magic number (2051 for MNIST images, 2049 for labels), or None.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> path = tempfile.mkdtemp() + "/labels-idx1-ubyte.gz"
    >>> write_idx(path, np.array([5, 0, 4], dtype=np.uint8))
    >>> read_idx(path, magic=2049)
    array([5, 0, 4], dtype=uint8)
    """
    path = Path(path)
    return parse_idx(_read_bytes(path), str(path), magic)


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write an array as an IDX file (gzip-compressed if the name ends in ``.gz``).

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> path = tempfile.mkdtemp() + "/images-idx3-ubyte"
    >>> write_idx(path, np.zeros((2, 28, 28), dtype=np.uint8))
    >>> read_idx(path, magic=2051).shape
    (2, 28, 28)
    """
    array = np.asarray(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None or array.ndim == 0:
        raise DataError(
            f"IDX cannot store a {array.ndim}-dimensional array of dtype {array.dtype} "
            f"(types: {', '.join(sorted(str(d) for d in _CODES))})"
        )
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    raw = header + np.ascontiguousarray(array, dtype=_TYPES[code]).tobytes()
    path = Path(path)
    if _is_gzip(path):
        with gzip.open(path, "wb") as stream:
            stream.write(raw)
    else:
        path.write_bytes(raw)
