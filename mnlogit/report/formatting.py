"""Number formatting shared by the renderers."""

from __future__ import annotations

import math


def fmt_number(value: float, digits: int = 4) -> str:
    """A table cell: fixed point, or scientific for very large or tiny magnitudes.

    Examples
    --------
    >>> fmt_number(1.23456), fmt_number(1.5e-7), fmt_number(float("nan"))
    ('1.2346', '1.500e-07', '')
    """
    if value is None or not math.isfinite(value):
        return "" if value is None or math.isnan(value) else ("inf" if value > 0 else "-inf")
    magnitude = abs(value)
    if magnitude != 0 and (magnitude >= 1e6 or magnitude < 10.0 ** (-digits)):
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}f}"


def fmt_pvalue(value: float) -> str:
    """p-values to three decimals, with '<0.001' below that.

    Examples
    --------
    >>> fmt_pvalue(0.0423), fmt_pvalue(1e-9)
    ('0.042', '<0.001')
    """
    if value is None or not math.isfinite(value):
        return ""
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def fmt_stat(value: float) -> str:
    """A header statistic: counts as integers, likelihoods and criteria to three decimals.

    Fixed decimals keep the header aligned and comparable across models, whatever the
    magnitude (a log-likelihood of a million rows still shows its third decimal).

    Examples
    --------
    >>> fmt_stat(-1461.92247), fmt_stat(944.0), fmt_stat(-1.6e6 - 0.25)
    ('-1461.922', '944', '-1600000.250')
    """
    if value is None or not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e12:
        return f"{int(value)}"
    return f"{value:.3f}"


def fmt_count(value: float) -> str:
    """A count or population size with thousands separators, rounded to a whole
    number (Stata's survey header).

    Examples
    --------
    >>> fmt_count(255345910.137945), fmt_count(31)
    ('255,345,910', '31')
    """
    if value is None or not math.isfinite(value):
        return str(value)
    return f"{value:,.0f}"
