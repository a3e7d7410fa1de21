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

    Returns
    -------
    pandas.DataFrame
        944 rows, one per respondent, and the 15 columns above (a fresh copy on
        every call).

    Examples
    --------
    >>> df = load_anes96()
    >>> df.shape[0], df["party3"].cat.categories.tolist()
    (944, ['Democrat', 'Independent', 'Republican'])
    """
    df = _read_csv("anes96.csv")
    df["logpopul"] = np.log(df["popul"] + 0.1)
    df["party"] = pd.Categorical.from_codes(df["PID"], pd.Index(PARTY_LABELS), ordered=True)
    party3 = np.array(["Democrat"] * 2 + ["Independent"] * 3 + ["Republican"] * 2)
    df["party3"] = pd.Categorical(
        party3[df["PID"]], categories=["Democrat", "Independent", "Republican"]
    )
    df["education"] = pd.Categorical.from_codes(
        df["educ"] - 1, pd.Index(EDUCATION_LABELS), ordered=True
    )
    df["vote_for"] = np.where(df["vote"] == 1, "Dole", "Clinton")
    return df


def load_iris() -> pd.DataFrame:
    """Fisher's (Anderson's) iris data: 150 flowers, 4 measurements (cm) and ``Species``.

    Public domain (Fisher 1936). Columns ``Sepal_Length``, ``Sepal_Width``,
    ``Petal_Length``, ``Petal_Width``, ``Species`` (setosa, versicolor, virginica).
    Note: with both sepal measures setosa is linearly separable from the rest.

    Returns
    -------
    pandas.DataFrame
        150 rows, the four measurements as floats and ``Species`` as strings.

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

    Returns
    -------
    pandas.DataFrame
        59 rows: ``length`` (float, metres) and ``food`` (``"F"``, ``"I"`` or ``"O"``).

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

    Returns
    -------
    pandas.DataFrame
        80 rows (4 lakes x 2 genders x 2 sizes x 5 foods): ``lake`` (Hancock,
        Oklawaha, Trafford, George), ``gender``, ``size`` (``"<=2.3"`` or ``">2.3"``
        metres), ``food`` (fish, invertebrate, reptile, bird, other) and ``count``,
        the number of alligators in the cell (some are 0).

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

    The true coefficients (intercepts included) are drawn from a normal distribution
    with mean 0 and standard deviation ``scale``; each row's outcome is then drawn from
    the probabilities they give.

    Parameters
    ----------
    n : int, default 1000
        Number of rows (at least 1).
    p : int, default 3
        Number of continuous predictors ``x1..xp`` (0 for an intercept-only model).
    k : int, default 3
        Number of outcomes ``y0..y{k-1}`` (at least 2); ``y0`` is the reference.
    seed : int or None, default 0
        Seed of the random generator; None draws different data on every call.
    scale : float, default 0.5
        Standard deviation of the true coefficients (log odds ratios per unit of a
        standard-normal predictor).

    Returns
    -------
    data : pandas.DataFrame
        ``y`` (Categorical with levels ``y0..y{k-1}``) and ``x1..xp``, n rows.
    truth : pandas.DataFrame
        The true coefficients: index ``Intercept, x1..xp``, columns ``y1..y{k-1}``
        (the same layout as the ``params`` of a fit with reference ``y0``).

    Raises
    ------
    DataError
        If ``n < 1``, ``p < 0`` or ``k < 2``.

    Examples
    --------
    >>> data, truth = make_multinomial(n=500, p=2, k=3, seed=1)
    >>> data.shape, truth.shape
    ((500, 3), (3, 2))
    >>> truth.round(3)
                  y1     y2
    Intercept  0.097  0.419
    x1        -0.014  0.391
    x2        -1.288 -0.558
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
    data.insert(0, "y", pd.Categorical.from_codes(np.minimum(draws, k - 1), pd.Index(labels)))
    truth = pd.DataFrame(coef, index=["Intercept"] + list(data.columns[1:]), columns=labels[1:])
    return data, truth
