"""Province pages by code: ``/province/TH-22`` (or ``th-22``) redirects to the record's
own page (``/province/chanthaburi``); the record pages are scheming's group pages."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint
from werkzeug.routing import BaseConverter

from ckanext.provincialstats import vocab

province = Blueprint("provincialstats_province", __name__)


class ProvinceCodeConverter(BaseConverter):
    """Matches ISO 3166-2:TH codes only, and ahead of ``/province/<id>``."""

    regex = r"[Tt][Hh]-\d{2}"
    weight = 10


@province.record_once
def _register_converter(state):
    state.app.url_map.converters["provincialstats_province_code"] = ProvinceCodeConverter


@province.route("/province/<provincialstats_province_code:code>")
def by_code(code: str):
    """Redirect a province code to the province record's page."""
    entry = vocab.province(code)
    if entry is None:
        return tk.abort(404, tk._("Province not found"))
    return tk.redirect_to("province.read", id=entry["slug"])
