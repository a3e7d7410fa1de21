"""maketables integration: ``maketables.ETable([res1, res2])`` renders mnlogit fits.

Results carry maketables' plug-in attributes (``__maketables_coef_table__`` and
friends), which call the functions below. maketables 0.2 asks its registered
extractors before it looks for plug-in attributes, and its duck-typed statsmodels
extractor claims any object with ``params``, ``bse`` and ``pvalues`` -- then fails
on mnlogit's (terms × outcomes) ``params`` ("Cannot construct a Series from a
DataFrame"). So when maketables is installed, importing :mod:`mnlogit.results`
registers :class:`MNLogitExtractor` with maketables' public ``register_extractor``
and moves it ahead of the built-in extractors; the user touches nothing.

The table: coefficient rows ``"<outcome> / <term>"`` grouped by outcome (one block
per non-reference outcome, the reference named in the column header;
``order=coefficient_order(models)`` keeps the blocks when later models add terms),
McFadden's pseudo-R² labelled as such, and the covariance type with the cluster
variable, the number of clusters and the small-sample factor.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .summary import cov_label

# Statistics mnlogit offers to maketables, by maketables' keys, and the labels of
# those maketables does not know (or would mislabel).
STAT_KEYS = (
    "N",
    "ll",
    "llnull",
    "pseudo_r2",
    "aic",
    "bic",
    "llr",
    "df_model",
    "df_resid",
    "deviance",
    "se_type",
    "n_clusters",
    "cov_correction",
)
STAT_LABELS = {
    "pseudo_r2": "Pseudo R² (McFadden)",
    "llr": "LR chi2",
    "cov_correction": "Small-sample factor",
}
DEFAULT_STAT_KEYS = ["N", "ll", "pseudo_r2", "aic", "bic", "se_type"]


def coef_table(results: Any) -> pd.DataFrame:
    """One row per ``"<outcome> / <term>"`` (outcome-major: a block per outcome) with
    maketables' columns b, se, t, p, ci95l, ci95u.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> coef_table(res).index[:2].tolist()
    ['versicolor / Intercept', 'versicolor / Sepal_Length']
    """
    tidy = results.tidy(0.05)
    labels = [f"{o} / {t}" for o, t in zip(tidy["outcome"], tidy["term"], strict=True)]
    return pd.DataFrame(
        {
            "b": tidy["estimate"].to_numpy(),
            "se": tidy["std_error"].to_numpy(),
            "t": tidy["statistic"].to_numpy(),
            "p": tidy["p_value"].to_numpy(),
            "ci95l": tidy["conf_low"].to_numpy(),
            "ci95u": tidy["conf_high"].to_numpy(),
        },
        index=pd.Index(labels, name="Coefficient"),
    )


def coefficient_order(results: Sequence[Any]) -> list[str]:
    """The coefficient rows of several fits grouped by outcome, for ``ETable(order=...)``.

    maketables lists the rows of a model missing from the first one after all of
    the first model's rows; pass this as ``order=`` to keep one block per outcome.

    Examples
    --------
    >>> import mnlogit
    >>> anes = mnlogit.datasets.load_anes96()
    >>> models = [mnlogit.fit(f, anes) for f in ("party3 ~ selfLR", "party3 ~ selfLR + educ")]
    >>> coefficient_order(models)[:3]
    ['Independent / Intercept', 'Independent / selfLR', 'Independent / educ']
    """
    tidies = [r.tidy() for r in results]
    rows = [pair for tidy in tidies for pair in zip(tidy["outcome"], tidy["term"], strict=True)]
    outcomes = list(dict.fromkeys(o for o, _ in rows))
    return list(dict.fromkeys(f"{o} / {t}" for o in outcomes for p, t in rows if p == o))


def statistic(results: Any, key: str) -> Any:
    """A fit statistic by maketables' key (``N``, ``ll``, ``llnull``, ``pseudo_r2``,
    ``aic``, ``bic``, ``llr``, ``df_model``, ``df_resid``, ``deviance``, ``se_type``,
    ``n_clusters``, ``cov_correction``); None for any other key (``r2`` included: a
    multinomial logit has no R²).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> statistic(res, "N"), statistic(res, "se_type"), statistic(res, "r2")
    (150, 'nonrobust', None)
    >>> statistic(res.with_cov_type("HC1", correction="stata"), "se_type")
    'HC1, factor N/(N-1)'
    """
    stats = results.fit_statistics()
    nobs = stats["nobs"]
    values = {
        "N": int(nobs) if float(nobs).is_integer() else nobs,
        "ll": stats["llf"],
        "llnull": stats["llnull"],
        "pseudo_r2": stats["prsquared"],
        "aic": stats["aic"],
        "bic": stats["bic"],
        "llr": stats["llr"],
        "df_model": results.df_model,
        "df_resid": results.df_resid,
        "deviance": results.deviance,
        "se_type": cov_label(stats)
        + (f", factor {stats['cov_correction']}" if stats["cov_correction"] else ""),
        "n_clusters": stats["n_clusters"],
        "cov_correction": stats["cov_correction"] or None,
    }
    return values.get(key)


def depvar(results: Any) -> str:
    """The column header: the outcome and its reference.

    Examples
    --------
    >>> import mnlogit
    >>> depvar(mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris()))
    'Species (vs. setosa)'
    """
    return f"{results.outcome_name} (vs. {results.reference})"


def vcov_info(results: Any) -> dict[str, Any]:
    """maketables' description of the variance estimator: ``vcov_type`` and ``clustervar``.

    Examples
    --------
    >>> import mnlogit
    >>> vcov_info(mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris()))
    {'vcov_type': 'nonrobust', 'clustervar': None}
    """
    return {"vcov_type": results.cov_type, "clustervar": results.cov_kwds.get("groups_name")}


class MNLogitExtractor:
    """maketables' ``ModelExtractor`` protocol for mnlogit results.

    Parameters
    ----------
    results_type : the class whose instances this extractor handles.

    Examples
    --------
    >>> import mnlogit
    >>> from mnlogit.results import MNLogitResults
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> MNLogitExtractor(MNLogitResults).stat_labels(res)["pseudo_r2"]
    'Pseudo R² (McFadden)'
    """

    def __init__(self, results_type: type) -> None:
        self.results_type = results_type

    def can_handle(self, model: Any) -> bool:
        """True for mnlogit results."""
        return isinstance(model, self.results_type)

    def coef_table(self, model: Any) -> pd.DataFrame:
        """The coefficient table (:func:`coef_table`)."""
        return coef_table(model)

    def depvar(self, model: Any) -> str:
        """The outcome and its reference (:func:`depvar`)."""
        return depvar(model)

    def fixef_string(self, model: Any) -> None:
        """No fixed effects."""
        return None

    def stat(self, model: Any, key: str) -> Any:
        """A fit statistic by key (:func:`statistic`)."""
        return statistic(model, key)

    def vcov_info(self, model: Any) -> dict[str, Any]:
        """Variance estimator and cluster variable (:func:`vcov_info`)."""
        return vcov_info(model)

    def var_labels(self, model: Any) -> None:
        """No variable labels."""
        return None

    def supported_stats(self, model: Any) -> set[str]:
        """The statistic keys :func:`statistic` answers for this model."""
        return {key for key in STAT_KEYS if statistic(model, key) is not None}

    def stat_labels(self, model: Any) -> dict[str, str]:
        """Labels of mnlogit's statistics (pseudo-R² named McFadden's)."""
        return dict(STAT_LABELS)

    def default_stat_keys(self, model: Any) -> list[str]:
        """Statistics shown when the user names none."""
        return list(DEFAULT_STAT_KEYS)

    def sample_split(self, model: Any) -> None:
        """No sample splits."""
        return None


def register_with_maketables(results_type: type) -> bool:
    """Register :class:`MNLogitExtractor` with maketables, ahead of its built-in
    extractors, if maketables is installed; True when it is (again) registered.

    Importing :mod:`mnlogit.results` calls this; call it yourself only after
    installing maketables in a running session.

    Examples
    --------
    >>> from mnlogit.results import MNLogitResults
    >>> register_with_maketables(MNLogitResults) in (True, False)
    True
    """
    if importlib.util.find_spec("maketables") is None:
        return False
    from maketables import extractors

    registry = getattr(extractors, "_EXTRACTOR_REGISTRY", None)
    if isinstance(registry, list):
        registry[:] = [ex for ex in registry if not isinstance(ex, MNLogitExtractor)]
    extractors.register_extractor(MNLogitExtractor(results_type))
    # maketables asks its extractors in registration order and has no public way to
    # register one first; its statsmodels extractor would claim mnlogit results.
    if isinstance(registry, list) and isinstance(registry[-1], MNLogitExtractor):
        registry.insert(0, registry.pop())
    return True
