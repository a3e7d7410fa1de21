"""The regression summary: header facts and one coefficient block per outcome.

A :class:`Summary` holds already-formatted strings built from ``tidy()`` and
``fit_statistics()``; the text and HTML renderers only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .formatting import fmt_count, fmt_number, fmt_pvalue, fmt_stat
from .terms import TermSelection


@dataclass(frozen=True)
class CoefBlock:
    """The coefficient rows of one non-reference outcome."""

    outcome: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # term label, then one cell per column


@dataclass(frozen=True)
class Summary:
    """A regression table ready to render as text (``str``) or HTML (notebooks).

    Made by :meth:`mnlogit.MNLogitResults.summary` (or :meth:`from_results`); every
    cell is an already formatted string, which :meth:`as_text`, :meth:`as_html`,
    :meth:`as_latex` and :meth:`as_markdown` only lay out.

    Parameters
    ----------
    title : str
        The table's title (``"Survey: ..."`` for a fit under a survey design).
    header : tuple of (str, str)
        The fit statistics above the coefficients as (label, formatted value) pairs;
        the text and HTML layouts put the first half in the left column.
    blocks : tuple of CoefBlock
        One block of coefficient rows per non-reference outcome: its title
        (``"<outcome variable> = <outcome>"``), column headings and rows of cells.
    notes : tuple of str
        Sentences printed under the table (what the coefficients are, dropped levels
        or columns, separation, convergence).

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> s = res.summary()
    >>> s.blocks[0].outcome
    'Species = versicolor'
    >>> s.blocks[0].columns
    ('coef', 'std err', 'z', 'P>|z|', '[0.025', '0.975]')
    >>> s.header[1]
    ('Reference outcome', 'setosa')
    """

    title: str
    header: tuple[tuple[str, str], ...]
    blocks: tuple[CoefBlock, ...]
    notes: tuple[str, ...]

    @classmethod
    def from_results(
        cls,
        results: Any,
        alpha: float = 0.05,
        odds_ratios: bool = False,
        selection: TermSelection | None = None,
    ) -> Summary:
        """Build the summary of a fitted model from its tidy table and fit statistics.

        Parameters
        ----------
        results : MNLogitResults
            A fitted model.
        alpha : float, default 0.05
            1 - confidence level of the intervals.
        odds_ratios : bool, default False
            Show relative-risk ratios exp(coef), their delta-method standard errors
            and exp-transformed intervals instead of coefficients.
        selection : TermSelection, optional
            Chooses, orders and labels the coefficient rows (default: every design
            column under its own name).

        Returns
        -------
        Summary
            The formatted table.

        Examples
        --------
        >>> import mnlogit
        >>> from mnlogit.report.terms import TermSelection
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> s = Summary.from_results(res, odds_ratios=True,
        ...                          selection=TermSelection(keep=["Sepal_Length"]))
        >>> s.blocks[0].columns
        ('RRR', 'std err', 'z', 'P>|z|', '[0.025', '0.975]')
        >>> s.blocks[0].rows
        (('Sepal_Length', '123.4321', '111.9329', '5.31', '<0.001', '20.8702', '730.0119'),)
        """
        stats = results.fit_statistics()
        tidy = results.tidy(alpha)
        rows = (selection or TermSelection()).rows([results])
        position = {term: i for i, (term, _) in enumerate(rows)}
        labels = dict(rows)
        # Plain arrays and lists, not pandas selections: a summary is read at once,
        # and a few dozen Series operations cost milliseconds on a small fit.
        terms = tidy["term"].tolist()
        order = sorted(
            (i for i, term in enumerate(terms) if term in position),
            key=lambda i: position[terms[i]],
        )
        level = 100 * (1 - alpha)
        lo, hi = f"[{alpha / 2:.3g}", f"{1 - alpha / 2:.3g}]"
        # Under a survey design the tests are t tests with the design df.
        stat, prob = ("t", "P>|t|") if stats["survey"] else ("z", "P>|z|")
        if odds_ratios:
            columns = ("RRR", "std err", stat, prob, lo, hi)
            estimate = tidy["odds_ratio"].to_numpy()
            # Stata's convention: the RRR's standard error by the delta method.
            std_error = estimate * tidy["std_error"].to_numpy()
            low, high = tidy["odds_ratio_low"].to_numpy(), tidy["odds_ratio_high"].to_numpy()
        else:
            columns = ("coef", "std err", stat, prob, lo, hi)
            estimate, std_error = tidy["estimate"].to_numpy(), tidy["std_error"].to_numpy()
            low, high = tidy["conf_low"].to_numpy(), tidy["conf_high"].to_numpy()
        statistic, p_value = tidy["statistic"].to_numpy(), tidy["p_value"].to_numpy()
        flags, outcome_of = tidy["flag"].tolist(), tidy["outcome"].tolist()
        blocks = []
        for outcome in results.outcomes:
            cells = tuple(
                _row(
                    labels[terms[i]],
                    flags[i],
                    estimate[i],
                    std_error[i],
                    statistic[i],
                    p_value[i],
                    low[i],
                    high[i],
                )
                for i in order
                if outcome_of[i] == outcome
            )
            blocks.append(CoefBlock(f"{stats['outcome']} = {outcome}", columns, cells))
        survey = stats["survey"]
        return cls(
            title=("Survey: " if survey else "") + "Multinomial logit regression results",
            header=_survey_header(stats) if survey else _header(stats),
            blocks=tuple(blocks),
            notes=_notes(stats, odds_ratios, level),
        )

    def as_text(self) -> str:
        """Plain-text table (what ``str()`` and ``print`` show).

        Returns
        -------
        str
            The header of fit statistics in two columns, one block of coefficients per
            non-reference outcome, then the notes; lines of at most about 80 characters.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> print(res.summary().as_text())
                            Multinomial logit regression results
        ===========================================================================
        Dependent variable:          Species  Log-likelihood:              -91.034
        Reference outcome:            setosa  Null log-likelihood:        -164.792
        Observations:                    150  LR chi2(2):                  147.516
        Rows dropped (missing values):     0  Prob > chi2:                  <0.001
        Method:         Newton-Raphson (MLE)  Pseudo R2 (McFadden):         0.4476
        Covariance type:           nonrobust  AIC:                         190.068
        Converged:        yes (8 iterations)  BIC:                         202.110
        ===========================================================================
        Species = versicolor      coef  std err       z   P>|z|    [0.025    0.975]
        ---------------------------------------------------------------------------
        Intercept             -26.0819   4.8893   -5.33  <0.001  -35.6647  -16.4991
        Sepal_Length            4.8157   0.9068    5.31  <0.001    3.0383    6.5931
        ---------------------------------------------------------------------------
        Species = virginica       coef  std err       z   P>|z|    [0.025    0.975]
        ---------------------------------------------------------------------------
        Intercept             -38.7590   5.6907   -6.81  <0.001  -49.9125  -27.6055
        Sepal_Length            6.8464   1.0222    6.70  <0.001    4.8429    8.8499
        ===========================================================================
        Note: Coefficients are log relative-risk ratios of each outcome against the
              reference outcome 'setosa'; intervals are 95% Wald intervals.
        """
        from .text import render_text

        return render_text(self)

    def as_latex(self) -> str:
        r"""LaTeX ``tabular`` (booktabs rules) of the header and coefficient blocks.

        Returns
        -------
        str
            Two ``tabular`` environments (fit statistics, then coefficients with one
            italic heading per outcome) and the notes in ``\footnotesize``; needs
            ``\usepackage{booktabs}``.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> print(res.summary().as_latex())
        % Multinomial logit regression results
        \begin{tabular}{ll}
        \toprule
        Statistic & Value \\
        \midrule
        Dependent variable & Species \\
        ...
        \multicolumn{7}{l}{\textit{Species = versicolor}} \\
        Intercept & -26.0819 & 4.8893 & -5.33 & \textless{}0.001 & -35.6647 & -16.4991 \\
        ...
        """
        from .latex import render_latex

        return render_latex(self)

    def as_markdown(self) -> str:
        """Markdown (pipe) tables of the header and coefficient blocks.

        Returns
        -------
        str
            A bold title, a table of fit statistics, a table of coefficients with one
            bold heading row per outcome, and the notes in italics.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> print(res.summary().as_markdown())
        **Multinomial logit regression results**
        <BLANKLINE>
        | Statistic | Value |
        |:---|---:|
        | Dependent variable | Species |
        ...
        | **Species = versicolor** | | | | | | |
        | Intercept | -26.0819 | 4.8893 | -5.33 | <0.001 | -35.6647 | -16.4991 |
        ...
        """
        from .markdown import render_markdown

        return render_markdown(self)

    def as_html(self) -> str:
        """HTML table (what notebooks show).

        Returns
        -------
        str
            A ``<div class="mnlogit-summary">`` with its own small style sheet, holding
            a title, a table of fit statistics and a table of coefficients.

        Examples
        --------
        >>> import mnlogit
        >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
        >>> html = res.summary().as_html()
        >>> html.count("<table>"), "<h4>Multinomial logit regression results</h4>" in html
        (2, True)
        """
        from .html import render_html

        return render_html(self)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


def _row(term: str, flag: str, *values: float) -> tuple[str, ...]:
    """Formatted cells of one coefficient; aliased and separated ones are marked."""
    est, se, z, p, low, high = values
    if flag == "aliased":
        return (str(term), "(aliased)", "", "", "", "", "")
    if flag == "separated":
        # The Wald test of a diverging estimate is meaningless: do not print one.
        return (f"{term} (sep.)", fmt_number(est), fmt_number(se), "n/a", "n/a", "", "")
    z_cell = f"{z:.2f}" if pd.notna(z) else ""
    cells = (fmt_number(est), fmt_number(se), z_cell, fmt_pvalue(p))
    return (str(term), *cells, fmt_number(low), fmt_number(high))


def _header(stats: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    converged = "yes" if stats["converged"] else "NO"
    nobs_label = "Observations (sum of weights)" if stats["weighted"] else "Observations"
    items = [
        ("Dependent variable", str(stats["outcome"])),
        ("Reference outcome", str(stats["reference"])),
        (nobs_label, fmt_stat(stats["nobs"])),
        ("Rows dropped (missing values)", str(stats["n_dropped"])),
        ("Method", stats["method"]),
        ("Covariance type", cov_label(stats)),
        *([("Small-sample factor", stats["cov_correction"])] if stats["cov_correction"] else []),
        ("Converged", f"{converged} ({stats['iterations']} iterations)"),
        ("Log-likelihood", fmt_stat(stats["llf"])),
        ("Null log-likelihood", fmt_stat(stats["llnull"])),
        (f"LR chi2({stats['llr_df']})", fmt_stat(stats["llr"])),
        ("Prob > chi2", fmt_pvalue(stats["llr_pvalue"])),
        ("Pseudo R2 (McFadden)", f"{stats['prsquared']:.4f}"),
        ("AIC", fmt_stat(stats["aic"])),
        ("BIC", fmt_stat(stats["bic"])),
    ]
    return tuple(items)


def _survey_header(stats: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Stata's ``svy`` header: the design on the left; observations, population size,
    design df and the model F test on the right."""
    survey = stats["survey"]
    converged = "yes" if stats["converged"] else "NO"
    left = [
        ("Dependent variable", str(stats["outcome"])),
        ("Reference outcome", str(stats["reference"])),
        ("Number of strata", fmt_count(survey["n_strata"])),
        ("Number of PSUs", fmt_count(survey["n_psu"])),
        ("Variance type", "Linearized"),
        ("Converged", f"{converged} ({stats['iterations']} iterations)"),
    ]
    right = [
        ("Number of obs", fmt_count(survey["n_design_rows"])),
        ("Population size", fmt_count(survey["population_size"])),
    ]
    if survey["subpop_nobs"] is not None:
        if survey["subpop"] is not None:
            left.append(("Subpopulation", str(survey["subpop"])))
        else:
            left.append(("Rows with missing values", fmt_count(stats["n_dropped"])))
        right += [
            ("Subpop. no. obs", fmt_count(survey["subpop_nobs"])),
            ("Subpop. size", fmt_count(survey["subpop_size"])),
        ]
    right.append(("Design df", str(survey["design_df"])))
    test = survey["model_test"]
    if test is None:  # no slopes, or more of them than design degrees of freedom
        right += [("F test of the slopes", "n/a"), ("Prob > F", "n/a")]
    else:
        right += [
            (f"F({test.df}, {test.df_denom:g})", f"{test.statistic:.2f}"),
            ("Prob > F", fmt_pvalue(test.pvalue)),
        ]
    # The text and HTML layouts put the first half of the items on the left.
    return tuple(left + right)


def _survey_notes(stats: dict[str, Any]) -> list[str]:
    """The design in words, and what the fit did with lonely PSUs and missing rows."""
    survey = stats["survey"]
    names = survey["design_names"]
    parts = [f"sampling weights {names['weights']}" if "weights" in names else "no weights"]
    parts.append(f"strata {names['strata']}" if "strata" in names else "one stratum")
    parts.append(f"PSUs {names['psu']}" if "psu" in names else "each row its own PSU")
    parts.append(f"fpc {names['fpc']}" if "fpc" in names else "with replacement (no fpc)")
    notes = [
        "Survey design: " + ", ".join(parts) + ". Estimates by weighted (pseudo-) maximum "
        "likelihood, standard errors by Taylor linearization; t tests and intervals with "
        f"{survey['design_df']} design degrees of freedom."
    ]
    if survey["n_single_psu_strata"]:
        notes.append(
            f"{survey['n_single_psu_strata']} stratum(s) with a single PSU, treated as "
            f"single_psu={survey['single_psu']!r}."
        )
    if survey["subpop"] is not None:
        notes.append(
            f"Subpopulation {survey['subpop']!r}: the rest of the design has zero scores "
            "but still counts in the variance."
        )
    if stats["n_dropped"]:
        notes.append(
            f"{stats['n_dropped']} row(s) with missing values stay in the design outside the "
            "estimation domain (as R's svyglm; Stata's svy drops them)."
        )
    return notes


def cov_label(stats: dict[str, Any]) -> str:
    """The covariance type; ``cluster`` with the clustering variable and the number
    of clusters.

    Examples
    --------
    >>> cov_label({"cov_type": "cluster", "cluster_var": "school", "n_clusters": 20})
    'cluster: school (G=20)'
    """
    if stats["cov_type"] != "cluster":
        return stats["cov_type"]
    return f"cluster: {stats['cluster_var']} (G={stats['n_clusters']})"


def _notes(stats: dict[str, Any], odds_ratios: bool, level: float) -> tuple[str, ...]:
    what = "relative-risk ratios exp(coef)" if odds_ratios else "log relative-risk ratios"
    kind = "t" if stats["survey"] else "Wald"
    notes = [
        f"Coefficients are {what} of each outcome against the reference "
        f"outcome {stats['reference']!r}; intervals are {level:g}% {kind} intervals."
    ]
    if stats["survey"]:
        notes += _survey_notes(stats)
    if stats["dropped_levels"]:
        dropped = ", ".join(map(repr, stats["dropped_levels"]))
        notes.append(f"Outcome level(s) {dropped} have no rows in the data used and were left out.")
    if stats["aliased"]:
        dropped = ", ".join(map(repr, stats["aliased"]))
        notes.append(f"Aliased design column(s) {dropped} were dropped (perfectly collinear).")
    if stats["separation"]:
        notes.append(
            "WARNING (sep.): " + stats["separation"][0].upper() + stats["separation"][1:] + "."
        )
    elif not stats["converged"]:
        notes.append("The fit did NOT converge: estimates and standard errors are unreliable.")
    return tuple(notes)
