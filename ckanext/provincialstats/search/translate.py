"""Translation of the search backend's messages.

In a request, CKAN's gettext (the request's language, from the URL prefix or
``ckan.locale_default``).  Outside one (the ``ckan`` CLI, background jobs, indexing from a
script) CKAN's gettext raises "Working outside of request context", so the English msgid
is returned as it is.  Interpolate after translating, with named placeholders, so a
translation may put the values in its own order::

    raise SearchQueryError(_("query is %(length)d characters long") % {"length": n})
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import flask


def _(message: str) -> str:
    if not flask.has_request_context():
        return message
    return tk._(message)
