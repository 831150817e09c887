"""Solr date values: ISO 8601 instants, ``NOW``, and date math (``NOW-1DAY/DAY``)."""
from __future__ import annotations

import datetime
import re

from ckan.lib.search.common import SearchQueryError
from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from .translate import _

_UNITS = {
    "YEAR": "years", "MONTH": "months", "DAY": "days", "DATE": "days",
    "HOUR": "hours", "MINUTE": "minutes", "SECOND": "seconds",
    "MILLI": "microseconds", "MILLISECOND": "microseconds",
}
_MATH = re.compile(r"([+-])(\d+)([A-Z]+?)S?(?=$|[+\-/])|/([A-Z]+?)S?(?=$|[+\-/])")
_ANCHOR = re.compile(r"^(NOW|\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+)?(?:Z|[+-]\d{2}:?\d{2})?Z?)(.*)$")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


MAX_DATE_TEXT = 200


def parse(value: str) -> datetime.datetime:
    """A naive UTC datetime for a Solr date value; SearchQueryError if it is not one,
    or if the date math leaves the years 1 to 9999."""
    if not isinstance(value, str) or len(value) > MAX_DATE_TEXT:
        raise SearchQueryError(_("invalid date %(value)r") % {
            "value": value if isinstance(value, str) and len(value) < 50 else "..."})
    try:
        return _parse(value)
    except (OverflowError, ValueError):
        raise SearchQueryError(_("date %(value)r is out of range (years 1 to 9999)")
                               % {"value": value})


def _parse(value: str) -> datetime.datetime:
    text = value.strip().upper()
    m = _ANCHOR.match(text)
    if not m:
        raise SearchQueryError(_("invalid date %(value)r (expected ISO 8601 such as "
                                 "2024-01-31T00:00:00Z, or NOW with date math)")
                               % {"value": value})
    anchor, math = m.group(1), m.group(2)
    when = utcnow() if anchor == "NOW" else _parse_instant(anchor, value)
    position = 0
    for op in _MATH.finditer(math):
        if op.start() != position:
            break
        position = op.end()
        if op.group(4):
            when = _round_down(when, _unit(op.group(4), value))
        else:
            if len(op.group(2)) > 9:
                raise SearchQueryError(_("date math amount %(amount)r is too large in "
                                         "%(value)r") % {"amount": op.group(2), "value": value})
            amount = int(op.group(2)) * (1 if op.group(1) == "+" else -1)
            unit = _unit(op.group(3), value)
            if unit == "microseconds":
                amount *= 1000
            when = when + relativedelta(**{unit: amount})
    if position != len(math):
        raise SearchQueryError(_("unsupported date math %(math)r in %(value)r")
                               % {"math": math[position:], "value": value})
    return when


def _parse_instant(text: str, original: str) -> datetime.datetime:
    # ckanext-dcat appends "Z" to an isoformat() that may already carry an offset.
    if re.search(r"[+-]\d{2}:?\d{2}Z$", text):
        text = text[:-1]
    try:
        when = dateutil_parser.isoparse(text)
    except (ValueError, OverflowError):
        raise SearchQueryError(_("invalid date %(value)r") % {"value": original})
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return when


def _unit(name: str, original: str) -> str:
    unit = _UNITS.get(name)
    if unit is None:
        raise SearchQueryError(_("unknown date math unit %(unit)r in %(value)r")
                               % {"unit": name, "value": original})
    return unit


def _round_down(when: datetime.datetime, unit: str) -> datetime.datetime:
    fields = ["years", "months", "days", "hours", "minutes", "seconds", "microseconds"]
    keep = fields.index(unit)
    reset = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
    names = ["year", "month", "day", "hour", "minute", "second", "microsecond"]
    return when.replace(**{n: reset[n] for n in names[keep + 1:]})


def iso_seconds(when: datetime.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS``: the first 19 characters of a Solr date as the index
    stores it (``index.solr_date``), which sort and compare as the instants do."""
    return "%04d-%02d-%02dT%02d:%02d:%02d" % (when.year, when.month, when.day, when.hour,
                                               when.minute, when.second)
