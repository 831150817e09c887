"""Buddhist Era (พ.ศ.) years: the one place where BE becomes CE.

Curators type BE years (CE + 543). Everything that needs a CE year (the API's derived
fields, RDF, overdue checks) gets it from :func:`be_to_ce`.
"""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk

BE_OFFSET = 543


def be_to_ce(be_year: int) -> int:
    return be_year - BE_OFFSET


def ce_to_be(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def current_be_year() -> int:
    return ce_to_be(datetime.date.today().year)


def be_year_range() -> tuple[int, int]:
    """The plausible BE years: from the configured minimum to a few years ahead."""
    lowest = tk.config.get("ckanext.provincialstats.years.min_be")
    ahead = tk.config.get("ckanext.provincialstats.years.max_years_ahead")
    return int(lowest), current_be_year() + int(ahead)


def coverage(first_be: int | None, last_be: int | None) -> dict[str, int | None]:
    """The derived CE fields of a time coverage typed in BE years."""
    return {
        "first_year_ce": be_to_ce(first_be) if first_be is not None else None,
        "last_year_ce": be_to_ce(last_be) if last_be is not None else None,
        "num_years": (last_be - first_be + 1)
        if first_be is not None and last_be is not None else None,
    }
