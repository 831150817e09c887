"""Conversions of values: typed numbers (Thai digits accepted) and plan periods to
integers on the way in; stored JSON lists and numbers back to lists and ints on the way
out (the ``output_validators`` of the schemas)."""
from __future__ import annotations

import json
import re
from typing import Any

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def ascii_digits(text: str) -> str:
    """Thai digits (๐-๙) as ASCII digits; everything else unchanged."""
    return text.translate(THAI_DIGITS)


def to_int(value: Any) -> int | None:
    """``"๒๕๖๖"``, ``" 2566 "`` -> 2566 (any script's decimal digits); anything that is
    not a whole number -> None."""
    text = ascii_digits(str(value).strip())
    if not re.fullmatch(r"-?\d+", text):
        return None
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        return None


def plan_period_years(value: Any) -> tuple[int, int] | None:
    """``"2566-2570"`` (en or em dash, spaces, Thai digits) -> (2566, 2570); the two
    numbers as typed, not checked as years; None if it is not two numbers."""
    parts = re.split(r"\s*[-–—]\s*", str(value).strip())
    if len(parts) != 2:
        return None
    first, last = to_int(parts[0]), to_int(parts[1])
    if first is None or last is None:
        return None
    return first, last


def provincialstats_json_list_output(value):
    """Stored JSON list -> list (also accepts a list already)."""
    if isinstance(value, list):
        return value
    try:
        loaded = json.loads(value)
    except (TypeError, ValueError):
        return value
    return loaded if isinstance(loaded, list) else value


def provincialstats_int_output(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value
