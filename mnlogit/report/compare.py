"""Side-by-side comparison of fitted models: coefficients and fit statistics.

Rows are grouped in one panel per non-reference outcome, titled with the outcome
and the reference it is compared with. Each coefficient takes two rows: the
estimate (with optional significance stars) and, beneath it, its standard error
in parentheses or its confidence interval in brackets; ``rename``, ``keep``,
``drop`` and ``order`` choose and label the rows (:mod:`mnlogit.report.terms`).
Fit statistics chosen by name (:data:`FIT_STATISTICS`) close the table. The same
cells render as text, HTML, LaTeX and Markdown; the numbers all come from each
model's ``tidy()`` and ``fit_statistics()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

from ..exceptions import MNLogitError
from .formatting import fmt_pvalue, fmt_stat
from .latex import escape_latex, latex_grid
from .markdown import markdown_grid
from .summary import cov_label
from .terms import TermSelection

Section = tuple[str, tuple[tuple[str, ...], ...]]
STAR_LEVELS = (0.05, 0.01, 0.001)


# Fit statistics a comparison can show: name (a key of ``fit_statistics()``) ->
# (row label, cell of one model's statistics).
def _number(key: str, spec: str, likelihood: bool = False) -> Callable[[dict[str, Any]], str]:
    """A cell formatting one statistic; blank when missing (a survey fit has no
    likelihood-based statistics, and its log pseudo-likelihood is not shown)."""

    def cell(stats: dict[str, Any]) -> str:
        value = stats[key]
        if value is None or (likelihood and stats.get("survey")):
            return ""
        return format(value, spec)

    return cell


FIT_STATISTICS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "nobs": ("Observations", lambda s: fmt_stat(s["nobs"])),
    "llf": ("Log-likelihood", _number("llf", ".3f", likelihood=True)),
    "llnull": ("Null log-likelihood", _number("llnull", ".3f", likelihood=True)),
    "llr": ("LR chi2", _number("llr", ".3f", likelihood=True)),
    "llr_df": ("LR df", _number("llr_df", "d", likelihood=True)),
    "llr_pvalue": (
        "Prob > chi2",
        lambda s: "" if s["llr_pvalue"] is None or s.get("survey") else fmt_pvalue(s["llr_pvalue"]),
    ),
    "prsquared": ("Pseudo R2 (McFadden)", _number("prsquared", ".4f")),
    "aic": ("AIC", _number("aic", ".2f")),
    "bic": ("BIC", _number("bic", ".2f")),
    "cov_type": ("Covariance", cov_label),
    "n_clusters": ("Clusters", lambda s: "" if s["n_clusters"] is None else str(s["n_clusters"])),
    "cluster_var": ("Cluster variable", lambda s: s["cluster_var"] or ""),
    "cov_correction": ("Small-sample factor", lambda s: s["cov_correction"] or ""),
    "method": ("Method", lambda s: s["method"]),
    "converged": ("Converged", lambda s: "yes" if s["converged"] else "NO"),
    "iterations": ("Iterations", lambda s: str(s["iterations"])),
}
DEFAULT_STATISTICS = ("nobs", "llf", "prsquared", "aic", "bic", "cov_type", "cov_correction")


@dataclass(frozen=True)
class ComparisonTable:
    """Formatted cells of a model comparison; ``str()`` is text, notebooks show HTML.

    Made by :func:`compare`; every cell is an already formatted string, which
    :meth:`as_text`, :meth:`as_html`, :meth:`as_latex` and :meth:`as_markdown` only
    lay out.

    Parameters
    ----------
    columns : tuple of str
        Column headings: an empty one over the row labels, then one per model.
    sections : tuple of (str, tuple of tuple of str)
        Panels of rows, each with its title (``"<outcome variable> = <outcome> (vs.
        <reference>)"``; empty for the closing panel of fit statistics) and its rows
        of cells, one per column.
    notes : tuple of str
        Sentences printed under the table.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> table = mnlogit.compare([mnlogit.fit("party3 ~ age", df)])
    >>> table.columns
    ('', '(1)')
    >>> title, rows = table.sections[0]
    >>> title, rows[:2]
    ('party3 = Independent (vs. Democrat)', (('Intercept', '-0.366'), ('', '(0.250)')))
    """

    columns: tuple[str, ...]
    sections: tuple[Section, ...]
    notes: tuple[str, ...]

    def as_text(self) -> str:
        """Fixed-width text (what ``str()`` and ``print`` show).

        Returns
        -------
        str
            The table between ``=`` rules, one panel per outcome under ``-`` rules,
            the fit statistics, then the notes.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> small = mnlogit.fit("party3 ~ age", df)
        >>> big = mnlogit.fit("party3 ~ age + income", df)
        >>> table = mnlogit.compare([small, big], keep=["income"], stats=["nobs"])
        >>> print(table.as_text())
        ===================================
                      (1)             (2)
        ===================================
        party3 = Independent (vs. Democrat)
        -----------------------------------
        income                      0.060
                                  (0.014)
        -----------------------------------
        party3 = Republican (vs. Democrat)
        -----------------------------------
        income                      0.084
                                  (0.014)
        -----------------------------------
        Observations  944             944
        ===================================
        Coefficients (log relative-risk) against the reference outcome 'Democrat';
        standard errors in parentheses.
        """
        rows = [self.columns] + [r for _, rows in self.sections for r in rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.columns))]
        titles = [t for t, _ in self.sections]
        total = max(sum(widths) + 2 * (len(widths) - 1), *map(len, titles))

        def line(row: tuple[str, ...]) -> str:
            cells = zip(row, widths, strict=True)
            return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(cells))

        out = ["=" * total, line(self.columns).rstrip(), "=" * total]
        for title, section_rows in self.sections:
            if title:
                out += [title, "-" * total]
            out += [line(r).rstrip() for r in section_rows]
            out.append("-" * total)
        out[-1] = "=" * total
        return "\n".join(out + list(self.notes))

    def as_html(self) -> str:
        """HTML table (what notebooks show).

        Returns
        -------
        str
            A ``<div class="mnlogit-compare">`` holding the table and the notes.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> small = mnlogit.fit("party3 ~ age", df)
        >>> big = mnlogit.fit("party3 ~ age + income", df)
        >>> table = mnlogit.compare([small, big], keep=["income"], stats=["nobs"])
        >>> html = table.as_html()
        >>> html.startswith('<div class="mnlogit-compare"><table><tr><th></th><th>(1)</th>')
        True
        """
        width = len(self.columns)
        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = []
        for title, rows in self.sections:
            if title:
                body.append(
                    f'<tr><td colspan="{width}" style="text-align:left">'
                    f"<b>{escape(title)}</b></td></tr>"
                )
            for row in rows:
                cells = "".join(
                    f'<td style="text-align:{"left" if i == 0 else "right"}">{escape(c)}</td>'
                    for i, c in enumerate(row)
                )
                body.append(f"<tr>{cells}</tr>")
        notes = "".join(f"<p><small>{escape(n)}</small></p>" for n in self.notes)
        return (
            f'<div class="mnlogit-compare"><table><tr>{head}</tr>{"".join(body)}'
            f"</table>{notes}</div>"
        )

    def as_latex(self) -> str:
        r"""LaTeX ``tabular`` with booktabs rules.

        Returns
        -------
        str
            One ``tabular`` (a ``\midrule`` and an italic heading per outcome), then the
            notes in ``\footnotesize``; needs ``\usepackage{booktabs}``.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> small = mnlogit.fit("party3 ~ age", df)
        >>> big = mnlogit.fit("party3 ~ age + income", df)
        >>> table = mnlogit.compare([small, big], keep=["income"], stats=["nobs"])
        >>> print(table.as_latex())
        \begin{tabular}{lrr}
        \toprule
         & (1) & (2) \\
        \midrule
        \multicolumn{3}{l}{\textit{party3 = Independent (vs. Democrat)}} \\
        income &  & 0.060 \\
         &  & (0.014) \\
        ...
        \bottomrule
        \end{tabular}
        \par\footnotesize Coefficients (log relative-risk) against the reference outcome
        'Democrat'; standard errors in parentheses.
        """
        notes = "".join(f"\n\\par\\footnotesize {escape_latex(n)}" for n in self.notes)
        return latex_grid(self.columns, self.sections) + notes

    def as_markdown(self) -> str:
        """Markdown pipe table.

        Returns
        -------
        str
            One table with a bold heading row per outcome, then the notes in italics.

        Examples
        --------
        >>> import mnlogit
        >>> df = mnlogit.datasets.load_anes96()
        >>> small = mnlogit.fit("party3 ~ age", df)
        >>> big = mnlogit.fit("party3 ~ age + income", df)
        >>> table = mnlogit.compare([small, big], keep=["income"], stats=["nobs"])
        >>> print(table.as_markdown())
        |  | (1) | (2) |
        |:---|---:|---:|
        | **party3 = Independent (vs. Democrat)** | | |
        | income |  | 0.060 |
        |  |  | (0.014) |
        | **party3 = Republican (vs. Democrat)** | | |
        | income |  | 0.084 |
        |  |  | (0.014) |
        | Observations | 944 | 944 |
        <BLANKLINE>
        *Coefficients (log relative-risk) against the reference outcome 'Democrat';
        standard errors in parentheses.*
        """
        notes = "".join(f"\n\n*{n}*" for n in self.notes)
        return markdown_grid(self.columns, self.sections) + notes

    def __str__(self) -> str:
        return self.as_text()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return self.as_html()


def stars(pvalue: float, levels: Sequence[float] = STAR_LEVELS) -> str:
    """One star per significance level the p-value is below.

    Examples
    --------
    >>> stars(0.03), stars(0.0004), stars(0.2)
    ('*', '***', '')
    """
    return "*" * sum(pvalue < level for level in levels)


def compare(
    results: Sequence[Any],
    names: Sequence[str] | None = None,
    interval: Literal["se", "ci"] = "se",
    show_stars: bool = False,
    alpha: float = 0.05,
    digits: int = 3,
    odds_ratios: bool = False,
    rename: Mapping[str, str] | None = None,
    keep: Sequence[str] | None = None,
    drop: Sequence[str] | None = None,
    order: Sequence[str] | None = None,
    stats: Sequence[str] = DEFAULT_STATISTICS,
) -> ComparisonTable:
    """Compare fitted models side by side.

    One panel per non-reference outcome, two rows per coefficient (the estimate,
    then its standard error or interval beneath it), then fit statistics; a model
    without a coefficient leaves its cells empty. Like Stata's ``esttab`` or R's
    ``modelsummary``.

    Parameters
    ----------
    results : list of MNLogitResults
        The fitted models, one column each (a list even for one model); they should
        share the outcome and its reference (a note warns when the references differ).
    names : list of str, optional
        Column titles, one per model; default ``"(1)"``, ``"(2)"``, ...
    interval : {"se", "ci"}, default "se"
        What goes beneath each estimate: its standard error in parentheses, or its
        ``1 - alpha`` Wald interval in brackets.
    show_stars : bool, default False
        Mark p < 0.05, 0.01, 0.001 with ``*``, ``**``, ``***`` (fixed levels, whatever
        ``alpha``).
    alpha : float, default 0.05
        1 - confidence level of the intervals shown with ``interval="ci"``.
    digits : int, default 3
        Decimals of the coefficient cells (0 to 15).
    odds_ratios : bool, default False
        Show relative-risk ratios exp(coef) with delta-method standard errors or
        exp-transformed intervals instead of coefficients.
    rename : dict, optional
        Labels of design columns (``{"C(ses)[T.low]": "Low SES"}``) or of terms,
        whose name is replaced at the start of each of their columns
        (``{"C(ses)": "SES"}``).
    keep : list of str, optional
        Design columns, terms or data variables to show (default: all).
    drop : list of str, optional
        Design columns, terms or data variables to leave out.
    order : list of str, optional
        Design columns, terms or data variables to show first, in this order.
    stats : list of str, optional
        Fit statistics to close the table with, by name: any of
        :data:`FIT_STATISTICS` (``"nobs"``, ``"llf"``, ``"llnull"``, ``"llr"``,
        ``"llr_df"``, ``"llr_pvalue"``, ``"prsquared"``, ``"aic"``, ``"bic"``,
        ``"cov_type"``, ``"n_clusters"``, ``"cluster_var"``, ``"cov_correction"``,
        ``"method"``, ``"converged"``, ``"iterations"``); a row empty for every
        model (a small-sample factor of non-robust fits) is left out. Default:
        ``"nobs"``, ``"llf"``, ``"prsquared"``, ``"aic"``, ``"bic"``, ``"cov_type"``,
        ``"cov_correction"``.

    Returns
    -------
    ComparisonTable
        The formatted table: ``print`` it, or render it with ``as_html()``,
        ``as_latex()`` or ``as_markdown()``.

    Raises
    ------
    MNLogitError
        If ``results`` is not a list of fitted models, ``names`` does not give one
        string per model, or an option names an unknown row or statistic.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> small = mnlogit.fit("party3 ~ age", df)
    >>> big = mnlogit.fit("party3 ~ age + income", df)
    >>> table = compare([small, big], names=["age", "age + income"])
    >>> table.columns
    ('', 'age', 'age + income')
    >>> [title for title, _ in table.sections][:2]
    ['party3 = Independent (vs. Democrat)', 'party3 = Republican (vs. Democrat)']
    >>> table = compare([small, big], keep=["income"], rename={"income": "Income"},
    ...                 stats=["nobs", "bic"])
    >>> [row[0] for row in table.sections[0][1]], [row[0] for row in table.sections[-1][1]]
    (['Income', ''], ['Observations', 'BIC'])

    Intervals instead of standard errors, with significance stars:

    >>> print(compare([small, big], keep=["income"], interval="ci", show_stars=True,
    ...               stats=["nobs"]))
    ===================================
                  (1)             (2)
    ===================================
    party3 = Independent (vs. Democrat)
    -----------------------------------
    income                   0.060***
                       [0.032, 0.088]
    -----------------------------------
    party3 = Republican (vs. Democrat)
    -----------------------------------
    income                   0.084***
                       [0.057, 0.111]
    -----------------------------------
    Observations  944             944
    ===================================
    Coefficients (log relative-risk) against the reference outcome 'Democrat';
    95% confidence intervals in brackets.
    * p<0.05, ** p<0.01, *** p<0.001
    """
    results = _fitted_models(results)
    if names is None:
        names = [f"({i + 1})" for i in range(len(results))]
    if isinstance(names, str) or not all(isinstance(name, str) for name in names):
        raise MNLogitError(f"names must be a list of strings, one per model, got {names!r:.80}")
    if len(names) != len(results):
        raise MNLogitError(f"{len(names)} names for {len(results)} models")
    if interval not in ("se", "ci"):
        raise MNLogitError(f"interval must be 'se' or 'ci', got {interval!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 15:
        raise MNLogitError(f"digits must be an integer from 0 to 15, got {digits!r}")
    unknown = (
        [str(stats)] if isinstance(stats, str) else [n for n in stats if n not in FIT_STATISTICS]
    )
    if unknown:
        raise MNLogitError(
            f"unknown fit statistic(s) {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(map(repr, FIT_STATISTICS))}"
        )
    rows = TermSelection(rename, keep, drop, order).rows(results)
    tidies = [r.tidy(alpha).set_index(["outcome", "term"]) for r in results]
    outcomes = list(dict.fromkeys(o for t in tidies for o, _ in t.index))
    reference = results[0].reference
    sections: list[Section] = []
    for outcome in outcomes:
        cells: list[tuple[str, ...]] = []
        for term, label in rows:
            present = [(outcome, term) in tidy.index for tidy in tidies]
            if not any(present):
                continue
            estimate, spread = [label], [""]
            for tidy, there in zip(tidies, present, strict=True):
                row = tidy.loc[(outcome, term)] if there else None
                est, sub = _cells(row, interval, show_stars, digits, odds_ratios)
                estimate.append(est)
                spread.append(sub)
            cells += [tuple(estimate), tuple(spread)]
        title = f"{results[0].outcome_name} = {outcome} (vs. {reference})"
        sections.append((title, tuple(cells)))
    sections.append(("", _statistics(results, stats)))
    notes = _notes(results, interval, show_stars, alpha, odds_ratios)
    return ComparisonTable(("", *names), tuple(sections), notes)


def _fitted_models(results: Any) -> list[Any]:
    """The models to compare as a list, or an error naming what is not a fitted model."""
    if hasattr(results, "tidy"):
        raise MNLogitError(
            "compare takes a list of fitted models: compare([res]), not compare(res)"
        )
    if isinstance(results, (str, bytes)) or not hasattr(results, "__iter__"):
        raise MNLogitError(
            f"compare takes a list of fitted models, got {type(results).__name__} {results!r:.60}"
        )
    results = list(results)
    if not results:
        raise MNLogitError("compare needs at least one fitted model")
    for position, item in enumerate(results):
        if not (hasattr(item, "tidy") and hasattr(item, "fit_statistics")):
            raise MNLogitError(
                f"compare takes fitted models (the results of mnlogit.fit); item {position} is "
                f"{type(item).__name__} {item!r:.60}"
            )
    return results


def _cells(
    row: Any, interval: str, show_stars: bool, digits: int, odds_ratios: bool
) -> tuple[str, str]:
    if row is None or row["flag"] == "aliased":
        return ("(aliased)" if row is not None else ""), ""
    if odds_ratios:
        est, se = row["odds_ratio"], row["odds_ratio"] * row["std_error"]
        low, high = row["odds_ratio_low"], row["odds_ratio_high"]
    else:
        est, se, low, high = row["estimate"], row["std_error"], row["conf_low"], row["conf_high"]
    mark = stars(row["p_value"]) if show_stars else ""
    sub = f"({se:.{digits}f})" if interval == "se" else f"[{low:.{digits}f}, {high:.{digits}f}]"
    return f"{est:.{digits}f}{mark}", sub


def _statistics(results: Sequence[Any], names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    stats = [r.fit_statistics() for r in results]
    rows = []
    for name in names:
        label, cell = FIT_STATISTICS[name]
        cells = tuple(cell(s) for s in stats)
        if any(cells):
            rows.append((label, *cells))
    return tuple(rows)


def _notes(
    results: Sequence[Any], interval: str, show_stars: bool, alpha: float, odds_ratios: bool
) -> tuple[str, ...]:
    what = "Relative-risk ratios exp(coef)" if odds_ratios else "Coefficients (log relative-risk)"
    reference = results[0].reference
    spread = (
        "standard errors in parentheses"
        if interval == "se"
        else f"{100 * (1 - alpha):g}% confidence intervals in brackets"
    )
    notes = [f"{what} against the reference outcome {reference!r}; {spread}."]
    if show_stars:
        notes.append("* p<0.05, ** p<0.01, *** p<0.001")
    if len({r.reference for r in results}) > 1:
        notes.append("Warning: the models use different reference outcomes.")
    return tuple(notes)
