"""Side-by-side comparison of fitted models: coefficients and fit statistics.

Each coefficient takes two rows: the estimate (with optional significance
stars) and, beneath it, its standard error in parentheses or its confidence
interval in brackets. Fit statistics (observations, log-likelihood, McFadden's
pseudo-R², AIC, BIC, covariance type) close the table. The same cells render as
text, HTML, LaTeX and Markdown; the numbers all come from each model's ``tidy()``
and ``fit_statistics()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

from ..exceptions import MNLogitError
from .formatting import fmt_stat
from .latex import escape_latex, latex_grid
from .markdown import markdown_grid

Section = tuple[str, tuple[tuple[str, ...], ...]]
STAR_LEVELS = (0.05, 0.01, 0.001)


@dataclass(frozen=True)
class ComparisonTable:
    """Formatted cells of a model comparison; ``str()`` is text, notebooks show HTML."""

    columns: tuple[str, ...]
    sections: tuple[Section, ...]
    notes: tuple[str, ...]

    def as_text(self) -> str:
        """Fixed-width text."""
        rows = [self.columns] + [r for _, rows in self.sections for r in rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.columns))]
        titles = [t for t, _ in self.sections]
        total = max(sum(widths) + 2 * (len(widths) - 1), *map(len, titles))

        def line(row: tuple[str, ...]) -> str:
            cells = zip(row, widths, strict=True)
            return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(cells))

        out = ["=" * total, line(self.columns).rstrip(), "=" * total]
        for title, rows in self.sections:
            if title:
                out += [title, "-" * total]
            out += [line(r).rstrip() for r in rows]
            out.append("-" * total)
        out[-1] = "=" * total
        return "\n".join(out + list(self.notes))

    def as_html(self) -> str:
        """HTML table."""
        width = len(self.columns)
        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = []
        for title, rows in self.sections:
            if title:
                body.append(f'<tr><td colspan="{width}" style="text-align:left">'
                            f"<b>{escape(title)}</b></td></tr>")
            for row in rows:
                cells = "".join(
                    f'<td style="text-align:{"left" if i == 0 else "right"}">{escape(c)}</td>'
                    for i, c in enumerate(row)
                )
                body.append(f"<tr>{cells}</tr>")
        notes = "".join(f"<p><small>{escape(n)}</small></p>" for n in self.notes)
        return (f'<div class="mnlogit-compare"><table><tr>{head}</tr>{"".join(body)}'
                f"</table>{notes}</div>")

    def as_latex(self) -> str:
        """LaTeX ``tabular`` with booktabs rules."""
        notes = "".join(f"\n\\par\\footnotesize {escape_latex(n)}" for n in self.notes)
        return latex_grid(self.columns, self.sections) + notes

    def as_markdown(self) -> str:
        """Markdown pipe table."""
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
) -> ComparisonTable:
    """Compare fitted models side by side.

    Parameters
    ----------
    results : fitted :class:`~mnlogit.results.MNLogitResults` (same outcome).
    names : column titles; default "(1)", "(2)", ...
    interval : ``"se"`` (standard errors in parentheses) or ``"ci"``
        (``1 - alpha`` Wald intervals in brackets).
    show_stars : mark p < 0.05, 0.01, 0.001 with *, **, ***.
    digits : decimals of the coefficient cells.
    odds_ratios : show exp(coef) with delta-method SEs or exp-transformed intervals.

    Examples
    --------
    >>> import mnlogit
    >>> df = mnlogit.datasets.load_anes96()
    >>> small = mnlogit.fit("party3 ~ age", df)
    >>> big = mnlogit.fit("party3 ~ age + income", df)
    >>> table = compare([small, big], names=["age", "age + income"])
    >>> table.columns
    ('', 'age', 'age + income')
    """
    results = list(results)
    if not results:
        raise MNLogitError("compare needs at least one fitted model")
    if names is None:
        names = [f"({i + 1})" for i in range(len(results))]
    if len(names) != len(results):
        raise MNLogitError(f"{len(names)} names for {len(results)} models")
    if interval not in ("se", "ci"):
        raise MNLogitError(f"interval must be 'se' or 'ci', got {interval!r}")
    tidies = [r.tidy(alpha).set_index(["outcome", "term"]) for r in results]
    keys = list(dict.fromkeys(k for t in tidies for k in t.index))
    outcomes = list(dict.fromkeys(o for o, _ in keys))
    sections: list[Section] = []
    for outcome in outcomes:
        rows: list[tuple[str, ...]] = []
        for term in dict.fromkeys(t for o, t in keys if o == outcome):
            estimate, spread = [str(term)], [""]
            for tidy in tidies:
                row = tidy.loc[(outcome, term)] if (outcome, term) in tidy.index else None
                est, sub = _cells(row, interval, show_stars, digits, odds_ratios)
                estimate.append(est)
                spread.append(sub)
            rows += [tuple(estimate), tuple(spread)]
        sections.append((f"{results[0].outcome_name} = {outcome}", tuple(rows)))
    sections.append(("", _statistics(results)))
    return ComparisonTable(("", *names), tuple(sections), _notes(results, interval, show_stars,
                                                              alpha, odds_ratios))


def _cells(row: Any, interval: str, show_stars: bool, digits: int, odds_ratios: bool):
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


def _statistics(results: Sequence[Any]) -> tuple[tuple[str, ...], ...]:
    stats = [r.fit_statistics() for r in results]

    def cell(value: float | None, spec: str) -> str:
        return "" if value is None else format(value, spec)  # None: a survey fit

    return (
        ("Observations", *(fmt_stat(s["nobs"]) for s in stats)),
        ("Log-likelihood", *(cell(None if s["survey"] else s["llf"], ".3f") for s in stats)),
        ("Pseudo R2", *(cell(s["prsquared"], ".4f") for s in stats)),
        ("AIC", *(cell(s["aic"], ".2f") for s in stats)),
        ("BIC", *(cell(s["bic"], ".2f") for s in stats)),
        ("Covariance", *(s["cov_type"] for s in stats)),
    )


def _notes(results, interval, show_stars, alpha, odds_ratios) -> tuple[str, ...]:
    what = "Relative-risk ratios exp(coef)" if odds_ratios else "Coefficients (log relative-risk)"
    reference = results[0].reference
    spread = ("standard errors in parentheses" if interval == "se"
              else f"{100 * (1 - alpha):g}% confidence intervals in brackets")
    notes = [f"{what} against the reference outcome {reference!r}; {spread}."]
    if show_stars:
        notes.append("* p<0.05, ** p<0.01, *** p<0.001")
    if len({r.reference for r in results}) > 1:
        notes.append("Warning: the models use different reference outcomes.")
    return tuple(notes)
