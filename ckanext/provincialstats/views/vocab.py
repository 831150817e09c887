"""The catalogue's SKOS concept schemes and its own namespace, as RDF documents:
``/vocab/provinces.ttl`` (also ``.rdf``, ``.xml``, ``.jsonld``, ``.n3``),
``/vocab/stat-sectors.*``, ``/vocab/strategic-issues.*``, ``/vocab/provincialstats.*``,
``/vocab/quality.*`` (the DQV metrics of the quality score).
A scheme or concept URI (``/vocab/provinces``, ``/vocab/provinces/TH-22``,
``/vocab/regions/east``, ``/vocab/quality/mqa-score``) answers 303 See Other to its
scheme's document in the format the ``Accept`` header asks (Turtle by default)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, make_response, redirect

from ckanext.dcat.utils import CONTENT_TYPES, parse_accept_header, url_to_rdflib_format
from ckanext.provincialstats import vocab as vocabularies
from ckanext.provincialstats.dcat import concepts, fields
from ckanext.provincialstats.quality import dqv

vocab = Blueprint("provincialstats_vocab", __name__)

DOCUMENTS = concepts.SCHEMES + ("provincialstats", dqv.DOCUMENT)


def _graph(name):
    if name == "provincialstats":
        return fields.vocabulary_graph()
    if name == dqv.DOCUMENT:
        return dqv.vocabulary_graph()
    return concepts.scheme_graph(name)


def document(name: str, _format: str):
    """One vocabulary document in one RDF format."""
    if name not in DOCUMENTS:
        return tk.abort(404, tk._('No vocabulary "%(name)s" (there are: %(names)s)')
                        % {"name": name, "names": ", ".join(DOCUMENTS)})
    if _format not in CONTENT_TYPES:
        return tk.abort(404, tk._('Unknown RDF format "%(format)s" (use one of: %(formats)s)')
                        % {"format": _format, "formats": ", ".join(CONTENT_TYPES)})
    rdflib_format = url_to_rdflib_format(_format)
    graph = _graph(name)
    if rdflib_format == "json-ld":
        body = graph.serialize(format="json-ld", auto_compact=True)
    else:
        body = graph.serialize(format=rdflib_format)
    response = make_response(body)
    response.headers["Content-Type"] = CONTENT_TYPES[_format] + "; charset=utf-8"
    return response


def _negotiated_format() -> str:
    wanted = parse_accept_header(tk.request.headers.get("Accept", ""))
    return wanted or "ttl"


def scheme(name: str):
    """A scheme URI: 303 to its document."""
    if name not in DOCUMENTS:
        return tk.abort(404, tk._('No vocabulary "%(name)s" (there are: %(names)s)')
                        % {"name": name, "names": ", ".join(DOCUMENTS)})
    return redirect(tk.url_for("provincialstats_vocab.document", name=name,
                               _format=_negotiated_format()), code=303)


def concept(name: str, code: str):
    """A concept URI: 303 to its scheme's document (404 for a code not in it)."""
    known = {
        "provinces": lambda c: vocabularies.province(c) is not None,
        "regions": lambda c: any(r["value"] == c for r in vocabularies.regions()),
        "stat-sectors": lambda c: any(s["value"] == c for s in vocabularies.stat_sectors()),
        "strategic-issues": lambda c: c in concepts.strategic_issues(),
        dqv.DOCUMENT: lambda c: c in dqv.codes(),
    }
    if name not in known or not known[name](code):
        return tk.abort(404, tk._('No concept "%(code)s" in vocabulary "%(name)s"')
                        % {"code": code, "name": name})
    document_name = "provinces" if name == "regions" else name
    return redirect(tk.url_for("provincialstats_vocab.document", name=document_name,
                               _format=_negotiated_format()), code=303)


vocab.add_url_rule("/vocab/<name>.<_format>", view_func=document)
vocab.add_url_rule("/vocab/<name>", view_func=scheme)
vocab.add_url_rule("/vocab/<name>/<code>", view_func=concept)
