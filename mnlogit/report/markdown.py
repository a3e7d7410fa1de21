"""Markdown (pipe) tables: the regression summary and model-comparison tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .summary import Summary

Section = tuple[str, Sequence[Sequence[str]]]


def _cell(text: str) -> str:
    return str(text).replace("|", r"\|").replace("*", r"\*")


def markdown_grid(columns: Sequence[str], sections: Sequence[Section]) -> str:
    """A pipe table; a non-empty section title becomes a bold row.

    Examples
    --------
    >>> print(markdown_grid(["", "m1"], [("y = b", [["x", "1.0"]])]))
    |  | m1 |
    |:---|---:|
    | **y = b** | |
    | x | 1.0 |
    """
    lines = [
        "| " + " | ".join(_cell(c) for c in columns) + " |",
        "|:---|" + "---:|" * (len(columns) - 1),
    ]
    for title, rows in sections:
        if title:
            lines.append(f"| **{_cell(title)}** |" + " |" * (len(columns) - 1))
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(summary: Summary) -> str:
    """The summary as Markdown: a title, a statistics table, a coefficient table, notes.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> res.summary().as_markdown().splitlines()[0]
    '**Multinomial logit regression results**'
    """
    header = markdown_grid(["Statistic", "Value"], [("", [list(i) for i in summary.header])])
    columns = ["", *summary.blocks[0].columns]
    coefs = markdown_grid(columns, [(b.outcome, b.rows) for b in summary.blocks])
    notes = "\n".join(f"*{_cell(n)}*" for n in summary.notes)
    return f"**{summary.title}**\n\n{header}\n\n{coefs}\n\n{notes}\n"
