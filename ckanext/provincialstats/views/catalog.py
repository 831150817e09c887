"""A province's catalogue: ``/province/<name>/catalog.<fmt>`` (``<name>`` the province
record's name, ``chanthaburi``, or its code, ``TH-22``) is ckanext-dcat's catalogue
restricted to the datasets of that province (``fq=province:TH-22``), with the same
profiles, formats, ``q``/``fq``/``modified_since`` parameters and hydra paging.

With ``ckanext.dcat.enable_content_negotiation`` ckanext-dcat takes ``/`` and
``/dataset/<id>`` and, for a browser, calls CKAN's stock home and dataset views
directly, skipping any view another plugin put on those endpoints (this extension's
home page). :func:`html_fallback` sends those requests to the endpoints' current
views instead."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, current_app, make_response, request

from ckanext.dcat.exceptions import RDFProfileException
from ckanext.dcat.utils import CONTENT_TYPES, _get_package_type, check_access_header
from ckanext.provincialstats import vocab

catalog = Blueprint("provincialstats_catalog", __name__)


def province_catalog(name: str, _format: str):
    entry = vocab.province_by_slug(name) or vocab.province(name)
    if entry is None:
        return tk.abort(404, tk._("Province not found"))
    if _format not in CONTENT_TYPES:
        return tk.abort(404, tk._('Unknown RDF format "%(format)s" (use one of: %(formats)s)')
                        % {"format": _format, "formats": ", ".join(CONTENT_TYPES)})
    args = tk.request.args
    fq = f'province:"{entry["iso_code"]}"'
    if args.get("fq"):
        fq = f"{fq} AND ({args['fq']})"
    profiles = args.get("profiles")
    data_dict = {
        "page": args.get("page"),
        "modified_since": args.get("modified_since"),
        "q": args.get("q"),
        "fq": fq,
        "format": _format,
        "profiles": profiles.split(",") if profiles else None,
    }
    try:
        body = tk.get_action("dcat_catalog_show")({}, data_dict)
    except (tk.ValidationError, RDFProfileException) as e:
        return tk.abort(409, str(e))
    response = make_response(body)
    response.headers["Content-Type"] = CONTENT_TYPES[_format]
    return response


catalog.add_url_rule("/province/<name>/catalog.<_format>", view_func=province_catalog)


def html_fallback():
    """Before a request: ckanext-dcat's negotiated ``/`` and ``/dataset/<id>`` asked
    for HTML go to the current ``home.index`` / ``dataset.read`` views."""
    if request.endpoint not in ("dcat.read_catalog", "dcat.read_dataset"):
        return None
    args = request.view_args or {}
    if args.get("_format") or check_access_header():
        return None
    views = current_app.view_functions
    if request.endpoint == "dcat.read_catalog":
        return views["home.index"]()
    return views["dataset.read"](package_type=_get_package_type(args["_id"]), id=args["_id"])


@catalog.record_once
def _install_html_fallback(state):
    state.app.before_request(html_fallback)
