"""Multi-valued dataset fields (province codes, strategic issues, sector) in the index.

A dataset's ``province`` may be a list (``["TH-22", "TH-50"]``), a JSON-encoded list
(extras, some schemas) or one value.  Stock CKAN's Solr schema indexes an unknown field
as a single-valued string, so a list there is an indexing error; its ``vocab_*`` dynamic
field is multi-valued.  So, for every field listed in
``ckanext.provincialstats.search.multivalued_fields`` or registered by another
plugin with :func:`register_multivalued_fields`:

- index time: the values become a list under ``vocab_<field>`` in both backends; with
  PostgreSQL they also stay under ``<field>`` (the table takes lists anywhere), with Solr
  ``<field>`` is dropped;
- query time with Solr: ``<field>:`` in ``q``/``fq`` and ``facet.field`` is rewritten to
  ``vocab_<field>``, and the facets come back under the name that was asked for.

So ``fq=province:TH-22`` and ``facet.field=["province"]`` work the same on both backends.
"""
from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins.toolkit as tk

from .backend import BACKEND_OPTION

FIELDS_OPTION = "ckanext.provincialstats.search.multivalued_fields"

# Fields other plugins register (the provincial plugin: province, strategic_issue,
# stat_sector); the option adds a site's own.
_registered: list[str] = []


def register_multivalued_fields(fields: list[str]) -> None:
    """Index ``fields`` as multi-valued (called by other plugins at load time)."""
    for field in fields:
        if field not in _registered:
            _registered.append(field)


def _fields() -> list[str]:
    configured = tk.config.get(FIELDS_OPTION) or []
    if isinstance(configured, str):
        configured = configured.split()
    return list(dict.fromkeys(list(_registered) + list(configured)))


def _solr() -> bool:
    return tk.config.get(BACKEND_OPTION) == "solr"


def values(value: Any) -> list[str]:
    """The list of values of a field that may be a list, a JSON list or one value."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return [text]
        else:
            return [text] if text else []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    solr = _solr()
    for field in _fields():
        if field not in pkg_dict:
            continue
        found = values(pkg_dict[field])
        pkg_dict["vocab_" + field] = found
        if solr:
            pkg_dict.pop(field)
            pkg_dict.pop("extras_" + field, None)
        else:
            pkg_dict[field] = found
    return pkg_dict


def _field_pattern(fields: list[str]) -> re.Pattern:
    names = "|".join(re.escape(f) for f in sorted(fields, key=len, reverse=True))
    return re.compile(r'(?<![\w.\\])(%s)(?=\s*:)' % names)


def rewrite_query(text: Any, fields: list[str]) -> Any:
    """``province:TH-22`` -> ``vocab_province:TH-22`` outside quoted phrases."""
    if not isinstance(text, str) or not fields:
        return text
    pattern = _field_pattern(fields)
    out, quoted = [], False
    for part in re.split(r'((?<!\\)")', text):
        if part == '"':
            quoted = not quoted
            out.append(part)
        else:
            out.append(part if quoted else pattern.sub(r"vocab_\1", part))
    return "".join(out)


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    if not _solr():
        return search_params
    fields = _fields()
    for key in ("q", "fq"):
        if key in search_params:
            search_params[key] = rewrite_query(search_params[key], fields)
    if "fq_list" in search_params:
        search_params["fq_list"] = [rewrite_query(f, fields)
                                    for f in search_params["fq_list"]]
    facet_fields = search_params.get("facet.field")
    if isinstance(facet_fields, str):
        try:
            facet_fields = json.loads(facet_fields)
        except ValueError:
            facet_fields = [facet_fields]
    if facet_fields:
        search_params["facet.field"] = [
            "vocab_" + f if f in fields else f for f in facet_fields]
    return search_params


def after_dataset_search(results: dict[str, Any], search_params: dict[str, Any]) -> dict:
    if not _solr():
        return results
    for field in _fields():
        for key in ("facets", "search_facets"):
            facets = results.get(key) or {}
            if "vocab_" + field in facets:
                facets[field] = facets.pop("vocab_" + field)
                if key == "search_facets":
                    facets[field]["title"] = field
    return results
