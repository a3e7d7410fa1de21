"""The distributions: the sdist carries everything the tests need, the wheel every
package, the shipped data, py.typed and the licences, and works outside the checkout.

Cheaper than installing the sdist and running the suite from it: the sdist must hold
every tracked file of the folders the suite and the docs read, and a wheel built from
that sdist must import and load its data from another directory.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Folders the sdist must carry whole (their tracked files).
SHIPPED_FOLDERS = ["mnlogit", "datasets", "tests", "vignettes", "docs", "benchmarks"]

pytestmark = pytest.mark.slow


def _tracked_files() -> set[str]:
    try:
        listing = subprocess.run(
            ["git", "ls-files", "--", *SHIPPED_FOLDERS],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of tracked files to compare with")
    return set(listing.split())


def _build(kind: str, source: Path, out: Path) -> Path:
    if importlib.util.find_spec("build") is None:
        pytest.skip("the 'build' package is not installed (test extra)")
    subprocess.run(
        [sys.executable, "-m", "build", f"--{kind}", "--no-isolation", "-o", str(out), str(source)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    (artifact,) = out.glob("*.tar.gz" if kind == "sdist" else "*.whl")
    return artifact


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    return _build("sdist", ROOT, tmp_path_factory.mktemp("sdist"))


@pytest.fixture(scope="module")
def wheel(sdist, tmp_path_factory) -> Path:
    # Built from the unpacked sdist, as pip does: what the sdist lacks, the wheel lacks.
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (source,) = unpacked.iterdir()
    return _build("wheel", source, tmp_path_factory.mktemp("wheel"))


def test_sdist_carries_every_tracked_file_the_tests_and_docs_need(sdist):
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    missing = sorted(_tracked_files() - names)
    assert not missing, f"tracked files missing from the sdist (MANIFEST.in): {missing}"
    assert {"LICENSE", "README.md", "pyproject.toml", "setup.py"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_wheel_has_every_package_the_data_and_the_licences(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    packages = {
        str(path.parent.relative_to(ROOT)) for path in (ROOT / "mnlogit").rglob("__init__.py")
    }
    missing = sorted(p for p in packages if f"{p}/__init__.py" not in names)
    assert not missing, f"packages missing from the wheel: {missing}"
    data = {
        f"mnlogit/_datasets/{p.relative_to(ROOT / 'datasets')}"
        for p in (ROOT / "datasets").rglob("*")
        if p.is_file()
    }
    assert data <= names, sorted(data - names)
    assert "mnlogit/py.typed" in names
    licences = {n.split("/licenses/", 1)[1] for n in names if "/licenses/" in n}
    assert licences == {"LICENSE", "datasets/mnist/README.md"}
    assert not [n for n in names if n.startswith(("tests/", "docs/", "benchmarks/"))]


def test_installed_wheel_works_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-compile",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    script = (
        "import mnlogit, mnlogit.core, mnlogit.design, mnlogit.inference\n"
        "from mnlogit.datasets.resources import shipped_data_dir\n"
        "print(mnlogit.__file__)\n"
        "print(shipped_data_dir())\n"
        "res = mnlogit.fit('Species ~ Sepal_Length', mnlogit.datasets.load_iris())\n"
        "print(res.converged)\n"
        "(X, y), _ = mnlogit.datasets.load_mnist()\n"
        "print(X.shape)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.splitlines()
    assert out[0].startswith(str(target)) and out[1] == str(target / "mnlogit" / "_datasets")
    assert out[2:] == ["True", "(60000, 784)"]
