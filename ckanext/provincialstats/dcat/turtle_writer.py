"""A plain, fast Turtle writer for one dataset's graph (the chunks of
:mod:`.turtle_cache`).

rdflib's Turtle serializer spends most of its time working out prefixed names for every
term and nesting blank nodes; a dataset's graph needs neither: its namespaces are the ones
the profiles bound, and blank nodes can stay labelled (``_:label``). Output: one block
per subject, ``a`` for ``rdf:type``, ``prefix:local`` where the graph binds the namespace
and the local part is a plain name, ``<IRI>`` otherwise. The result parses to the same
graph (the tests compare it with rdflib's own serialisation).

A graph on rdflib's ``SimpleMemory`` store is read straight from the store's
subject-predicate-object index (already grouped by subject and predicate), not triple by
triple through rdflib's generators.
"""
from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.memory import SimpleMemory

_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_UNSAFE = re.compile(r'[\\"\n\r\t]')
_BNODE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def iri_text(value: str) -> str:
    """An IRI as written between ``<`` and ``>`` (unsafe characters %-escaped)."""
    return _IRI_UNSAFE.sub(lambda m: "%%%02X" % ord(m.group()), value)


def _iri(value: str) -> str:
    return "<%s>" % iri_text(value)


def string_text(text: str) -> str:
    """A string as a quoted Turtle string (``"..."``)."""
    return '"%s"' % _STRING_UNSAFE.sub(lambda m: _STRING_ESCAPES[m.group()], text)


class _Names:
    def __init__(self, graph: Graph):
        self.by_namespace = {str(ns): prefix for prefix, ns in graph.namespaces() if prefix}
        self.used: dict[str, str] = {}
        self.cache: dict[str, str] = {}
        self.bnodes: dict[BNode, str] = {}

    def uri(self, value: URIRef) -> str:
        text = str(value)
        found = self.cache.get(text)
        if found is not None:
            return found
        out = None
        for sep in ("#", "/"):
            cut = text.rfind(sep)
            if cut < 0:
                continue
            namespace, local = text[:cut + 1], text[cut + 1:]
            prefix = self.by_namespace.get(namespace)
            if prefix is not None and _LOCAL.match(local):
                self.used[prefix] = namespace
                out = f"{prefix}:{local}"
                break
        out = out or _iri(text)
        self.cache[text] = out
        return out

    def term(self, value) -> str:
        if type(value) is URIRef or isinstance(value, URIRef):
            return self.uri(value)
        if isinstance(value, Literal):
            text = string_text(str(value))
            if value.language:
                return f"{text}@{value.language}"
            if value.datatype is not None:
                return f"{text}^^{self.uri(value.datatype)}"
            return text
        if isinstance(value, BNode):
            found = self.bnodes.get(value)
            if found is None:
                found = self.bnodes[value] = "_:" + _BNODE_UNSAFE.sub("_", str(value))
            return found
        raise TypeError(f"not an RDF term: {value!r}")


def _index(graph: Graph) -> dict:
    """subject -> predicate -> objects (an iterable), in the order they were added."""
    store = graph.store
    if isinstance(store, SimpleMemory):
        index = getattr(store, "_SimpleMemory__spo", None)
        if isinstance(index, dict):
            return index
    subjects: dict = {}
    for s, p, o in graph:
        subjects.setdefault(s, {}).setdefault(p, []).append(o)
    return subjects


def serialize(graph: Graph) -> tuple[dict[str, str], str]:
    """``(prefix -> namespace used, Turtle statements)`` of ``graph``."""
    names = _Names(graph)
    term, uri = names.term, names.uri
    rdf_type = RDF.type
    blocks = []
    for subject, predicates in _index(graph).items():
        lines = []
        for predicate, objects in predicates.items():
            if not objects:  # SimpleMemory keeps emptied entries after a remove
                continue
            verb = "a" if predicate == rdf_type else uri(predicate)
            lines.append(verb + " " + ", ".join([term(o) for o in objects]))
        if lines:
            blocks.append(term(subject) + " " + " ;\n    ".join(lines) + " .")
    return names.used, "\n".join(blocks)
