"""Complex survey designs: sampling weights, strata, clusters (PSUs), finite-population
corrections and subpopulations, with design-based (Taylor-linearised) inference.

The estimate is the weighted maximum-likelihood estimate θ̂ (a pseudo-likelihood: the
weights are inverse selection probabilities, not counts). Its covariance is the
sandwich ``A⁻¹ B A⁻¹`` of R's ``svyglm`` and Stata's ``svy``:

- ``A`` is the weighted information, ``-H`` at θ̂;
- ``B`` is the design-based covariance of the total ``Σ_i w_i s_i`` of the per-row
  scores (:mod:`mnlogit.inference.scores`), estimated from the PSU totals
  ``z_hc = Σ_{i in PSU c of stratum h} w_i s_i`` as for any estimated total, with
  replacement at the first stage::

      B = Σ_h (1 - f_h) n_h / (n_h - 1) Σ_c (z_hc - z̄_h)(z_hc - z̄_h)'

  with ``n_h`` PSUs in stratum ``h`` and ``f_h`` its first-stage sampling fraction
  (zero without ``fpc``).

A stratum with a single PSU has no within-stratum variance; ``single_psu`` says what it
contributes (Stata's ``singleunit()``, R's ``options(survey.lonely.psu)``):
``"error"`` refuses the design; ``"certainty"`` (R ``"certainty"``) adds nothing;
``"scaled"`` (R ``"average"``) multiplies the sum over the other strata by
H / H₂, H₂ of the H strata having two or more PSUs; ``"centered"`` (R ``"adjust"``) adds
``(1 - f_h)(z_h - z̄)(z_h - z̄)'`` with ``z̄`` the mean of all PSU totals (zero at θ̂,
where R centres).

A **subpopulation** (domain) keeps the whole design: rows outside it have zero
scores, so its PSUs and strata still count in ``n_h`` and in the centring. Rows dropped
for missing values in the model's variables are treated the same way, as R's
``svyglm`` does (Stata's ``svy`` drops them from the design unless ``subpop()`` says so).
The design degrees of freedom are the number of PSUs with rows in the fit minus the
number of strata with rows in the fit (R's ``degf``; the full design's
``n_PSU - n_strata`` without a domain). A design with weights only treats every row
as its own PSU.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from ..design import CodedRows, Columns, ModelFrame
from ..exceptions import DataError, FrequencyWeightsWarning, MNLogitError, warn
from .scores import score_totals

SinglePSU = Literal["error", "certainty", "scaled", "centered"]
SINGLE_PSU_OPTIONS: tuple[str, ...] = get_args(SinglePSU)
# Sampling fractions this close to one mark a self-representing stratum (R's cut-off).
SELF_REPRESENTING = 1.0 - 1e-7


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A complex survey design, as Stata's ``svyset`` and R's ``svydesign``.

    Each of ``weights``, ``strata``, ``psu`` and ``fpc`` is a column name of the data
    or one value per row of the data (an array or Series), or None.

    Parameters
    ----------
    weights : str or array-like, optional
        Sampling (probability) weights, positive: the number of population units
        each row stands for. None: all 1.
    strata : str or array-like, optional
        First-stage strata. None: one stratum.
    psu : str or array-like, optional
        Primary sampling units (clusters). None: every row is its own PSU.
    fpc : str or array-like, optional
        First-stage finite-population correction, constant within a stratum: the
        number of PSUs in the stratum's population (values > 1) or the sampling
        fraction (all values <= 1). None: sampling with replacement.
    nest : bool, default False
        PSU codes repeat across strata (PSU 1 of stratum 83 is not PSU 1 of
        stratum 84), as R's ``nest=TRUE``. Without it a PSU code found in two
        strata is an error.
    single_psu : {"error", "certainty", "scaled", "centered"}, default "error"
        What a stratum with one PSU contributes: ``"error"`` refuses the design;
        ``"certainty"`` (no variance), ``"scaled"`` (the average variance of the
        other strata) or ``"centered"`` (deviations from the grand mean), as
        Stata's ``singleunit()`` and R's ``survey.lonely.psu`` ``"certainty"``,
        ``"average"`` and ``"adjust"``.

    Examples
    --------
    >>> import mnlogit, pandas as pd
    >>> df = pd.DataFrame({"y": list("abcabcabca"), "x": range(10),
    ...                    "stratum": [1] * 5 + [2] * 5, "school": [1, 1, 2, 2, 3] * 2,
    ...                    "w": [2.0, 2.0, 3.0, 3.0, 1.5] * 2})
    >>> design = SurveyDesign(weights="w", strata="stratum", psu="school", nest=True)
    >>> res = mnlogit.fit("y ~ x", df, design=design)
    >>> res.n_strata, res.n_psu, res.design_df, res.population_size
    (2, 6, 4, 23.0)
    """

    weights: Any = None
    strata: Any = None
    psu: Any = None
    fpc: Any = None
    nest: bool = False
    single_psu: SinglePSU = "error"

    def __post_init__(self) -> None:
        if not isinstance(self.nest, (bool, np.bool_)):
            raise MNLogitError(f"nest must be True or False, got {self.nest!r}")
        if self.single_psu not in SINGLE_PSU_OPTIONS:
            options = ", ".join(map(repr, SINGLE_PSU_OPTIONS))
            raise MNLogitError(f"single_psu must be one of {options}, got {self.single_psu!r}")
        for role in ("weights", "strata", "psu", "fpc"):
            value = getattr(self, role)
            if isinstance(value, (numbers.Number, bytes, dict)):
                raise MNLogitError(
                    f"{role} must be a column name or one value per row, got {value!r}"
                )

    def layout(self, data: Columns | None, n_rows: int) -> DesignLayout:
        """The design resolved on ``n_rows`` rows of ``data``: codes, counts, fractions.

        Called by the model when it is built; analysts rarely need it, except to
        check a design before fitting.

        Parameters
        ----------
        data : mnlogit.design.Columns or None
            The columns of the data the design's column names refer to; None when
            the design is given as arrays only.
        n_rows : int
            Number of rows of the data (every array of the design must have as many).

        Returns
        -------
        DesignLayout
            Integer codes of the rows' PSUs and of the PSUs' strata, the number of
            PSUs per stratum, the sampling fractions and the weights as floats.

        Raises
        ------
        DataError
            If a column is unknown, of the wrong length or has missing values, a
            weight is not positive, the fpc is invalid or varies within a stratum, a
            PSU code appears in two strata without ``nest=True``, or a stratum has a
            single PSU under ``single_psu="error"``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"h": [1, 1, 2, 2, 2], "c": [1, 2, 1, 2, 3]})
        >>> layout = SurveyDesign(strata="h", psu="c", nest=True).layout(Columns(df), 5)
        >>> layout.n_strata, layout.n_psu, layout.psus_per_stratum.tolist()
        (2, 5, [2, 3])
        """
        weights = _column(self.weights, "weights", data, n_rows, numeric=True)
        strata = _column(self.strata, "strata", data, n_rows)
        psu = _column(self.psu, "psu", data, n_rows)
        fpc = _column(self.fpc, "fpc", data, n_rows, numeric=True)
        names = {
            role: _label(getattr(self, role), role)
            for role in ("weights", "strata", "psu", "fpc")
            if getattr(self, role) is not None
        }
        if weights is None:
            weights = np.ones(n_rows)
        else:
            _check_weights(weights, names["weights"])
        if strata is None:
            stratum, stratum_labels = np.zeros(n_rows, dtype=np.intp), ("(one stratum)",)
        else:
            stratum, uniques = _codes(strata)
            stratum_labels = tuple(uniques.tolist())
        if psu is None:
            psu_codes = np.arange(n_rows, dtype=np.intp)  # every row its own PSU
        elif self.nest or strata is None:
            psu_codes = _codes(pd.MultiIndex.from_arrays([stratum, _codes(psu)[0]]))[0]
        else:
            psu_codes = _nested_psus(psu, stratum, stratum_labels, names)
        n_psu = int(psu_codes.max()) + 1 if n_rows else 0
        psu_stratum = np.zeros(n_psu, dtype=np.intp)
        psu_stratum[psu_codes] = stratum
        psus_per_stratum = np.bincount(psu_stratum, minlength=len(stratum_labels))
        fraction = (
            np.zeros(len(stratum_labels))
            if fpc is None
            else _sampling_fractions(fpc, stratum, psus_per_stratum, stratum_labels, names)
        )
        layout = DesignLayout(
            weights=np.ascontiguousarray(weights, dtype=np.float64),
            psu=psu_codes,
            psu_stratum=psu_stratum,
            psus_per_stratum=psus_per_stratum,
            sampling_fraction=fraction,
            stratum_labels=stratum_labels,
            single_psu=self.single_psu,
            names=names,
        )
        layout.check()
        return layout


@dataclass(frozen=True, eq=False)
class DesignLayout:
    """A survey design resolved on the rows of the data.

    Attributes
    ----------
    weights : (n,) sampling weights.
    psu : (n,) PSU code of each row, 0..P-1 over the whole design.
    psu_stratum : (P,) stratum code of each PSU, 0..H-1.
    psus_per_stratum : (H,) number of sampled PSUs ``n_h``.
    sampling_fraction : (H,) first-stage sampling fraction ``f_h`` (0: none given).
    stratum_labels : (H,) the strata as given, for messages.
    single_psu : the treatment of strata with one PSU.
    names : the design columns by role (weights, strata, psu, fpc) as the user named them.
    """

    weights: np.ndarray
    psu: np.ndarray
    psu_stratum: np.ndarray
    psus_per_stratum: np.ndarray
    sampling_fraction: np.ndarray
    stratum_labels: tuple
    single_psu: str
    names: dict[str, str] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        """Rows of the design."""
        return int(self.weights.size)

    @property
    def n_strata(self) -> int:
        """Number of strata H."""
        return len(self.stratum_labels)

    @property
    def n_psu(self) -> int:
        """Number of sampled PSUs."""
        return int(self.psu_stratum.size)

    @property
    def population_size(self) -> float:
        """Estimated population size: the sum of the weights over the design's rows."""
        return float(self.weights.sum())

    @property
    def single_psu_strata(self) -> np.ndarray:
        """Codes of the strata with one sampled PSU."""
        return np.flatnonzero(self.psus_per_stratum == 1)

    def check(self) -> None:
        """Refuse strata with one PSU under ``single_psu="error"`` (naming them) and a
        design without degrees of freedom."""
        lonely = self.single_psu_strata
        if lonely.size and self.single_psu == "error":
            shown = ", ".join(repr(self.stratum_labels[h]) for h in lonely[:5])
            more = f" and {lonely.size - 5} more" if lonely.size > 5 else ""
            raise DataError(
                f"{lonely.size} stratum(s) of {self.names.get('strata', 'strata')!r} have a "
                f"single PSU ({shown}{more}), so their variance cannot be estimated; pass "
                "single_psu='certainty', 'scaled' or 'centered' (Stata's singleunit(), "
                "R's survey.lonely.psu) or merge strata"
            )
        if self.degrees_of_freedom(np.arange(self.n_rows)) < 1:
            raise DataError(
                f"the design has {self.n_psu} PSU(s) in {self.n_strata} stratum(s): no "
                "degrees of freedom are left to estimate a design-based variance"
            )

    def degrees_of_freedom(self, rows: np.ndarray) -> int:
        """Design df: PSUs with rows in ``rows`` minus strata with rows in ``rows``
        (R's ``degf``; ``n_PSU - n_strata`` for the whole design)."""
        used = np.unique(self.psu[rows])
        return int(used.size - np.unique(self.psu_stratum[used]).size)

    def score_covariance(self, totals: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """``B``: the design-based covariance of the total of the PSU totals ``totals``
        (P, p) -- see the module docstring; ``rows`` (the design rows in the fit)
        decide which strata count for ``single_psu="scaled"``."""
        n_h = self.psus_per_stratum
        stratum_of = self.psu_stratum
        means = np.zeros((self.n_strata, totals.shape[1]))
        np.add.at(means, stratum_of, totals)
        means /= n_h[:, None]
        centred = totals - means[stratum_of]
        finite = 1.0 - self.sampling_fraction
        finite[self.sampling_fraction >= SELF_REPRESENTING] = 0.0
        scale = finite * n_h / np.maximum(n_h - 1, 1)
        lonely = n_h == 1
        if self.single_psu == "centered":
            # The stratum's one total about the mean of all PSU totals, not its own.
            on_lonely = lonely[stratum_of]
            centred[on_lonely] = totals[on_lonely] - totals.mean(axis=0)
        else:  # certainty and scaled: the stratum adds nothing by itself
            scale[lonely] = 0.0
        weighted = centred * scale[stratum_of][:, None]
        meat = weighted.T @ centred
        if self.single_psu == "scaled" and lonely.any():
            # R's "average": strata with rows in the fit, over those that have a variance.
            active = np.zeros(self.n_strata, dtype=bool)
            active[stratum_of[self.psu[rows]]] = True
            has_variance = ~lonely | (finite == 0.0)
            n_active, n_with_variance = active.sum(), (active & has_variance).sum()
            if n_with_variance == 0:
                raise DataError(
                    "every stratum of the fit has a single PSU: single_psu='scaled' has no "
                    "stratum variance to average; use 'certainty' or 'centered'"
                )
            meat *= n_active / n_with_variance
        return (meat + meat.T) / 2.0


@dataclass(frozen=True, eq=False)
class SurveyRows:
    """A design and the rows of it that a fit uses (its estimation domain).

    Attributes
    ----------
    layout : the whole design.
    rows : (n_fit,) positions, among the design's rows, of the rows fitted, in the
        order of the model frame's rows.
    subpop : the subpopulation's name (a column name, or "subpop"), or None.
    """

    layout: DesignLayout
    rows: np.ndarray
    subpop: str | None = None

    def cov_kwds(self, frame: ModelFrame, theta: np.ndarray) -> dict[str, Any]:
        """The ``cov_kwds`` of a linearised fit at ``theta``: the score covariance ``B``
        (as nested lists: the dict is stored as JSON when a fit is saved) and the
        design facts the reports show.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_iris()
        >>> model = mnlogit.MNLogit.from_formula("Species ~ Sepal_Length", df,
        ...                                      design=SurveyDesign())
        >>> kwds = model.survey.cov_kwds(model.frame, np.zeros(4))
        >>> kwds["design_df"], len(kwds["meat"])
        (149, 4)
        """
        layout = self.layout
        totals = score_totals(
            frame.X,
            frame.outcome.codes,
            frame.weights,
            np.asarray(theta),
            layout.psu[self.rows],
            layout.n_psu,
        )
        meat = layout.score_covariance(totals, self.rows)
        domain = self.subpop is not None or self.rows.size < layout.n_rows
        return {
            "meat": meat.tolist(),
            "design_df": layout.degrees_of_freedom(self.rows),
            "n_strata": layout.n_strata,
            "n_psu": layout.n_psu,
            "n_design_rows": layout.n_rows,
            "population_size": layout.population_size,
            "subpop": self.subpop,
            "subpop_nobs": int(self.rows.size) if domain else None,
            "subpop_size": float(layout.weights[self.rows].sum()) if domain else None,
            "single_psu": layout.single_psu,
            "n_single_psu_strata": int(layout.single_psu_strata.size),
            "fpc": "fpc" in layout.names,
            "design_names": dict(layout.names),
        }


def survey_rows(
    frame: ModelFrame,
    layout: DesignLayout,
    subpop: Any = None,
    data: Columns | None = None,
) -> tuple[ModelFrame, SurveyRows]:
    """The frame restricted to the subpopulation, and the design rows it uses.

    ``frame`` was built on all rows of the design (its ``row_positions`` are design
    rows); ``subpop`` is None, a column name of ``data`` or one True/False per row.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_iris()
    >>> frame = mnlogit.MNLogit.from_formula("Species ~ Sepal_Length", df).frame
    >>> layout = SurveyDesign().layout(Columns(df), len(df))
    >>> sub, rows = survey_rows(frame, layout, df["Sepal_Width"] > 2.8)
    >>> len(sub.X), rows.rows.size, rows.subpop
    (103, 103, 'subpop')
    """
    if subpop is None:
        return frame, SurveyRows(layout, np.asarray(frame.row_positions), None)
    in_domain = _subpop_mask(subpop, data, layout.n_rows)
    # A boolean Series made by a comparison carries the compared column's name.
    label = subpop if isinstance(subpop, str) else "subpop"
    keep = in_domain[frame.row_positions]
    if not keep.any():
        raise DataError(
            f"subpopulation {label!r} has no rows with complete data "
            f"({int(in_domain.sum())} rows in it, {frame.n_dropped} rows with missing values)"
        )
    outcome = frame.outcome
    present = np.bincount(outcome.codes[keep], minlength=outcome.n_levels)
    absent = [outcome.model_levels[j] for j in np.flatnonzero(present == 0)]
    if absent:
        raise DataError(
            f"outcome {outcome.name!r} level(s) {', '.join(map(repr, absent))} have no rows "
            f"in subpopulation {label!r}: their coefficients do not exist there; fit the "
            "subpopulation on the levels it has (a new outcome column) or widen it"
        )
    rows = frame.row_positions[keep]
    if layout.degrees_of_freedom(rows) < 1:
        raise DataError(
            f"subpopulation {label!r} has rows in {np.unique(layout.psu[rows]).size} PSU(s) "
            "only, one per stratum: no design degrees of freedom are left for its variance"
        )
    design_rows = frame.design_rows
    if isinstance(design_rows, CodedRows):  # level codes stay codes
        design_rows = CodedRows(
            design_rows.spec, {p: c[keep] for p, c in design_rows.codes.items()}
        )
    else:
        design_rows = np.ascontiguousarray(frame.X[keep])
    sub = replace(
        frame,
        design_rows=design_rows,
        outcome=replace(outcome, codes=outcome.codes[keep]),
        weights=None if frame.weights is None else frame.weights[keep],
        row_index=frame.row_index[keep],
        row_positions=rows,
        patterns=None,  # the collapsed rows of the whole design; the solver reads the rows
    )
    return sub, SurveyRows(layout, np.asarray(sub.row_positions), label)


def adjusted_wald_f(chi2: float, n_restrictions: int, design_df: float) -> tuple[float, int, float]:
    """Stata's design-adjusted Wald F: ``F = (d - k + 1) / (d k) · W`` on
    ``(k, d - k + 1)`` degrees of freedom, for ``k`` restrictions and design df ``d``
    (Korn and Graubard 1990; Stata's ``test`` after ``svy``).

    Examples
    --------
    >>> adjusted_wald_f(10.0, 2, 16)
    (4.6875, 2, 15.0)
    """
    denominator = design_df - n_restrictions + 1.0
    if denominator <= 0:
        raise MNLogitError(
            f"the adjusted Wald test of {n_restrictions} restrictions needs at least "
            f"{n_restrictions} design degrees of freedom; the design has {design_df:g}: "
            "test fewer coefficients at once"
        )
    return chi2 * denominator / (design_df * n_restrictions), n_restrictions, denominator


def warn_if_sampling_weights(weights: np.ndarray | None) -> None:
    """Warn when ``weights=`` (frequency weights) are not whole numbers: they look like
    sampling weights, whose standard errors need a :class:`SurveyDesign`.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_sampling_weights(np.array([1.0, 2.5]))
    >>> caught[0].category.__name__
    'FrequencyWeightsWarning'
    """
    if weights is None:
        return
    fractional = int(np.count_nonzero(weights != np.round(weights)))
    if fractional:
        warn(
            f"weights= are taken as frequency weights (each row counts as that many "
            f"identical observations), but {fractional} of {weights.size} are not whole "
            "numbers; for sampling (probability) weights pass design=mnlogit.SurveyDesign("
            "weights=...) to get design-based standard errors",
            FrequencyWeightsWarning,
        )


# ----------------------------------------------------------------------------
# resolving and checking the design columns


def _label(value: Any, role: str) -> str:
    if isinstance(value, str):
        return value
    return str(getattr(value, "name", None) or role)


def _column(
    value: Any, role: str, data: Columns | None, n_rows: int, numeric: bool = False
) -> np.ndarray | None:
    """One design column as an array over the data's rows; missing values refused."""
    if value is None:
        return None
    fix = "the design of those rows is unknown: fill them or drop the rows"
    series = _series(value, f"design {role}", data, n_rows, fix)
    if not numeric:
        return series.to_numpy()
    try:
        return series.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"design {role} {_label(value, role)!r} must be numeric") from None


def _series(value: Any, what: str, data: Columns | None, n_rows: int, fix: str) -> pd.Series:
    """A column name of ``data``, or one value per row, as a Series without missing values."""
    if isinstance(value, str):
        if data is None or value not in data:
            raise DataError(f"{what} {value!r} is not in the data")
        series = data[value]
    else:
        series = pd.Series(np.asarray(value).reshape(-1) if np.ndim(value) != 1 else value)
        if len(series) != n_rows:
            raise DataError(f"{what} has {len(series)} values for {n_rows} rows of data")
    n_missing = int(series.isna().sum())
    if n_missing:
        name = f" {value!r}" if isinstance(value, str) else ""
        raise DataError(f"{what}{name} has missing values in {n_missing} of {n_rows} rows; {fix}")
    return series


def _codes(values: Any) -> tuple[np.ndarray, Any]:
    """Integer codes 0..G-1 of labels (in sorted order when the labels sort) and the labels."""
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # labels of mixed types do not sort
        codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.intp), uniques


def _check_weights(weights: np.ndarray, label: str) -> None:
    bad = ~(np.isfinite(weights) & (weights > 0))
    if bad.any():
        raise DataError(
            f"sampling weights {label!r} must be positive and finite: {int(bad.sum())} rows "
            f"have weight {weights[bad][0]:g}" + (" or the like" if bad.sum() > 1 else "")
        )


def _nested_psus(
    psu: np.ndarray, stratum: np.ndarray, labels: tuple, names: dict[str, str]
) -> np.ndarray:
    """PSU codes when PSU labels are unique across strata; a repeated label is an error."""
    codes = _codes(psu)[0]
    strata_of = pd.DataFrame({"psu": codes, "stratum": stratum}).drop_duplicates()
    repeated = strata_of["psu"].duplicated(keep=False)
    if repeated.any():
        first = strata_of[repeated].iloc[0]
        in_strata = strata_of.loc[strata_of["psu"] == first["psu"], "stratum"]
        shown = ", ".join(repr(_scalar(labels[h])) for h in in_strata)
        raise DataError(
            f"PSU {_scalar(psu[codes == first['psu']][0])!r} of {names['psu']!r} appears in strata "
            f"{shown} of {names['strata']!r}: PSU codes repeat across strata; pass "
            "nest=True if they are numbered within each stratum"
        )
    return codes


def _sampling_fractions(
    fpc: np.ndarray,
    stratum: np.ndarray,
    psus_per_stratum: np.ndarray,
    labels: tuple,
    names: dict[str, str],
) -> np.ndarray:
    """First-stage sampling fraction per stratum from population counts or fractions."""
    label = names["fpc"]
    if not (np.isfinite(fpc) & (fpc > 0)).all():
        raise DataError(f"fpc {label!r} must be positive and finite")
    low = np.full(len(labels), np.inf)
    high = np.full(len(labels), -np.inf)
    np.minimum.at(low, stratum, fpc)
    np.maximum.at(high, stratum, fpc)
    varies = np.flatnonzero(low != high)
    if varies.size:
        raise DataError(
            f"fpc {label!r} varies within stratum {_scalar(labels[varies[0]])!r} "
            f"({low[varies[0]]:g} to {high[varies[0]]:g}); it must be one value per stratum"
        )
    if (low <= 1).all():
        return low  # sampling fractions
    if (low <= 1).any():
        raise DataError(
            f"fpc {label!r} mixes sampling fractions (<= 1) and population counts (> 1)"
        )
    short = np.flatnonzero(low < psus_per_stratum)
    if short.size:
        h = short[0]
        raise DataError(
            f"fpc {label!r} of stratum {_scalar(labels[h])!r} is {low[h]:g}, smaller than the "
            f"{psus_per_stratum[h]} PSUs sampled there; fpc is the number of PSUs in the "
            "stratum's population (or the sampling fraction)"
        )
    return psus_per_stratum / low


def _subpop_mask(subpop: Any, data: Columns | None, n_rows: int) -> np.ndarray:
    """True for the rows of the data inside the subpopulation."""
    label = subpop if isinstance(subpop, str) else "subpop"
    series = _series(subpop, "subpop", data, n_rows, "give every row True or False")
    values = series.to_numpy()
    if values.dtype != bool:
        if not pd.api.types.is_numeric_dtype(series) or not np.isin(values, (0, 1)).all():
            raise DataError(f"subpop {label!r} must hold True/False (or 1/0) values")
        values = values == 1
    if not values.any():
        raise DataError(f"subpopulation {label!r} has no rows")
    return values


def _scalar(value: Any) -> Any:
    """numpy scalars as Python values, so messages show 3, not np.int64(3)."""
    return value.item() if isinstance(value, np.generic) else value
