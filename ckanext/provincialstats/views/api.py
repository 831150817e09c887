"""API documentation and metadata inventory downloads.

- ``/api/provincialstats/openapi.json``: the OpenAPI description of the extension's
  actions (``ckanext.provincialstats.openapi``).
- ``/inventory.xlsx``, ``/inventory.csv`` (optionally ``?province=TH-22``),
  ``/province/<name or code>/inventory.<fmt>``, ``/organization/<name>/inventory.<fmt>``:
  the metadata inventory of the datasets the caller may see (``inventory.export``).
"""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, jsonify, send_file, stream_with_context

from ckanext.provincialstats import openapi, vocab
from ckanext.provincialstats.inventory import export

api = Blueprint("provincialstats_api", __name__)

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@api.route("/api/provincialstats/openapi.json")
def openapi_document():
    response = jsonify(openapi.document(tk.config.get("ckan.site_url") or ""))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _quote(value: str) -> str:
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def _send(fmt: str, fq: list[str], scope: str):
    if fmt not in FORMATS:
        return tk.abort(404, tk._("Unknown format: %s (xlsx or csv)") % fmt)
    user = tk.g.user if tk.g.get("user") else None
    name = "inventory-%s-%s.%s" % (scope, datetime.date.today().strftime("%Y%m%d"), fmt)
    if fmt == "csv":
        chunks = export.csv_chunks(export.datasets(user, fq))
        response = Response(stream_with_context(c.encode("utf-8") for c in chunks),
                            mimetype=FORMATS["csv"])
        response.headers["Content-Disposition"] = 'attachment; filename="%s"' % name
        return response
    return send_file(export.xlsx_file(export.datasets(user, fq)), mimetype=FORMATS[fmt],
                     as_attachment=True, download_name=name)


@api.route("/inventory.<fmt>")
def catalogue_inventory(fmt: str):
    code = tk.request.args.get("province")
    if code:
        entry = vocab.province(code)
        if entry is None:
            return tk.abort(400, tk._("Unknown province code: %s") % code)
        return _send(fmt, ["+province:%s" % _quote(entry["iso_code"])],
                     entry["iso_code"].lower())
    return _send(fmt, [], "all")


@api.route("/province/<id>/inventory.<fmt>")
def province_inventory(id: str, fmt: str):
    entry = vocab.province_by_slug(id) or vocab.province(id)
    if entry is None:
        return tk.abort(404, tk._("Province not found"))
    return _send(fmt, ["+province:%s" % _quote(entry["iso_code"])], entry["slug"])


@api.route("/organization/<id>/inventory.<fmt>")
def organization_inventory(id: str, fmt: str):
    try:
        org = tk.get_action("organization_show")(
            {"user": tk.g.user if tk.g.get("user") else None},
            {"id": id, "include_datasets": False, "include_extras": False,
             "include_users": False, "include_groups": False, "include_tags": False,
             "include_followers": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found"))
    return _send(fmt, ["+owner_org:%s" % _quote(org["id"])], org["name"])
