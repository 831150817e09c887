"""A province's catalogue: ``/province/<name>/catalog.<fmt>`` (``<name>`` the province
record's name, ``chanthaburi``, or its code, ``TH-22``) is ckanext-dcat's catalogue
restricted to the datasets of that province (``fq=province:TH-22``), with the same
profiles, formats, ``q``/``fq``/``modified_since`` parameters and hydra paging."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, make_response

from ckanext.dcat.exceptions import RDFProfileException
from ckanext.dcat.utils import CONTENT_TYPES
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
