"""The Content-Security-Policy the extension sends (CKAN 2.11 has no option for it).

``ckanext.provincialstats.csp`` holds the policy; an empty value sends none. It is set on
every response of the Flask application unless a response already carries one (a view
may send a stricter policy of its own).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

HEADER = "Content-Security-Policy"


def add_header(response):
    """``after_request``: the configured policy on the response."""
    policy = (tk.config.get("ckanext.provincialstats.csp") or "").strip()
    if policy and HEADER not in response.headers:
        response.headers[HEADER] = policy
    return response


def install(app):
    """IMiddleware.make_middleware: register :func:`add_header` on CKAN's Flask app."""
    if hasattr(app, "after_request"):
        app.after_request(add_header)
    return app
