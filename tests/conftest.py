"""Shared fixtures: shipped data and the stored reference values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REFERENCE_DIR = Path(__file__).parent / "reference"
DATA_DIR = Path(__file__).parent / "data"


def load_reference(name: str) -> dict:
    """A stored reference case (see tests/reference/README.md for provenance)."""
    path = REFERENCE_DIR / f"{name}.json"
    if not path.exists():
        pytest.fail(f"reference file {path} is missing")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def anes96():
    import mnlogit

    return mnlogit.datasets.load_anes96()


@pytest.fixture(scope="session")
def iris():
    import mnlogit

    return mnlogit.datasets.load_iris()


@pytest.fixture(scope="session")
def hsbdemo():
    import pandas as pd

    return pd.read_csv(DATA_DIR / "hsbdemo.csv")
