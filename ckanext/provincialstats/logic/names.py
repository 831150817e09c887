"""URL names the extension generates (strategic issues; datasets from their title).

CKAN's names are ASCII: lowercase ``a-z``, ``0-9``, ``-`` and ``_``, 2 to 100
characters (``name_validator``). Generated names are built only from ASCII parts:
numbers typed in Thai digits (๒๕๖๖) are read as numbers and written with ASCII digits,
and a name that would still break CKAN's rules is not generated at all (the ``name``
field then reports it as missing, like an empty name typed in the form).
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic.converters import plan_period_years, to_int
from ckanext.provincialstats.logic.validation import is_empty, missing


def is_valid_name(name: str) -> bool:
    """Whether CKAN's ``name_validator`` accepts ``name``."""
    try:
        tk.get_validator("name_validator")(name, {})
    except tk.Invalid:
        return False
    return True


def strategic_issue_name(province_code: Any, plan_period: Any,
                         issue_number: Any) -> str | None:
    """``<province slug>-<first year>-<last year>-<number>``, e.g.
    ``chanthaburi-2566-2570-1``, from the values as typed (``TH-22`` or ``22``,
    ``๒๕๖๖-๒๕๗๐``, ``๑``); None when they do not make a valid name."""
    if is_empty(province_code) or is_empty(plan_period) or is_empty(issue_number):
        return None
    province = vocab.province(province_code)
    period = plan_period_years(plan_period)
    number = to_int(issue_number)
    if province is None or period is None or number is None:
        return None
    if min(*period, number) < 1:
        return None
    name = "%s-%d-%d-%d" % (province["slug"], period[0], period[1], number)
    return name if is_valid_name(name) else None


def provincialstats_strategic_issue_name(key, data, errors, context):
    """An empty ``name`` of a strategic issue becomes its generated name
    (:func:`strategic_issue_name`)."""
    if not is_empty(data.get(("name",), missing)):
        return
    name = strategic_issue_name(data.get(("province",), missing),
                                data.get(("plan_period",), missing),
                                data.get(("issue_number",), missing))
    if name:
        data[("name",)] = name


# -- dataset names from Thai titles ---------------------------------------------------

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_MAX_NAME = 100
_MAX_TITLE = 500  # characters of a title read for its name (segmentation cost)


def romanise(text: str) -> str:
    """``text`` in ASCII words: Thai words romanised offline with PyThaiNLP's ``royin``
    engine (Royal Institute system: ทุเรียน -> thurian), other words kept, lower case,
    joined by ``-``; only ``a-z``, ``0-9`` and ``-`` remain."""
    from pythainlp.tokenize import word_tokenize
    from pythainlp.transliterate import romanize

    words = []
    text = str(text or "")[:_MAX_TITLE].translate(_THAI_DIGITS)
    for word in word_tokenize(text, engine="newmm", keep_whitespace=False):
        if re.search(r"[\u0e01-\u0e4e]", word):
            word = romanize(word, engine="royin")
        word = re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")
        if word:
            words.append(word)
    return re.sub(r"-{2,}", "-", "-".join(words))


def _shorten(name: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a ``-`` when there is one."""
    if len(name) <= limit:
        return name
    cut = name[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut[limit // 2:] else cut


def _taken(name: str, own_id: str | None) -> bool:
    from ckan import model
    package = model.Package.get(name)
    return package is not None and package.id != own_id


def dataset_name(title: Any, own_id: str | None = None) -> str | None:
    """A free dataset URL name for ``title`` (``-2``, ``-3``... added when taken by
    another dataset); None when the title gives no valid name."""
    if is_empty(title):
        return None
    base = _shorten(romanise(str(title)), _MAX_NAME - 4)
    if not is_valid_name(base):
        return None
    name, number = base, 1
    while _taken(name, own_id) and number < 1000:
        number += 1
        name = "%s-%d" % (base, number)
    return name if is_valid_name(name) else None


def provincialstats_dataset_name(key, data, errors, context):
    """A new dataset without a ``name`` gets one from its title (:func:`dataset_name`);
    an existing dataset keeps its name."""
    if not is_empty(data.get(key, missing)):
        return
    if context.get("package") is not None or not is_empty(data.get(("id",), missing)):
        return
    name = dataset_name(data.get(("title",), missing))
    if name:
        data[key] = name


@tk.side_effect_free
def provincialstats_name_suggest(context, data_dict):
    """The URL name the form proposes for a dataset title: Thai romanised offline
    (PyThaiNLP ``royin``), free in the catalogue. A dataset created without a name
    gets the same.

    :param title: the dataset title, e.g. ``สถิติการผลิตทุเรียน``
    :type title: string
    :param id: the id of the dataset being edited, whose own name counts as free
        (optional)
    :type id: string
    :returns: ``{"name": "sathiti-kanplit-thurian", "romanised": ...}``; name is null
        when the title gives none
    :rtype: dictionary
    """
    tk.check_access("provincialstats_name_suggest", context, data_dict)
    title = data_dict.get("title")
    if not isinstance(title, str):
        raise tk.ValidationError({"title": [tk._("Missing value")]})
    own_id = data_dict.get("id") if isinstance(data_dict.get("id"), str) else None
    return {"name": dataset_name(title, own_id), "romanised": romanise(title)}
