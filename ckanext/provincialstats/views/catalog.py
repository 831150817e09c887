"""A province's catalogue, and the Turtle catalogue pages from the chunk cache.

``/province/<name>/catalog.<fmt>`` (``<name>`` the province record's name,
``chanthaburi``, or its code, ``TH-22``) is the province's own catalogue
(:mod:`ckanext.provincialstats.dcat.catalogue`: its own node, part of the site's)
over the datasets of that province (``fq=province:"TH-22"``), with the same profiles,
formats, ``q``/``fq``/``modified_since`` parameters and hydra paging as ckanext-dcat's
catalogue; ``/province/<name>/catalog`` (the node's URI) answers 303 to it.

Before each request (:func:`dcat_requests`):

- ckanext-dcat's ``/catalog.<fmt>`` (and ``/`` negotiated to RDF) is answered by
  :func:`ckanext.provincialstats.dcat.turtle_cache.catalog_page` (the same graph, with
  the page's quality scores read in bulk; Turtle from the chunk cache, so unchanged
  datasets are not serialised again, and streamed batch by batch);
- with ``ckanext.dcat.enable_content_negotiation`` ckanext-dcat takes ``/`` and
  ``/dataset/<id>`` and, for a browser, calls CKAN's stock home and dataset views
  directly, skipping any view another plugin put on those endpoints (this extension's
  home page): such requests go to the endpoints' current views instead.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchQueryError
from flask import Blueprint, current_app, make_response, redirect, request, stream_with_context

from ckanext.dcat.exceptions import RDFProfileException
from ckanext.dcat.logic import DATASETS_PER_PAGE
from ckanext.dcat.utils import CONTENT_TYPES, _get_package_type, check_access_header
from ckanext.provincialstats import vocab
from ckanext.provincialstats.dcat.turtle_cache import catalog_page
from ckanext.provincialstats.search.query import MAX_INT

catalog = Blueprint("provincialstats_catalog", __name__)


def _catalog_response(_format: str, fq: str | None, province: dict | None = None):
    args = tk.request.args
    profiles = args.get("profiles")
    data_dict = {
        "page": args.get("page"),
        "modified_since": args.get("modified_since"),
        "q": args.get("q"),
        "fq": fq,
        "format": _format,
        "profiles": profiles.split(",") if profiles else None,
    }
    last = _last_page()
    if _page_number(data_dict["page"]) > last:
        # the search's ``start`` would be out of range (Solr's too): a clear 409, not a 500
        return tk.abort(409, tk._("Page %(page)s is out of range: the catalogue has at most "
                                  "%(last)d pages of %(size)d datasets")
                        % {"page": data_dict["page"], "last": last, "size": _per_page()})
    try:
        body = catalog_page({}, data_dict, province)
    except (tk.ValidationError, RDFProfileException) as e:
        return tk.abort(409, str(e))
    except SearchQueryError as e:  # a malformed q or fq, refused before any output
        return tk.abort(409, tk._("Search query is invalid: %(error)s") % {"error": e})
    if not isinstance(body, str):  # streamed batch by batch (Turtle) or chunk by chunk
        body = stream_with_context(body)
    response = make_response(body)
    response.headers["Content-Type"] = CONTENT_TYPES[_format]
    return response


def _per_page() -> int:
    return int(tk.config.get("ckanext.dcat.datasets_per_page") or DATASETS_PER_PAGE)


def _last_page() -> int:
    """The largest page number whose first row the search can address."""
    return MAX_INT // _per_page() + 1


def _page_number(value) -> int:
    """``page`` as a number for the range check (anything else is ckanext-dcat's to
    refuse: "'page' parameter must be a positive integer")."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 30 else 0


def province_catalog(name: str, _format: str):
    entry = vocab.province_by_slug(name) or vocab.province(name)
    if entry is None:
        return tk.abort(404, tk._("Province not found"))
    if _format not in CONTENT_TYPES:
        return tk.abort(404, tk._('Unknown RDF format "%(format)s" (use one of: %(formats)s)')
                        % {"format": _format, "formats": ", ".join(CONTENT_TYPES)})
    fq = f'province:"{entry["iso_code"]}"'
    if tk.request.args.get("fq"):
        fq = f"{fq} AND ({tk.request.args['fq']})"
    return _catalog_response(_format, fq, entry)


def province_catalog_node(name: str):
    """The province catalogue's URI: 303 to its document in the format the ``Accept``
    header asks (Turtle by default)."""
    entry = vocab.province_by_slug(name) or vocab.province(name)
    if entry is None:
        return tk.abort(404, tk._("Province not found"))
    _format = check_access_header() or "ttl"
    return redirect(tk.url_for("provincialstats_catalog.province_catalog",
                               name=entry["slug"], _format=_format), code=303)


catalog.add_url_rule("/province/<name>/catalog.<_format>", view_func=province_catalog)
catalog.add_url_rule("/province/<name>/catalog", view_func=province_catalog_node)


def dcat_requests():
    """Before a request: see the module docstring."""
    if request.endpoint not in ("dcat.read_catalog", "dcat.read_dataset"):
        return None
    args = request.view_args or {}
    _format = args.get("_format") or check_access_header()
    if request.endpoint == "dcat.read_catalog":
        if not _format:
            return current_app.view_functions["home.index"]()
        if _format in CONTENT_TYPES:
            return _catalog_response(_format, request.args.get("fq"))
        return None
    if _format:
        return None
    return current_app.view_functions["dataset.read"](
        package_type=_get_package_type(args["_id"]), id=args["_id"])


@catalog.record_once
def _install_dcat_requests(state):
    state.app.before_request(dcat_requests)
