"""Write dates and times the way a file wrote them, and find that way from its values.

A format is a ``strftime``-like pattern. Besides ``%Y %y %m %d %H %I %M %S %p %b %B %a %A %f
%z``, it knows ``%-m``, ``%-d``, ``%-H`` and ``%-I`` (no leading zero), ``%3f`` (milliseconds)
and ``%:z`` (``+02:00``). Formatting is vectorised (one pandas operation per part), so a million
dates take well under a second, and it behaves the same on every platform (``strftime``'s
``%-d`` does not exist on Windows).
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone
from itertools import product

import numpy as np
import pandas as pd

_TOKEN = re.compile(r"%(?:-[mdHI]|:z|3f|[YymdHIMSpbBaAfz%])")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%d %H:%M:%S"

_DATES = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%B %d, %Y",
)
_TIMES = (
    "%H:%M:%S",
    "%H:%M",
    "%H:%M:%S.%f",
    "%H:%M:%S.%3f",
    "%I:%M %p",
    "%I:%M:%S %p",
    "%-H:%M",
    "%-H:%M:%S",
    "%-I:%M %p",
    "%-I:%M:%S %p",
)
_ZONE_SUFFIX = re.compile(r"(Z|[+-]\d\d:\d\d|[+-]\d{4}| UTC)$")
_SAMPLE = 500


def format_datetimes(values: pd.Series, fmt: str, zone: str | None = None) -> pd.Series:
    """``values`` (dates or times) written with ``fmt``; missing values stay missing (NaN).

    Args:
        values: a datetime64 series, naive or zoned.
        fmt: the pattern (see the module docstring).
        zone: for zoned values, the offset to write them in (``"+02:00"``, ``"UTC"``); their
            own zone when None.
    """
    dates = pd.to_datetime(values, errors="coerce")
    if getattr(dates.dtype, "tz", None) is not None and zone is not None:
        dates = dates.dt.tz_convert(zone_info(zone))
    codes, uniques = pd.factorize(dates)
    if len(uniques) < len(dates) // 2:  # dates repeat: write each once
        written = _format_all(pd.Series(uniques), fmt, zone).to_numpy()
        taken = np.where(codes >= 0, written[np.maximum(codes, 0)], np.nan)
        return pd.Series(taken, index=values.index, dtype=object)
    return _format_all(dates, fmt, zone).set_axis(values.index)


def _format_all(dates: pd.Series, fmt: str, zone: str | None) -> pd.Series:
    present = dates.notna()
    out = pd.Series("", index=dates.index, dtype=object)
    if not present.any():
        return out.where(present)
    accessor = dates.dt
    position = 0
    for match in _TOKEN.finditer(fmt):
        if match.start() > position:
            out = out + fmt[position : match.start()]
        out = out + _part(accessor, match.group(0), dates, zone)
        position = match.end()
    if position < len(fmt):
        out = out + fmt[position:]
    return out.where(present)


def _part(dt: pd.core.indexes.accessors.DatetimeProperties, token: str, dates, zone) -> pd.Series:
    def number(values: pd.Series, width: int) -> pd.Series:
        text = values.fillna(0).astype("int64").astype(str)
        return text.str.zfill(width) if width else text

    if token == "%Y":
        return number(dt.year, 4)
    if token == "%y":
        return number(dt.year % 100, 2)
    if token in ("%m", "%-m"):
        return number(dt.month, 2 if token == "%m" else 0)
    if token in ("%d", "%-d"):
        return number(dt.day, 2 if token == "%d" else 0)
    if token in ("%H", "%-H"):
        return number(dt.hour, 2 if token == "%H" else 0)
    if token in ("%I", "%-I"):
        return number((dt.hour.fillna(0) + 11) % 12 + 1, 2 if token == "%I" else 0)
    if token == "%M":
        return number(dt.minute, 2)
    if token == "%S":
        return number(dt.second, 2)
    if token == "%f":
        return number(dt.microsecond, 6)
    if token == "%3f":
        return number(dt.microsecond // 1000, 3)
    if token == "%p":
        return pd.Series(np.where(dt.hour.fillna(0) < 12, "AM", "PM"), index=dates.index)
    if token in ("%b", "%B"):
        names = [m[:3] if token == "%b" else m for m in _MONTHS]
        return dt.month.fillna(1).astype("int64").map(lambda m: names[m - 1])
    if token in ("%a", "%A"):
        names = [d[:3] if token == "%a" else d for d in _DAYS]
        return dt.dayofweek.fillna(0).astype("int64").map(lambda d: names[d])
    if token in ("%z", "%:z"):
        offset = zone_offset_text(zone or "UTC")
        return pd.Series(offset.replace(":", "") if token == "%z" else offset, index=dates.index)
    return pd.Series("%", index=dates.index)  # "%%"


def zone_info(zone: str) -> timezone:
    """A fixed-offset zone for ``"UTC"``, ``"Z"``, ``"+02:00"`` or ``"-0530"``."""
    if zone in ("UTC", "Z"):
        return UTC
    sign = -1 if zone.startswith("-") else 1
    digits = zone.lstrip("+-").replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def zone_offset_text(zone: str) -> str:
    """``"+02:00"`` for a zone written any of the ways :func:`zone_info` reads."""
    if zone in ("UTC", "Z"):
        return "+00:00"
    info = zone_info(zone)
    minutes = int(info.utcoffset(None).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def infer_datetime_format(
    raw: pd.Series, parsed: pd.Series, *, with_time: bool
) -> tuple[str, str | None] | None:
    """The pattern and zone that write ``parsed`` back exactly as ``raw``, or None.

    ``raw`` holds a file's text and ``parsed`` the dates read from it, row for row (missing
    where the text was a missing marker). Candidates are the common day, month and year orders
    and separators, with and without leading zeros, times and zones; the first that writes
    every sampled value back unchanged wins, so a day-month order is told from month-day by
    the values themselves.
    """
    pairs = pd.DataFrame({"raw": raw.astype(object), "parsed": parsed}).dropna()
    pairs = pairs[pairs["raw"].astype(str).str.strip() != ""].head(_SAMPLE)
    if pairs.empty:
        return None
    texts = pairs["raw"].astype(str)
    zone, suffix = _zone_of(texts)
    values = pd.to_datetime(pairs["parsed"])
    first = values.iloc[0]
    if getattr(values.dtype, "tz", None) is not None and zone is not None:
        first = first.tz_convert(zone_info(zone))
    for fmt in _candidates(texts.iloc[0], with_time=with_time, suffix=suffix):
        # One value in plain Python first: most candidates fail on it, cheaply.
        if _format_one(first, fmt, zone) != texts.iloc[0]:
            continue
        if (format_datetimes(values, fmt, zone) == texts).all():
            return fmt, zone
    return None


def _format_one(value: pd.Timestamp, fmt: str, zone: str | None) -> str:
    def part(token: str) -> str:
        hour12 = (value.hour + 11) % 12 + 1
        return {
            "%Y": f"{value.year:04d}",
            "%y": f"{value.year % 100:02d}",
            "%m": f"{value.month:02d}",
            "%-m": str(value.month),
            "%d": f"{value.day:02d}",
            "%-d": str(value.day),
            "%H": f"{value.hour:02d}",
            "%-H": str(value.hour),
            "%I": f"{hour12:02d}",
            "%-I": str(hour12),
            "%M": f"{value.minute:02d}",
            "%S": f"{value.second:02d}",
            "%f": f"{value.microsecond:06d}",
            "%3f": f"{value.microsecond // 1000:03d}",
            "%p": "AM" if value.hour < 12 else "PM",
            "%b": _MONTHS[value.month - 1][:3],
            "%B": _MONTHS[value.month - 1],
            "%a": _DAYS[value.dayofweek][:3],
            "%A": _DAYS[value.dayofweek],
            "%z": zone_offset_text(zone or "UTC").replace(":", ""),
            "%:z": zone_offset_text(zone or "UTC"),
        }.get(token, "%")

    return _TOKEN.sub(lambda match: part(match.group(0)), fmt)


def _zone_of(texts: pd.Series) -> tuple[str | None, str]:
    suffixes = texts.str.extract(_ZONE_SUFFIX, expand=False)
    if suffixes.isna().any():
        return None, ""
    common = suffixes.mode().iloc[0]
    if common == "Z":
        return "UTC", "Z"
    if common == " UTC":
        return "UTC", " UTC"
    if ":" in common:
        return common, "%:z"
    return common, "%z"


def _candidates(sample: str, *, with_time: bool, suffix: str) -> list[str]:
    dates = [variant for fmt in _DATES for variant in _unpadded(fmt)]
    if not with_time:
        return [d + suffix for d in dates]
    separators = ("T", " ") if "T" in sample else (" ",)
    times = [variant for fmt in _TIMES for variant in _unpadded(fmt)]
    found = [f"{d}{sep}{t}{suffix}" for d, sep, t in product(dates, separators, times)]
    # A timestamp column may hold midnight values written as bare dates by some exporters.
    return found + [d + suffix for d in dates]


def _unpadded(fmt: str) -> list[str]:
    variants = [fmt]
    for token in ("%d", "%m"):
        variants += [v.replace(token, token[0] + "-" + token[1]) for v in variants if token in v]
    return list(dict.fromkeys(variants))
