"""Plain-text layout of a :class:`~mnlogit.report.summary.Summary`."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .summary import Summary


def render_text(summary: Summary) -> str:
    """The summary as a fixed-width table: header in two columns, one block per outcome.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("Species ~ Sepal_Length", mnlogit.datasets.load_iris())
    >>> print(render_text(res.summary()).splitlines()[0].strip())
    Multinomial logit regression results
    """
    term_width = max(
        [len(block.outcome) for block in summary.blocks]
        + [len(row[0]) for block in summary.blocks for row in block.rows]
        + [12]
    )
    cell_widths = [
        max(
            [len(c) for block in summary.blocks for c in block.columns[i : i + 1]]
            + [len(row[i + 1]) for block in summary.blocks for row in block.rows]
            + [6]
        )
        for i in range(len(summary.blocks[0].columns))
    ]
    width = term_width + sum(w + 2 for w in cell_widths)
    half = len(summary.header) - len(summary.header) // 2
    left, right = summary.header[:half], summary.header[half:]
    col = (width - 2) // 2
    lines = [summary.title.center(width).rstrip(), "=" * width]
    for i in range(half):
        left_cell = _pair(left[i], col)
        right_cell = _pair(right[i], col) if i < len(right) else ""
        lines.append(f"{left_cell}  {right_cell}".rstrip())
    lines.append("=" * width)
    for b, block in enumerate(summary.blocks):
        head = block.outcome.ljust(term_width) + "".join(
            c.rjust(w + 2) for c, w in zip(block.columns, cell_widths, strict=True)
        )
        lines += [head, "-" * width]
        for row in block.rows:
            lines.append(
                row[0].ljust(term_width)
                + "".join(c.rjust(w + 2) for c, w in zip(row[1:], cell_widths, strict=True))
            )
        lines.append("=" * width if b == len(summary.blocks) - 1 else "-" * width)
    for note in summary.notes:
        lines += textwrap.wrap(note, width, initial_indent="Note: ", subsequent_indent="      ")
    return "\n".join(lines)


def _pair(item: tuple[str, str], width: int) -> str:
    label, value = item
    gap = max(1, width - len(label) - len(value) - 1)
    return f"{label}:{' ' * gap}{value}"
