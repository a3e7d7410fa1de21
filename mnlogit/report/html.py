"""HTML layout of a :class:`~mnlogit.report.summary.Summary` for notebooks."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .summary import Summary

_STYLE = (
    "<style>.mnlogit-summary td, .mnlogit-summary th {padding: 2px 8px; text-align: right}"
    " .mnlogit-summary .term {text-align: left}"
    " .mnlogit-summary .outcome {text-align: left; font-weight: bold;"
    " border-top: 1px solid #888}</style>"
)


def render_html(summary: Summary) -> str:
    """The summary as an HTML fragment: a header table and a coefficient table.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> render_html(res.summary()).count("<table")
    2
    """
    header_rows = []
    items = list(summary.header)
    half = len(items) - len(items) // 2
    for i in range(half):
        cells = []
        for label, value in [items[i]] + ([items[half + i]] if half + i < len(items) else []):
            cells.append(f'<th class="term">{escape(label)}:</th><td>{escape(value)}</td>')
        header_rows.append("<tr>" + "".join(cells) + "</tr>")
    columns = summary.blocks[0].columns
    coef_rows = ["<tr><th></th>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>"]
    for block in summary.blocks:
        span = len(columns) + 1
        coef_rows.append(
            f'<tr><td class="outcome" colspan="{span}">{escape(block.outcome)}</td></tr>'
        )
        for row in block.rows:
            coef_rows.append(
                f'<tr><td class="term">{escape(row[0])}</td>'
                + "".join(f"<td>{escape(c)}</td>" for c in row[1:])
                + "</tr>"
            )
    notes = "".join(f"<p><small>{escape(n)}</small></p>" for n in summary.notes)
    return (
        f'{_STYLE}<div class="mnlogit-summary"><h4>{escape(summary.title)}</h4>'
        f"<table>{''.join(header_rows)}</table>"
        f"<table>{''.join(coef_rows)}</table>{notes}</div>"
    )
