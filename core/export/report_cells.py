"""The cells of the HTML report: every value it shows passes through these.

Text is HTML-escaped (:func:`escape`), scores read with three decimals, shares as percentages,
missing or NaN values as "n/a", snake_case keys as words, and a score's range with ∞ for an
open end. :func:`key_value_table` lays facts out as a two-column table.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

from core.evaluate.sdmetrics import Score


def key_value_table(values: dict[str, Any]) -> str:
    """Facts as a two-column table, keys as words; a line saying so when there are none."""
    if not values:
        return "<p>Nothing recorded.</p>"
    rows = "".join(
        f"<tr><th>{escape(pretty(k))}</th><td>{escape(as_text(v))}</td></tr>"
        for k, v in values.items()
    )
    return f"<table>{rows}</table>"


def pretty(name: Any) -> str:
    """A snake_case key as words (``row_count``: "Row count"); other names as they are."""
    text = str(name)
    return text.replace("_", " ").capitalize() if re.fullmatch(r"[a-z0-9_]+", text) else text


def as_text(value: Any) -> str:
    """Any stored value as plain text: floats to four digits, lists and dicts joined."""
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.4g}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {as_text(v)}" for k, v in value.items())
    return "n/a" if value is None else str(value)


def fmt_share(value: Any) -> str:
    """A fraction as a percentage with one decimal, "n/a" for None."""
    return "n/a" if value is None else f"{float(value):.1%}"


def fmt_range(low: float | None, high: float | None) -> str:
    """A score's range, e.g. "0 to 1", with −∞ or ∞ for an open end."""
    return f"{_bound(low, '−∞')} to {_bound(high, '∞')}"


def _bound(value: float | None, unbounded: str) -> str:
    if value is None or math.isinf(value):
        return unbounded
    return f"{value:g}"


def as_number(value: Any) -> float | None:
    """A stored number or a :class:`Score`'s value as a float, None for None."""
    if isinstance(value, Score):
        return value.value
    return None if value is None else float(value)


def fmt_score(value: float | None) -> str:
    """A score with three decimals, "n/a" when missing or NaN."""
    return f"{value:.3f}" if is_present(value) else "n/a"


def is_present(value: float | None) -> bool:
    """Whether a number was measured: neither None nor NaN."""
    return value is not None and not math.isnan(value)


def escape(text: Any) -> str:
    """Any value as HTML-escaped text, quotes included."""
    return html.escape(str(text), quote=True)
