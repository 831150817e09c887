"""GD Catalog fields that DCAT and DCT have no property for, in the extension's own small
namespace, and the vocabulary document that describes each property (Thai and English).

The namespace is ``{base}/vocab/provincialstats#`` (base: the catalogue's base URI), its
document ``/vocab/provincialstats.ttl``. One property per field, named after the field in
camelCase (``unit_of_measure`` -> ``unitOfMeasure``); a resource field shares the
property of the dataset field of the same name (``resource_unit_of_measure`` ->
``unitOfMeasure``). Labels come from the dataset schema, so the document and the form
never disagree. The parser matches properties by their local name under any base, so a
feed of another catalogue with this extension is read back too.
"""
from __future__ import annotations

import functools
import importlib.resources
import re
from typing import Any

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, XSD

from ckanext.dcat.profiles import DCT, RDF, RDFS
from ckanext.provincialstats.dcat import concepts
from ckanext.provincialstats.dcat.turtle_writer import string_text

# Fields written with DCAT/DCT properties (or derived), never in the own namespace.
MAPPED_DATASET_FIELDS = {
    "title": "dct:title", "name": "dcat:landingPage (the dataset page)",
    "owner_org": "dct:publisher", "maintainer": "dcat:contactPoint vcard:fn",
    "maintainer_email": "dcat:contactPoint vcard:hasEmail", "tag_string": "dcat:keyword",
    "notes": "dct:description", "url": "dcat:landingPage",
    "province": "dct:spatial", "strategic_issue": "dcat:theme", "stat_sector": "dcat:theme",
    "first_year_of_data": "dct:temporal dcat:startDate (CE)",
    "last_year_of_data": "dct:temporal dcat:endDate (CE)",
    "first_year_ce": "dct:temporal dcat:startDate", "last_year_ce": "dct:temporal dcat:endDate",
    "num_years": "dct:temporal (derived)", "created_date": "dct:created",
    "west_bound_longitude": "dct:spatial dcat:bbox",
    "east_bound_longitude": "dct:spatial dcat:bbox",
    "north_bound_longitude": "dct:spatial dcat:bbox",
    "south_bound_longitude": "dct:spatial dcat:bbox",
}
# Fields written with a DCAT/DCT property AND kept in the own namespace, because the
# standard property loses the exact GD Catalog value (kept for a lossless round trip).
BOTH = {
    "update_frequency_unit": "dct:accrualPeriodicity",
    "update_frequency_interval": "dct:accrualPeriodicity",
    "data_language": "dct:language", "data_category": "dct:accessRights",
    "license_id": "dct:license",
}
MAPPED_RESOURCE_FIELDS = {
    "url": "dcat:accessURL", "name": "dct:title", "description": "dct:description",
    "format": "dct:format", "resource_created_date": "dct:issued",
}

_THAI = re.compile("[\u0e00-\u0e7f]")
_LATIN = re.compile("[A-Za-z]{2}")


def lang_of(text: str) -> str | None:
    """``th`` for a text with any Thai letter, ``en`` for one with Latin words, None
    (no language tag) for numbers and codes."""
    if _THAI.search(text):
        return "th"
    return "en" if _LATIN.search(text) else None


def namespace() -> Namespace:
    return Namespace(f"{concepts.base()}/vocab/provincialstats#")


def camel(field_name: str) -> str:
    head, *rest = field_name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@functools.lru_cache(maxsize=None)
def _schema() -> dict[str, Any]:
    text = (importlib.resources.files("ckanext.provincialstats.schemas") / "dataset.yaml"
            ).read_text(encoding="utf-8")
    # libyaml's loader when PyYAML has it: the pure-Python one took ~0.2 s, paid by the
    # first catalogue page a web process serves
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _kind(field: dict) -> str:
    preset = field.get("preset", "")
    if "multiple_choice" in preset:
        return "list"
    if preset == "date":
        return "date"
    if preset == "provincialstats_positive_int":
        return "int"
    if preset == "provincialstats_number":
        return "decimal"
    if preset == "provincialstats_url":
        return "uri"
    if preset in ("provincialstats_text", "provincialstats_markdown"):
        return "text"
    return "code"


class Field:
    __slots__ = ("name", "local", "kind", "label", "resource")

    def __init__(self, name, local, kind, label, resource):
        self.name, self.local, self.kind = name, local, kind
        self.label, self.resource = label, resource


@functools.lru_cache(maxsize=None)
def own_fields(resource: bool = False) -> tuple[Field, ...]:
    """The fields written in the own namespace (dataset or resource)."""
    key = "resource_fields" if resource else "dataset_fields"
    mapped = MAPPED_RESOURCE_FIELDS if resource else MAPPED_DATASET_FIELDS
    out = []
    for field in _schema()[key]:
        name = field["field_name"]
        if name in mapped:
            continue
        base_name = name[len("resource_"):] if name.startswith("resource_") else name
        label = field.get("label")
        if not isinstance(label, dict):
            label = {"en": label or name, "th": label or name}
        out.append(Field(name, camel(base_name), _kind(field), label, resource))
    return tuple(out)


def literal(field: Field, value: Any) -> Literal | None:
    """One value of ``field`` as an RDF literal (None for an empty value)."""
    if value in (None, ""):
        return None
    if field.kind == "text":
        text = str(value)
        return Literal(text, lang=lang_of(text))
    if field.kind == "date":
        return Literal(str(value)[:10], datatype=XSD.date)
    if field.kind == "int":
        return Literal(int(value), datatype=XSD.integer)
    if field.kind == "decimal":
        return Literal(str(value), datatype=XSD.decimal)
    if field.kind == "uri":
        return Literal(str(value), datatype=XSD.anyURI)
    return Literal(str(value))


_DATATYPES = {"date": "date", "int": "integer", "decimal": "decimal", "uri": "anyURI"}
_PLAIN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def _literal_text(field: Field, value: Any) -> str | None:
    """:func:`literal` as Turtle text (a datatype as ``xsd:...``): parsed, the same
    literal."""
    if value in (None, ""):
        return None
    kind = field.kind
    if kind == "text":
        text = str(value)
        lang = lang_of(text)
        return string_text(text) + (f"@{lang}" if lang else "")
    if kind == "date":
        lexical = str(value)[:10]
    elif kind == "int":
        lexical = str(int(value))
    elif kind in ("decimal", "uri"):
        lexical = str(value)
    else:
        return string_text(str(value))
    return f"{string_text(lexical)}^^xsd:{_DATATYPES[kind]}"


def turtle(data: dict, own: tuple[Field, ...], ns: Namespace,
           prefixes: dict[str, str]) -> str:
    """The predicate-object list (``pstat:a "x" ; pstat:b "y"``) of ``data``'s values of
    the ``own`` fields, the same triples as the profile adds with :func:`literal`; the
    prefixes it uses (``pstat``, ``xsd``) are added to ``prefixes``. Empty: no value."""
    from ckanext.provincialstats.dcat.profile import _as_list  # (profile imports this)

    parts = []
    for field in own:
        items = data.get(field.name)
        if items is None or items == "":  # no value (most fields of most datasets)
            continue
        if field.kind == "list":
            items = _as_list(items)
        else:
            items = [items]
        objects = [t for t in (_literal_text(field, item) for item in items) if t]
        if not objects:
            continue
        if _PLAIN_LOCAL.match(field.local):
            verb = "pstat:" + field.local
            prefixes["pstat"] = str(ns)
        else:
            verb = "<%s%s>" % (ns, field.local)
        if field.kind in _DATATYPES:
            prefixes["xsd"] = str(XSD)
        parts.append(verb + " " + ", ".join(objects))
    return " ;\n    ".join(parts)


def value(field: Field, literal_value) -> Any:
    """The CKAN value of one literal of ``field`` (the inverse of :func:`literal`)."""
    if field.kind == "int":
        try:
            return str(int(literal_value))
        except (TypeError, ValueError):
            return str(literal_value)
    return str(literal_value)


_COMMENT_EN = "The GD Catalog field {name} ({label}) of a {what}{standard}."
_COMMENT_TH = "ค่าของฟิลด์ {name} ({label}) ของ{what}ตามมาตรฐาน GD Catalog{standard}"
_WHAT = {False: ("dataset", "ชุดข้อมูล"), True: ("distribution (resource)", "ทรัพยากร")}


def vocabulary_graph() -> Graph:
    """The namespace's vocabulary document: one ``rdf:Property`` per own field."""
    ns = namespace()
    g = Graph()
    g.bind("pstat", ns)
    g.bind("dct", DCT)
    g.bind("owl", OWL)
    doc = URIRef(str(ns).rstrip("#"))
    g.add((doc, RDF.type, OWL.Ontology))
    g.add((doc, DCT.title, Literal("คำศัพท์ของศูนย์ข้อมูลกลางจังหวัด", lang="th")))
    g.add((doc, DCT.title, Literal("Provincial statistics data centre vocabulary", lang="en")))
    g.add((doc, DCT.description, Literal(
        "ฟิลด์ของมาตรฐานชุดข้อมูลภาครัฐ (GD Catalog) ที่ไม่มีคุณสมบัติเทียบเท่าใน DCAT หรือ "
        "DCMI Terms", lang="th")))
    g.add((doc, DCT.description, Literal(
        "Thai Government Data Catalog (GD Catalog) fields that DCAT and DCMI Terms have no "
        "property for. Values are the GD Catalog's own (Thai choice values as the national "
        "catalogue stores them).", lang="en")))
    seen: dict[str, list[Field]] = {}
    for field in own_fields() + own_fields(resource=True):
        seen.setdefault(field.local, []).append(field)
    for local, fields in seen.items():
        ref = ns[local]
        g.add((ref, RDF.type, RDF.Property))
        g.add((ref, RDFS.isDefinedBy, doc))
        first = fields[0]
        g.add((ref, RDFS.label, Literal(first.label.get("th") or first.name, lang="th")))
        g.add((ref, RDFS.label, Literal(first.label.get("en") or first.name, lang="en")))
        for field in fields:
            what_en, what_th = _WHAT[field.resource]
            also = BOTH.get(field.name)
            g.add((ref, RDFS.comment, Literal(_COMMENT_EN.format(
                name=field.name, label=field.label.get("en"), what=what_en,
                standard=f"; also published as {also}" if also else ""), lang="en")))
            g.add((ref, RDFS.comment, Literal(_COMMENT_TH.format(
                name=field.name, label=field.label.get("th"), what=what_th,
                standard=f" (เผยแพร่เป็น {also} ด้วย)" if also else ""), lang="th")))
        if first.kind in ("date", "int", "decimal", "uri"):
            g.add((ref, RDFS.range, {"date": XSD.date, "int": XSD.integer,
                                     "decimal": XSD.decimal, "uri": XSD.anyURI}[first.kind]))
        else:
            g.add((ref, RDFS.range, RDFS.Literal))
    return g
