"""IDX reader and writer: the published byte layout, round trips, and every defect a DataError.

Layout reference: the IDX format as documented with MNIST (LeCun et al.): magic
number (0, 0, type code, number of dimensions), big-endian uint32 sizes, data.
"""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mnlogit.datasets.idx import parse_idx, read_idx, write_idx
from mnlogit.exceptions import DataError


def test_reads_bytes_laid_out_by_hand(tmp_path):
    # 2 images of 2 x 3 pixels, built from the specification with struct.
    pixels = bytes(range(12))
    path = tmp_path / "images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(struct.pack(">IIII", 2051, 2, 2, 3) + pixels))
    out = read_idx(path, magic=2051)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.arange(12).reshape(2, 2, 3))
    labels = tmp_path / "labels-idx1-ubyte"
    labels.write_bytes(struct.pack(">II", 2049, 3) + bytes([9, 0, 7]))
    np.testing.assert_array_equal(read_idx(labels, magic=2049), [9, 0, 7])


def test_writer_produces_the_specified_bytes(tmp_path):
    path = tmp_path / "x-idx2-short"
    write_idx(path, np.array([[1, -2], [300, 4]], dtype=np.int16))
    assert path.read_bytes() == bytes([0, 0, 0x0B, 2]) + struct.pack(">II", 2, 2) + struct.pack(
        ">hhhh", 1, -2, 300, 4
    )


@pytest.mark.parametrize("suffix", [".gz", ""])
@given(
    array=hnp.arrays(
        dtype=st.sampled_from(["u1", "i1", ">i2", "<i4", "<f4", ">f8"]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5),
        elements={"allow_nan": False},
    )
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip(tmp_path, suffix, array):
    path = tmp_path / f"a-idx{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.shape == array.shape and back.dtype == array.dtype.newbyteorder("=")
    np.testing.assert_array_equal(back, array)


def test_writer_refuses_unsupported_arrays(tmp_path):
    with pytest.raises(DataError, match="int64"):
        write_idx(tmp_path / "a", np.arange(3))
    with pytest.raises(DataError, match="0-dimensional"):
        write_idx(tmp_path / "a", np.uint8(3))


def _valid(tmp_path, name="t10k-images-idx3-ubyte.gz"):
    path = tmp_path / name
    write_idx(path, np.arange(3 * 28 * 28, dtype=np.uint64).astype(np.uint8).reshape(3, 28, 28))
    return path


def test_wrong_magic_names_the_file(tmp_path):
    path = _valid(tmp_path)
    with pytest.raises(
        DataError, match=r"t10k-images-idx3-ubyte\.gz.*magic number 2051, expected 2049"
    ):
        read_idx(path, magic=2049)


def test_truncated_data_names_the_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    raw = gzip.decompress(_valid(tmp_path).read_bytes())
    path.write_bytes(gzip.compress(raw[:-100]))
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz.*truncated.*expected 2368"):
        read_idx(path, magic=2051)


def test_overlong_data_names_the_file(tmp_path):
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(struct.pack(">II", 2049, 2) + bytes([1, 2, 3]))
    with pytest.raises(DataError, match="labels-idx1-ubyte.*longer than its header"):
        read_idx(path)


def test_truncated_gzip_stream_names_the_file(tmp_path):
    path = _valid(tmp_path)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz.*not a valid gzip"):
        read_idx(path)


def test_not_gzip_names_the_file(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(struct.pack(">II", 2049, 1) + b"\x03")  # plain IDX under a .gz name
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte\.gz.*not a valid gzip"):
        read_idx(path)


def test_corrupt_gzip_payload_names_the_file(tmp_path):
    path = _valid(tmp_path)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz"):
        read_idx(path)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x00\x08", "too short"),
        (bytes([1, 0, 8, 1, 0, 0, 0, 0]), "not an IDX file"),
        (bytes([0, 0, 0x0A, 1, 0, 0, 0, 0]), "not an IDX file"),  # 0x0A is no IDX type
        (bytes([0, 0, 8, 0]), "not an IDX file"),  # zero dimensions
        (bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]), "truncated inside its header"),
    ],
)
def test_malformed_headers(raw, message):
    with pytest.raises(DataError, match=f"'bad-file'.*{message}|{message}.*"):
        parse_idx(raw, "bad-file")


def test_missing_file_names_it(tmp_path):
    with pytest.raises(DataError, match="nothere.gz.*does not exist"):
        read_idx(tmp_path / "nothere.gz")


@pytest.mark.parametrize("compressed", [True, False])
@given(data=st.data())
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_fuzzed_files_read_correctly_or_raise_data_error(tmp_path, compressed, data):
    """Random byte flips, insertions and truncations: a correct read or DataError, nothing else."""
    original = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    raw = struct.pack(">IIII", 2051, 2, 3, 4) + original.tobytes()
    blob = bytearray(gzip.compress(raw, mtime=0) if compressed else raw)
    for _ in range(data.draw(st.integers(0, 4))):
        where = data.draw(st.integers(0, len(blob)))
        action = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip" and where < len(blob):
            blob[where] ^= data.draw(st.integers(1, 255))
        elif action == "insert":
            blob[where:where] = bytes([data.draw(st.integers(0, 255))])
        elif where < len(blob):
            del blob[where]
    blob = blob[: data.draw(st.integers(0, len(blob)))]
    path = tmp_path / ("f.gz" if compressed else "f")
    path.write_bytes(bytes(blob))
    try:
        out = read_idx(path)
    except DataError as err:
        assert str(path) in str(err)
        return
    # A successful read must agree with an independent decoding of the same bytes.
    payload = gzip.decompress(bytes(blob)) if compressed else bytes(blob)
    ndim = payload[3]
    shape = struct.unpack(f">{ndim}I", payload[4 : 4 + 4 * ndim])
    assert out.shape == shape
    assert (
        out.tobytes()
        == np.frombuffer(payload, np.dtype(out.dtype).newbyteorder(">"), offset=4 + 4 * ndim)
        .astype(out.dtype)
        .tobytes()
    )
