"""RDF/XML and JSON-LD catalogue pages (``/catalog.{rdf,xml,jsonld}``,
``/province/<name>/catalog.<fmt>``, ``/`` negotiated to them), streamed chunk by chunk, so
the web process holds one chunk's graph, not the page's, whatever
``ckanext.dcat.datasets_per_page`` is.

A page is one document: the catalogue node(s) and the hydra paging first (built as
:func:`.turtle_cache.catalog_page` builds them), then the page's datasets read in the
same search batches as the Turtle pages, each run of :data:`CHUNK` datasets built into a
small graph of its own with the same profiles (with its ``dcat:dataset`` links from the
catalogue) and serialised by rdflib:

- RDF/XML: one ``rdf:RDF`` element declaring, up front, the prefixes the catalogue's
  graph binds (the profiles bind theirs there) and the quality vocabulary's; each chunk
  is rdflib's ``pretty-xml`` of the chunk's graph with those same prefixes bound, of which
  the node elements are written (its own ``rdf:RDF`` envelope dropped). A namespace a
  chunk uses that the envelope lacks gets a prefix the envelope does not use, declared on
  each of that chunk's top-level node elements (XML namespace scope), never a prefix
  redeclared to another namespace;
- JSON-LD: one object, ``{"@context": {prefix: namespace...}, "@graph": [...]}``, the
  graph's node objects written one by one as rdflib's JSON-LD converter makes them from
  each chunk's graph with that context (an IRI no prefix covers stays whole).

Blank nodes keep rdflib's labels, unique in the process (a random prefix and a counter):
no two chunks share one, as no two datasets share one in the page's whole graph. A chunk
repeats the description of a node several datasets link to (a concept, a licence, the
catalogue's publisher): the document's graph is the same set of triples as the page's
whole graph (the tests compare them).
"""
from __future__ import annotations

import json
from io import BytesIO
from typing import Iterator
from xml.sax.saxutils import quoteattr

from ckan import model
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.serializers.rdfxml import PrettyXMLSerializer
from rdflib.plugins.serializers.xmlwriter import XMLWriter
from rdflib.plugins.shared.jsonld.context import Context

from ckanext.dcat.profiles import DCAT
from ckanext.dcat.utils import dataset_uri
from ckanext.provincialstats.dcat import catalogue, concepts, fast, turtle_cache
from ckanext.provincialstats.quality import dqv

CHUNK = 50  # datasets per graph serialised at once
FORMATS = ("rdf", "xml", "jsonld")
_XML_NS = "http://www.w3.org/XML/1998/namespace"
# JSON-LD 1.1 uses a term as a prefix only if its IRI ends with one of these
_GEN_DELIMS = tuple(":/?#[]@")


def catalog_page(page, profiles: list[str] | None, province: dict | None,
                 fmt: str) -> str | Iterator[str]:
    """The page (a :class:`.turtle_cache._Page`, its first batch searched) in ``fmt``
    (one of :data:`FORMATS`): a generator of its text, or for a page without datasets
    its whole text."""
    builder = turtle_cache.Builder(profiles)  # profiles loaded once for the page
    head = builder.serializer.g = turtle_cache._graph()
    with fast.fixed_uris():
        catalog_ref = catalogue.head(builder.serializer, province)
    if page.paging:
        builder.serializer._add_pagination_triples(page.paging)
    prefixes = envelope_prefixes(head, builder.with_dqv)
    writer = (JsonLdWriter if fmt == "jsonld" else XmlWriter)(prefixes)
    start = writer.start() + writer.chunk(head)
    if not page.batches_left:  # past the end: the catalogue and the paging only
        return start + writer.end()

    def generate() -> Iterator[str]:
        try:
            yield start
            for datasets in page.batches():
                for offset in range(0, len(datasets), CHUNK):
                    g = chunk_graph(datasets[offset:offset + CHUNK], builder, catalog_ref)
                    yield writer.chunk(g)
            yield writer.end()
        finally:
            model.Session.remove()  # the request's own session was removed before

    return generate()


def envelope_prefixes(head: Graph, with_dqv: bool) -> dict[str, str]:
    """prefix -> namespace declared once for the page: the catalogue graph's bindings
    (the profiles bind all of theirs when they describe the catalogue) and DQV's."""
    found = {prefix: str(ns) for prefix, ns in head.namespaces()
             if prefix and str(ns) != _XML_NS}
    if with_dqv and str(dqv.DQV) not in found.values():
        found.setdefault("dqv", str(dqv.DQV))
    return found


def chunk_graph(datasets: list[dict], builder: turtle_cache.Builder,
                catalog_ref: URIRef) -> Graph:
    """The graph of ``datasets`` (their profiles' triples and the catalogue's
    ``dcat:dataset`` links to them), quality scores and organizations read in bulk."""
    g = builder.serializer.g = turtle_cache._graph()
    for profile in builder.profiles:
        profile.g = g
    scores = dqv.bulk_values(datasets) if builder.with_dqv else {}
    turtle_cache._known_organizations(datasets)
    with dqv.prefetched(scores), fast.fixed_uris(), concepts.fixed_base():
        for dataset in datasets:
            ref = URIRef(dataset_uri(dataset))
            for profile in builder.profiles:
                profile.graph_from_dataset(dataset, ref)
            g.add((catalog_ref, DCAT.dataset, ref))
    return g


class _LocalNamespaces(XMLWriter):
    """rdflib's XML writer declaring ``extra`` namespaces on every top-level node
    element (inside ``rdf:RDF``)."""

    extra: list[tuple[str, str]] = []

    def push(self, uri: str) -> None:
        super().push(uri)
        if len(self.element_stack) == 2:
            for prefix, namespace in self.extra:
                self.stream.write(" xmlns:%s=%s" % (prefix, quoteattr(namespace)))


class _ChunkXML(PrettyXMLSerializer):
    """rdflib's ``pretty-xml``, declaring ``extra`` namespaces on the top-level node
    elements too (:class:`_LocalNamespaces`)."""

    def __init__(self, graph: Graph, extra: list[tuple[str, str]]):
        super().__init__(graph)
        self.extra = extra

    def subject(self, subject, depth=1):
        if self.extra and type(self.writer) is XMLWriter:
            self.writer.__class__ = _LocalNamespaces
            self.writer.extra = self.extra
        return super().subject(subject, depth)


class XmlWriter:
    """One ``rdf:RDF`` document from chunk graphs."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = dict(prefixes)
        self.prefixes["rdf"] = str(RDF)

    def start(self) -> str:
        declarations = "".join(f"\n  xmlns:{prefix}={quoteattr(ns)}"
                               for prefix, ns in sorted(self.prefixes.items()))
        return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{declarations}\n>'

    def chunk(self, g: Graph) -> str:
        """The node elements of ``g`` (the chunk's own ``rdf:RDF`` envelope dropped)."""
        nm = g.namespace_manager
        for prefix, namespace in self.prefixes.items():
            nm.bind(prefix, namespace, override=True, replace=True)
        used = set()
        for term in set(g.predicates()) | set(g.objects(None, RDF.type)):
            if isinstance(term, URIRef):
                prefix, namespace, _local = nm.compute_qname_strict(term)
                used.add((prefix, str(namespace)))
        # prefixes the envelope lacks: rdflib chose names the envelope does not use
        extra = sorted((p, ns) for p, ns in used if self.prefixes.get(p) != ns)
        stream = BytesIO()
        _ChunkXML(g, extra).serialize(stream, encoding="utf-8")
        text = stream.getvalue().decode("utf-8")
        opening = text.index("<rdf:RDF")
        body_start = text.find(">", opening) + 1
        if text[body_start - 2:body_start] == "/>":  # an empty graph: <rdf:RDF .../>
            return ""
        return text[body_start:text.rindex("</rdf:RDF>")]

    def end(self) -> str:
        return "\n</rdf:RDF>\n"


class JsonLdWriter:
    """One ``{"@context": ..., "@graph": [...]}`` document from chunk graphs."""

    def __init__(self, prefixes: dict[str, str]):
        self.context_data = {prefix: ns for prefix, ns in sorted(prefixes.items())
                             if ns.endswith(_GEN_DELIMS)}
        self.context = Context(self.context_data)
        self.first = True

    def start(self) -> str:
        context = json.dumps(self.context_data, ensure_ascii=False, indent=2)
        return '{\n"@context": %s,\n"@graph": [' % context

    def chunk(self, g: Graph) -> str:
        # use_native_types: as rdflib's JSON-LD serializer (a context makes it so)
        nodes = Converter(self.context, True, False).from_graph(g)
        parts = []
        for node in nodes:
            parts.append(("\n" if self.first else ",\n")
                         + json.dumps(node, ensure_ascii=False, sort_keys=True, indent=2))
            self.first = False
        return "".join(parts)

    def end(self) -> str:
        return "\n]\n}\n"
