"""Shipped real data sets and a generator of data from a known multinomial logit.

The files live in the repository's top-level ``datasets/`` folder and are installed
as ``mnlogit._datasets``, so the loaders work from any working directory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.likelihood import model_probabilities
from ..exceptions import DataError
from .resources import shipped_data_dir

__all__ = [
    "load_alligator_lakes",
    "load_alligators",
    "load_anes96",
    "load_iris",
    "make_multinomial",
]

PARTY_LABELS = (
    "Strong Democrat",
    "Weak Democrat",
    "Independent-Democrat",
    "Independent",
    "Independent-Republican",
    "Weak Republican",
    "Strong Republican",
)
EDUCATION_LABELS = (
    "1-8 grades",
    "Some high school",
    "High school graduate",
    "Some college",
    "College degree",
    "Master's degree",
    "PhD",
)


def _read_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(shipped_data_dir() / name)


def load_anes96() -> pd.DataFrame:
    """American National Election Studies 1996: party identification of 944 voters.

    The extract statsmodels ships (public domain; source: electionstudies.org).
    Columns as in statsmodels -- ``popul`` (census place population, 1000s),
    ``TVnews`` (days a week watching TV news), ``selfLR``, ``ClinLR``, ``DoleLR``
    (left-right self-placement and placement of Clinton and Dole, 1 extremely
    liberal .. 7 extremely conservative), ``PID`` (party identification 0..6),
    ``age``, ``educ`` (1..7), ``income`` (1..24 brackets), ``vote`` (0 Clinton,
    1 Dole) -- plus ``logpopul = log(popul + 0.1)`` as statsmodels defines it and
    labelled versions: ``party`` (the 7 PID labels, ordered), ``party3``
    (Democrat = PID 0-1, Independent = 2-4 including leaners, Republican = 5-6),
    ``education`` (educ labels, ordered) and ``vote_for`` ("Clinton"/"Dole").

    Examples
    --------
    >>> df = load_anes96()
    >>> df.shape[0], df["party3"].cat.categories.tolist()
    (944, ['Democrat', 'Independent', 'Republican'])
    """
    df = _read_csv("anes96.csv")
    df["logpopul"] = np.log(df["popul"] + 0.1)
    df["party"] = pd.Categorical.from_codes(df["PID"], PARTY_LABELS, ordered=True)
    party3 = np.array(["Democrat"] * 2 + ["Independent"] * 3 + ["Republican"] * 2)
    df["party3"] = pd.Categorical(
        party3[df["PID"]], categories=["Democrat", "Independent", "Republican"]
    )
    df["education"] = pd.Categorical.from_codes(df["educ"] - 1, EDUCATION_LABELS, ordered=True)
    df["vote_for"] = np.where(df["vote"] == 1, "Dole", "Clinton")
    return df


def load_iris() -> pd.DataFrame:
    """Fisher's (Anderson's) iris data: 150 flowers, 4 measurements (cm) and ``Species``.

    Public domain (Fisher 1936). Columns ``Sepal_Length``, ``Sepal_Width``,
    ``Petal_Length``, ``Petal_Width``, ``Species`` (setosa, versicolor, virginica).
    Note: with both sepal measures setosa is linearly separable from the rest.

    Examples
    --------
    >>> load_iris()["Species"].value_counts().tolist()
    [50, 50, 50]
    """
    return _read_csv("iris.csv")


def load_alligators() -> pd.DataFrame:
    """Agresti's 59 alligators: ``length`` (m) and primary ``food``.

    Food: F fish, I invertebrates, O other.

    From A. Agresti, *An Introduction to Categorical Data Analysis*, Table 6.1.

    Examples
    --------
    >>> load_alligators()["food"].value_counts().to_dict()
    {'F': 31, 'I': 20, 'O': 8}
    """
    return _read_csv("alligator59.csv")


def load_alligator_lakes() -> pd.DataFrame:
    """Agresti's 219 alligators of four Florida lakes, as counts by lake, gender, size and food.

    From A. Agresti, *Categorical Data Analysis*. One row per cell; use ``count``
    as frequency weights, e.g. ``fit("food ~ lake + size", df, weights="count")``.

    Examples
    --------
    >>> int(load_alligator_lakes()["count"].sum())
    219
    """
    return _read_csv("alligator219_counts.csv")


def make_multinomial(
    n: int = 1000,
    p: int = 3,
    k: int = 3,
    seed: int | None = 0,
    scale: float = 0.5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw data from a known multinomial logit with standard-normal predictors.

    Parameters
    ----------
    n : rows. p : continuous predictors ``x1..xp``. k : outcomes ``y0..y{k-1}``
        (``y0`` is the reference).
    seed : seed of the random generator.
    scale : standard deviation of the true coefficients.

    Returns
    -------
    data : DataFrame with ``y`` (Categorical) and ``x1..xp``.
    truth : true coefficients, index ``Intercept, x1..xp``, columns ``y1..y{k-1}``.

    Examples
    --------
    >>> data, truth = make_multinomial(n=500, p=2, k=3, seed=1)
    >>> data.shape, truth.shape
    ((500, 3), (3, 2))
    """
    if n < 1 or p < 0 or k < 2:
        raise DataError(f"need n >= 1, p >= 0 and k >= 2; got n={n}, p={p}, k={k}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = rng.normal(0.0, scale, size=(p + 1, k - 1))
    eta = coef[0] + X @ coef[1:]
    probs = model_probabilities(eta)
    draws = (probs.cumsum(axis=1) < rng.random(n)[:, None]).sum(axis=1)
    labels = [f"y{j}" for j in range(k)]
    data = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(p)])
    data.insert(0, "y", pd.Categorical.from_codes(np.minimum(draws, k - 1), labels))
    truth = pd.DataFrame(coef, index=["Intercept"] + list(data.columns[1:]), columns=labels[1:])
    return data, truth
