"""The extension's own pages: home, province index and page, strategic issue page,
official statistics chart downloads, and the site's custom CSS as a file (inline CSS is
not allowed by the Content-Security-Policy)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

pages = Blueprint("provincialstats_pages", __name__)


@pages.route("/provincialstats/custom.css")
def custom_css():
    """The CSS of the sysadmin's "Custom CSS" setting (``ckan.site_custom_css``)."""
    css = tk.config.get("ckan.site_custom_css") or ""
    return Response(css, mimetype="text/css")
