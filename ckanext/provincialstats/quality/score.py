"""The quality score of a dataset.

Five dimensions of the data.europa.eu Metadata Quality Assessment (MQA, 405 points;
https://data.europa.eu/mqa/methodology), read from the CKAN dataset dict as this
catalogue publishes it in DCAT, plus a sixth, ``provincial``, that is reported on its own
(``in_total`` false: it is not part of the 405):

=================  ==============================================  ======
dimension          check (MQA indicator)                           points
=================  ==============================================  ======
findability        keywords (dcat:keyword: tags)                   30
                   categories (dcat:theme: statistical sector,
                   strategic issues or groups)                     30
                   spatial (dct:spatial: province or bounding box)  20
                   temporal (dct:temporal: years of data or
                   reference period)                               20
accessibility      access URL accessible (HTTP 2xx/3xx)            50
                   download URL present                            20
                   download URL accessible                         30
interoperability   format                                          20
                   media type                                      10
                   format from a vocabulary                        10
                   non-proprietary format                          20
                   machine-readable format                         20
                   DCAT-AP compliance (see below)                  30
reusability        licence                                         20
                   licence from a vocabulary                       10
                   access restrictions (dct:accessRights)          10
                   access restrictions from a vocabulary           5
                   contact point                                   20
                   publisher                                       10
contextuality      rights                                          5
                   file size                                       5
                   date of issue                                   5
                   modification date                               5
provincial         time series of at least 3 years                 40
                   not overdue for its update frequency            30
                   linked from an official statistics chart of
                   one of its provinces                            30
=================  ==============================================  ======

Distribution (resource) checks give their points in proportion to the resources that
pass, as the MQA does (URL accessibility: in proportion to the resources that have such
a URL); a dataset without resources gets none of them. URL checks come
from the background jobs' stored results (``quality.jobs``, never fetched here): a URL
not checked yet scores 0 with the status ``not_checked``.

DCAT-AP compliance is approximated from the DCAT-AP mandatory properties (title,
description, publisher, and an access URL on every distribution); the SHACL
validation itself is not run per dataset.

Each check is ``{"name", "score", "max", "status"}`` with ``status`` one of ``passed``,
``partial``, ``failed``, ``not_checked``, ``no_schedule``.
"""
from __future__ import annotations

import datetime
import json
import os
import urllib.parse
from typing import Any, Iterable

from ckan import model

from ckanext.provincialstats.logic.converters import to_int
from ckanext.provincialstats.quality import model as quality_model

# File types of the EU file-type vocabulary that catalogues here use (upper case).
KNOWN_FORMATS = frozenset({
    "CSV", "TSV", "JSON", "JSONLD", "JSON-LD", "GEOJSON", "XML", "RDF", "RDF/XML", "TTL",
    "TURTLE", "N3", "NT", "XLS", "XLSX", "ODS", "ODT", "DOC", "DOCX", "PDF", "HTML",
    "TXT", "TEXT", "ZIP", "GZIP", "SHP", "KML", "KMZ", "GML", "GPKG", "GEOTIFF", "TIFF",
    "PNG", "JPEG", "JPG", "GIF", "SVG", "MP4", "MP3", "WMS", "WFS", "SPARQL", "API",
    "PPT", "PPTX", "PARQUET", "SQL",
})
NON_PROPRIETARY = frozenset({
    "CSV", "TSV", "JSON", "JSONLD", "JSON-LD", "GEOJSON", "XML", "RDF", "RDF/XML", "TTL",
    "TURTLE", "N3", "NT", "ODS", "ODT", "PDF", "HTML", "TXT", "TEXT", "GML", "KML",
    "GPKG", "GEOTIFF", "TIFF", "PNG", "JPEG", "JPG", "GIF", "SVG", "ZIP", "GZIP",
    "PARQUET", "WMS", "WFS", "SPARQL",
})
MACHINE_READABLE = frozenset({
    "CSV", "TSV", "JSON", "JSONLD", "JSON-LD", "GEOJSON", "XML", "RDF", "RDF/XML", "TTL",
    "TURTLE", "N3", "NT", "XLS", "XLSX", "ODS", "SHP", "KML", "KMZ", "GML", "GPKG",
    "GEOTIFF", "WMS", "WFS", "SPARQL", "API", "PARQUET",
})
# GD Catalog licence choices with a licence URI (the "other" choice has none).
LICENCE_VOCABULARY = frozenset({
    "Open Data Common", "Creative Commons Attributions",
    "Creative Commons Attribution Non-Commercial", "Creative Commons Attribution Share-Alike",
    "Creative Commons Attribution Non-Commercial Share-Alike",
    "Creative Commons Attribution Non-Commercial No-Derivs",
    "Creative Commons Attribution No-Derivs",
    "cc-by", "cc-by-sa", "cc-zero", "cc-nc", "odc-by", "odc-odbl", "odc-pddl",
})
# data_category values, which map to the EU access-right vocabulary (public / non-public).
ACCESS_RIGHTS_VOCABULARY = frozenset({
    "ข้อมูลสาธารณะ", "ข้อมูลใช้ภายใน", "ข้อมูลส่วนบุคคล", "ข้อมูลความมั่นคง",
    "ข้อมูลความลับทางราชการ",
})
MQA_DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability",
                  "contextuality")
MQA_MAX = 405
# MQA ratings of the total (lower bounds).
RATINGS = ((351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad"))


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (list, tuple, dict, set)):
        return bool(value)
    return str(value).strip() not in ("", "[]")


def _check(name: str, points: int, fraction: float | None,
           status: str | None = None) -> dict[str, Any]:
    """A check worth ``points``; ``fraction`` of them given (None: not checked)."""
    if fraction is None:
        return {"name": name, "score": 0, "max": points, "status": status or "not_checked"}
    score = int(round(points * fraction))
    if status is None:
        status = "passed" if score == points else "partial" if score else "failed"
    return {"name": name, "score": score, "max": points, "status": status}


def _yes(name: str, points: int, passed: bool) -> dict[str, Any]:
    return _check(name, points, 1.0 if passed else 0.0)


def _share(resources: list[dict[str, Any]], test) -> float:
    if not resources:
        return 0.0
    return sum(1 for r in resources if test(r)) / len(resources)


def _format(resource: dict[str, Any]) -> str:
    fmt = str(resource.get("format") or "").strip().upper().lstrip(".")
    if fmt:
        return fmt
    path = urllib.parse.urlsplit(str(resource.get("url") or "")).path
    return os.path.splitext(path)[1].upper().lstrip(".")


def _download_url(resource: dict[str, Any]) -> str | None:
    """The URL published as dcat:downloadURL: an explicit ``download_url``, an uploaded
    file, or a link whose path names a known file type."""
    if resource.get("download_url"):
        return resource["download_url"]
    url = resource.get("url")
    if not url:
        return None
    if resource.get("url_type") == "upload":
        return url
    ext = os.path.splitext(urllib.parse.urlsplit(url).path)[1].upper().lstrip(".")
    return url if ext in KNOWN_FORMATS and ext not in ("HTML", "API") else None


def _url_fraction(resources, urls, checks) -> tuple[float | None, str | None]:
    """Share of the resources having such a URL whose URL answered (a missing URL is
    scored by its own check); None when none of them was checked yet."""
    found = [checks.get(r["id"], {}).get(u) for r, u in zip(resources, urls) if u]
    if not found:
        return 0.0, "failed"
    if all(c is None for c in found):
        return None, "not_checked"
    ok = sum(1 for c in found if c and c["ok"])
    return ok / len(found), None


def _findability(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    bbox = all(_present(pkg.get(k)) for k in (
        "west_bound_longitude", "east_bound_longitude",
        "north_bound_longitude", "south_bound_longitude"))
    return [
        _yes("keywords", 30, _present(pkg.get("tags")) or _present(pkg.get("tag_string"))),
        _yes("categories", 30, any(_present(pkg.get(k)) for k in
                                   ("stat_sector", "strategic_issue", "groups"))),
        _yes("spatial", 20, _present(pkg.get("province")) or bbox),
        _yes("temporal", 20, _present(pkg.get("first_year_of_data"))
             or _present(pkg.get("reference_period"))),
    ]


def _fraction(flags: list[bool]) -> float:
    """:func:`_share` of a test already applied to each resource."""
    return sum(flags) / len(flags) if flags else 0.0


def _accessibility(resources, checks) -> list[dict[str, Any]]:
    access = [r.get("url") for r in resources]
    download = [_download_url(r) for r in resources]  # once per resource
    access_fraction, access_status = _url_fraction(resources, access, checks)
    has_download = _fraction([bool(u) for u in download])
    download_fraction, download_status = _url_fraction(resources, download, checks)
    return [
        _check("access_url_accessible", 50, access_fraction, access_status),
        _check("download_url", 20, has_download),
        _check("download_url_accessible", 30, download_fraction, download_status),
    ]


def _dcat_ap_mandatory(pkg: dict[str, Any], resources) -> bool:
    return (_present(pkg.get("title")) and _present(pkg.get("notes"))
            and _present(pkg.get("owner_org") or pkg.get("organization"))
            and all(_present(r.get("url")) for r in resources))


def _interoperability(pkg, resources, checks) -> list[dict[str, Any]]:
    def media_type(r):
        if _present(r.get("mimetype")):
            return True
        return any(c.get("media_type") for c in checks.get(r["id"], {}).values())
    formats = [_format(r) for r in resources]  # once per resource
    return [
        _check("format", 20, _fraction([bool(f) for f in formats])),
        _check("media_type", 10, _share(resources, media_type)),
        _check("format_vocabulary", 10, _fraction([f in KNOWN_FORMATS for f in formats])),
        _check("non_proprietary", 20, _fraction([f in NON_PROPRIETARY for f in formats])),
        _check("machine_readable", 20, _fraction([f in MACHINE_READABLE for f in formats])),
        _yes("dcat_ap_compliance", 30, _dcat_ap_mandatory(pkg, resources)),
    ]


def _reusability(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    licence = pkg.get("license_id")
    rights = pkg.get("data_category") or pkg.get("data_classification")
    return [
        _yes("licence", 20, _present(licence) or _present(pkg.get("license_id_other"))),
        _yes("licence_vocabulary", 10, licence in LICENCE_VOCABULARY),
        _yes("access_restrictions", 10, _present(rights)),
        _yes("access_restrictions_vocabulary", 5,
             pkg.get("data_category") in ACCESS_RIGHTS_VOCABULARY),
        _yes("contact_point", 20, _present(pkg.get("maintainer"))
             or _present(pkg.get("maintainer_email"))),
        _yes("publisher", 10, _present(pkg.get("owner_org") or pkg.get("organization"))),
    ]


def _contextuality(pkg, resources, checks) -> list[dict[str, Any]]:
    def size(r):
        return _present(r.get("size")) or any(
            c.get("byte_size") for c in checks.get(r["id"], {}).values())
    return [
        _yes("rights", 5, _present(pkg.get("accessible_condition")) or any(
            _present(r.get("resource_accessible_condition")) for r in resources)),
        _check("file_size", 5, _share(resources, size)),
        _yes("date_of_issue", 5, _present(pkg.get("created_date"))
             or _present(pkg.get("metadata_created"))),
        _yes("modification_date", 5, _present(pkg.get("last_updated_date"))
             or _present(pkg.get("metadata_modified"))),
    ]


def _num_years(pkg: dict[str, Any]) -> int | None:
    years = to_int(pkg.get("num_years")) if _present(pkg.get("num_years")) else None
    if years is None:
        first, last = to_int(pkg.get("first_year_of_data")), to_int(pkg.get("last_year_of_data"))
        if first is not None and last is not None:
            years = last - first + 1
    return years


def _provincial(pkg: dict[str, Any], charted: bool, now) -> list[dict[str, Any]]:
    from ckanext.provincialstats.logic.action import is_overdue
    years = _num_years(pkg)
    overdue = is_overdue(pkg.get("last_updated_date") or pkg.get("metadata_modified"),
                         pkg.get("update_frequency_unit"),
                         pkg.get("update_frequency_interval"), now)
    return [
        _yes("time_series_3_years", 40, years is not None and years >= 3),
        _check("up_to_date", 30, None if overdue is None else 0.0 if overdue else 1.0,
               "no_schedule" if overdue is None else None),
        _yes("in_official_statistics_chart", 30, charted),
    ]


def _dimension(checks: list[dict[str, Any]], in_total: bool = True) -> dict[str, Any]:
    return {"score": sum(c["score"] for c in checks), "max": sum(c["max"] for c in checks),
            "in_total": in_total, "checks": checks}


def rating(total: int) -> str:
    return next(label for bound, label in RATINGS if total >= bound)


def score_dataset(pkg_dict: dict[str, Any], checks: dict | None = None,
                  charted: bool | None = None,
                  now: datetime.datetime | None = None) -> dict[str, Any]:
    """The quality score of one dataset dict (``package_show`` output).

    :param checks: stored URL checks, ``{resource id: {url: check}}``; read from the table
        when not given (one query)
    :param charted: whether an official statistics chart of one of the dataset's
        provinces links it; looked up when not given (one query)
    :returns: ``{"total", "max", "rating", "dimensions": {name: {"score", "max",
        "in_total", "checks": [...]}}}``; ``total`` and ``max`` (405) add up the five MQA
        dimensions only; ``dimensions["provincial"]`` (``in_total`` false) has its own max
    """
    if checks is None:
        checks = quality_model.checks_for([pkg_dict["id"]])
    if charted is None:
        charted = pkg_dict.get("name") in charted_datasets([pkg_dict])
    now = now or datetime.datetime.utcnow()
    resources = [r for r in pkg_dict.get("resources") or [] if r.get("id")]
    dims = {
        "findability": _dimension(_findability(pkg_dict)),
        "accessibility": _dimension(_accessibility(resources, checks)),
        "interoperability": _dimension(_interoperability(pkg_dict, resources, checks)),
        "reusability": _dimension(_reusability(pkg_dict)),
        "contextuality": _dimension(_contextuality(pkg_dict, resources, checks)),
        "provincial": _dimension(_provincial(pkg_dict, charted, now), in_total=False),
    }
    total = sum(dims[d]["score"] for d in MQA_DIMENSIONS)
    return {"total": total, "max": MQA_MAX, "rating": rating(total), "dimensions": dims}


def charted_datasets(pkg_dicts: Iterable[dict[str, Any]],
                     memo: bool = False) -> set[str]:
    """Names of the given datasets that a public official statistics chart of one of
    their provinces links; one query over the active charts' items (with ``memo``, at
    most one per state of the search index, :func:`_chart_links`)."""
    wanted = {p["name"]: set(p.get("province") or []) for p in pkg_dicts if p.get("name")}
    if not wanted:
        return set()
    return {name for name, province in _chart_links(memo)
            if name in wanted and province in wanted[name]}


_CHART_LINKS: dict = {}  # search index state -> chart links; one entry


def _chart_links(memo: bool) -> frozenset[tuple[Any, Any]]:
    """``(dataset name, chart's province)`` of every item of every public active
    official statistics chart. With ``memo`` (the catalogue pages, read-only requests)
    kept under the search index's state (:func:`.dcat.fast.search_state`: every write of
    a chart changes it, in the same transaction), at most a minute (a chart changed by
    hand in SQL): the query reads the whole ``package`` table (no index on its type)."""
    if not memo:
        return _read_chart_links()
    from ckanext.provincialstats.dcat import fast

    state = fast.search_state()
    if state is None:
        return _read_chart_links()
    key = (state, model.Session.get_bind().url.render_as_string(hide_password=True))
    found = _CHART_LINKS.get(key)
    if found is None:
        found = _read_chart_links()
        _CHART_LINKS.clear()
        _CHART_LINKS[key] = found
    return found


def _read_chart_links() -> frozenset[tuple[Any, Any]]:
    items = model.PackageExtra
    rows = (
        model.Session.query(items.package_id, items.key, items.value)
        .join(model.Package, model.Package.id == items.package_id)
        .filter(model.Package.type == "stats_chart", model.Package.state == "active",
                model.Package.private.is_(False), items.state == "active",
                items.key.in_(("chart_items", "province")))
        .all()
    )
    charts: dict[str, dict[str, Any]] = {}
    for package_id, key, value in rows:
        charts.setdefault(package_id, {})[key] = value
    links = set()
    for chart in charts.values():
        try:
            chart_items = json.loads(chart.get("chart_items") or "[]")
        except ValueError:
            continue
        for item in chart_items if isinstance(chart_items, list) else []:
            name = item.get("dataset") if isinstance(item, dict) else None
            try:
                links.add((name, chart.get("province")))
            except TypeError:  # not hashable (a malformed item): matches no name
                continue
    return frozenset(links)


def score_datasets(pkg_dicts: list[dict[str, Any]],
                   now: datetime.datetime | None = None,
                   memo: bool = False) -> list[dict[str, Any]]:
    """Scores of several datasets with two queries in all (checks, charts; ``memo``:
    see :func:`charted_datasets`)."""
    checks = quality_model.checks_for(p["id"] for p in pkg_dicts)
    charted = charted_datasets(pkg_dicts, memo)
    now = now or datetime.datetime.utcnow()
    return [score_dataset(p, checks=checks, charted=p.get("name") in charted, now=now)
            for p in pkg_dicts]
