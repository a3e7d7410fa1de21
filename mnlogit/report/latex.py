"""LaTeX tables (booktabs): the regression summary and model-comparison tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .summary import Summary

Section = tuple[str, Sequence[Sequence[str]]]
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\^{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def escape_latex(text: str) -> str:
    """Escape the characters LaTeX treats specially.

    Examples
    --------
    >>> escape_latex("C(ses)[T.low] & 5%")
    'C(ses)[T.low] \\\\& 5\\\\%'
    """
    return "".join(_SPECIAL.get(ch, ch) for ch in str(text))


def latex_grid(columns: Sequence[str], sections: Sequence[Section]) -> str:
    """A ``tabular``: a header row of ``columns`` (the first labels the row names) and
    sections, each introduced by an italic title row spanning the table when non-empty.

    Examples
    --------
    >>> print(latex_grid(["", "m1"], [("", [["x", "1.0"]])]))
    \\begin{tabular}{lr}
    \\toprule
     & m1 \\\\
    \\midrule
    x & 1.0 \\\\
    \\bottomrule
    \\end{tabular}
    """
    width = len(columns)
    lines = [
        r"\begin{tabular}{l" + "r" * (width - 1) + "}",
        r"\toprule",
        " & ".join(escape_latex(c) for c in columns) + r" \\",
    ]
    for title, rows in sections:
        lines.append(r"\midrule")
        if title:
            lines.append(rf"\multicolumn{{{width}}}{{l}}{{\textit{{{escape_latex(title)}}}}} \\")
        lines += [" & ".join(escape_latex(c) for c in row) + r" \\" for row in rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def render_latex(summary: Summary) -> str:
    """The summary as two LaTeX tabulars (fit statistics, coefficients) and notes.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> res.summary().as_latex().count(r"\\begin{tabular}")
    2
    """
    header = latex_grid(["Statistic", "Value"], [("", [list(item) for item in summary.header])])
    header = header.replace(r"\begin{tabular}{lr}", r"\begin{tabular}{ll}")
    columns = ["", *summary.blocks[0].columns]
    coefs = latex_grid(columns, [(b.outcome, b.rows) for b in summary.blocks])
    notes = "\n".join(rf"\par\footnotesize {escape_latex(n)}" for n in summary.notes)
    return f"% {escape_latex(summary.title)}\n{header}\n\n{coefs}\n{notes}\n"
