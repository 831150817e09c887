"""Column types from the values: integers, decimals (thousands separators allowed), dates
(ISO or day/month/year, Buddhist Era years converted) and timestamps; a column with one
value that fits none of them stays text.

A number with a leading zero (``01``, a province or postal code) keeps the column text,
so codes are not changed. Empty cells and a lone dash (common in Thai statistical tables
for "no data") are missing values in typed columns. A date whose year is 2400 or more is
a Buddhist Era date (พ.ศ.) and is stored as the same day in the common era (year - 543).
"""
import datetime
import re

BE_OFFSET = 543
BE_MIN_YEAR = 2400
NULLS = frozenset(("", "-", "–", "—"))

_INT = re.compile(r"[+-]?(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)")
_DEC = re.compile(
    r"[+-]?(?:(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIMESTAMP = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?")
INT8_MAX = 2 ** 63 - 1

def _year(y):
    return y - BE_OFFSET if y >= BE_MIN_YEAR else y


def parse_date(value):
    m = _ISO_DATE.fullmatch(value)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DMY_DATE.fullmatch(value)
        if not m:
            return None
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return datetime.date(_year(y), mo, d)
    except ValueError:
        return None


def parse_timestamp(value):
    m = _TIMESTAMP.fullmatch(value)
    if not m:
        date = parse_date(value)
        return datetime.datetime.combine(date, datetime.time()) if date else None
    try:
        return datetime.datetime(
            _year(int(m[1])), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0))
    except ValueError:
        return None


def _fits_int(v):
    return _INT.fullmatch(v) is not None and abs(int(v.replace(",", ""))) <= INT8_MAX


CHECKS = {
    "int8": _fits_int,
    "numeric": lambda v: _DEC.fullmatch(v) is not None,
    "date": lambda v: parse_date(v) is not None,
    "timestamp": lambda v: parse_timestamp(v) is not None,
}


class Guesser:
    """Watches the values of every column and narrows down what type each can be."""

    def __init__(self, ncols):
        self.candidates = [list(CHECKS) for _ in range(ncols)]
        self.seen = [False] * ncols

    def observe(self, row):
        for i, value in enumerate(row):
            cands = self.candidates[i]
            if not cands:
                continue
            value = value.strip()
            if value in NULLS:
                continue
            if not self.seen[i]:
                # The first value picks the family (numbers or dates); within a family
                # each type accepts every value of the ones before it, so later values
                # only ever widen the type.
                self.seen[i] = True
                self.candidates[i] = [c for c in cands if CHECKS[c](value)]
            elif not CHECKS[cands[0]](value):
                self.candidates[i] = [c for c in cands[1:] if CHECKS[c](value)]

    def types(self):
        return [c[0] if c and seen else "text"
                for c, seen in zip(self.candidates, self.seen)]


def _number(value):
    value = value.strip()
    return None if value in NULLS else value.replace(",", "")


def _date(value):
    value = value.strip()
    return None if value in NULLS else parse_date(value).isoformat()


def _timestamp(value):
    value = value.strip()
    return None if value in NULLS else parse_timestamp(value).isoformat()


def _text(value):
    return value if value != "" else None


CONVERTERS = {"int8": _number, "numeric": _number, "date": _date,
              "timestamp": _timestamp, "text": _text}


def converters(types):
    return [CONVERTERS[t] for t in types]
