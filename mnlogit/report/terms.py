"""Which coefficient rows a table shows, in which order, under which labels.

``keep``, ``drop`` and ``order`` take design-column names (``"C(ses)[T.low]"``),
formula terms (``"C(ses)"``: all its columns) or data variables (``"ses"``: every
column of every term built from it, interactions included), as Wald tests do;
``rename`` maps a design column to its label, or a term to a label that replaces the
term's name at the start of each of its columns (``{"C(ses)": "SES"}`` shows
``SES[T.low]``). Like Stata's ``esttab``,
``keep`` and ``drop`` select and ``order`` moves the listed rows first; an entry
that matches nothing, a term both kept and dropped, or two rows renamed alike is an
error naming the entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..exceptions import MNLogitError


@dataclass(frozen=True)
class TermSelection:
    """The ``rename`` / ``keep`` / ``drop`` / ``order`` options of a table.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ age + income", mnlogit.datasets.load_anes96())
    >>> TermSelection(rename={"Intercept": "Constant"}, order=["income"]).rows([res])
    [('income', 'income'), ('Intercept', 'Constant'), ('age', 'age')]
    """

    rename: Mapping[str, str] | None = None
    keep: Sequence[str] | None = None
    drop: Sequence[str] | None = None
    order: Sequence[str] | None = None

    def rows(self, results: Sequence[Any]) -> list[tuple[str, str]]:
        """(design column, label) of each row to show, in order, for these models."""
        columns = list(dict.fromkeys(c for r in results for c in r.model_frame.table_names))
        terms = term_columns(results)
        shown = columns
        kept = _expand(self.keep, "keep", columns, terms)
        dropped = _expand(self.drop, "drop", columns, terms)
        if kept is not None:
            if dropped is not None:
                both = [entry for entry, cols in kept.items() if set(cols) & _union(dropped)]
                if both:
                    raise MNLogitError(
                        f"{', '.join(map(repr, both))} both kept and dropped; give keep or "
                        "drop, or lists without common entries"
                    )
            shown = [c for c in columns if c in _union(kept)]
        if dropped is not None:
            shown = [c for c in shown if c not in _union(dropped)]
        ordered = _expand(self.order, "order", columns, terms)
        if ordered is not None:
            first = [c for c in dict.fromkeys(_flatten(ordered)) if c in shown]
            shown = first + [c for c in shown if c not in first]
        labels = _labels(self.rename, columns, term_columns(results, variables=False))
        pairs = [(c, labels.get(c, c)) for c in shown]
        seen: dict[str, str] = {}
        for column, label in pairs:
            if label in seen:
                raise MNLogitError(
                    f"rename gives {seen[label]!r} and {column!r} the same label {label!r}"
                )
            seen[label] = column
        return pairs


def term_columns(results: Sequence[Any], variables: bool = True) -> dict[str, list[str]]:
    """Formula terms (and, with ``variables``, data variables), each with the design
    columns it owns, over all models; a variable owns every column of every term built
    from it, and a term's name wins over a variable's.

    Examples
    --------
    >>> import mnlogit
    >>> res = mnlogit.fit("party3 ~ C(vote) * income", mnlogit.datasets.load_anes96())
    >>> term_columns([res])["vote"]
    ['C(vote)[T.1]', 'C(vote)[T.1]:income']
    >>> "vote" in term_columns([res], variables=False)
    False
    """
    found: dict[str, list[str]] = {}
    for res in results:
        spec = res.model_frame.spec
        if spec is None:
            continue
        table = list(res.model_frame.table_names)
        for name in (*spec.term_names, *(spec.variables if variables else ())):
            if name in spec.term_names:
                positions = spec.term_columns(name)
            else:
                positions = spec.variable_columns(name)
            columns = found.setdefault(name, [])
            columns += [table[j] for j in positions if table[j] not in columns]
    return found


def _expand(
    entries: Sequence[str] | None,
    option: str,
    columns: list[str],
    terms: dict[str, list[str]],
    kinds: str = "term, variable or design column",
) -> dict[str, list[str]] | None:
    """Each entry's design columns; an entry matching no column or term is an error."""
    if entries is None:
        return None
    if isinstance(entries, str):
        entries = [entries]
    expanded = {}
    for entry in entries:
        if entry in columns:
            expanded[entry] = [entry]
        elif entry in terms:
            expanded[entry] = terms[entry]
        else:
            known = ", ".join(map(repr, dict.fromkeys(list(terms) + columns)))
            raise MNLogitError(
                f"{option} entry {entry!r} matches no {kinds} of the model(s) ({known})"
            )
    return expanded


def _labels(
    rename: Mapping[str, str] | None, columns: list[str], terms: dict[str, list[str]]
) -> dict[str, str]:
    """Label of each renamed design column; a column's own entry beats its term's."""
    if not rename:
        return {}
    owned = _expand(list(rename), "rename", columns, terms, "term or design column") or {}
    labels: dict[str, str] = {}
    for key in sorted(owned, key=lambda key: key in columns):
        new = str(rename[key])
        for column in owned[key]:
            labels[column] = new + column[len(key) :] if column.startswith(key) else new
    return labels


def _union(expanded: dict[str, list[str]]) -> set[str]:
    return set(_flatten(expanded))


def _flatten(expanded: dict[str, list[str]]) -> list[str]:
    return [c for cols in expanded.values() for c in cols]
