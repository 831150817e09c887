"""The quality score in the DCAT output, with the W3C Data Quality Vocabulary (DQV).

Every dataset of type ``dataset`` gets one ``dqv:QualityMeasurement`` per published
metric (``dqv:hasQualityMeasurement``; a blank node with ``dqv:isMeasurementOf`` the
metric and ``dqv:value`` the points as ``xsd:integer``; ``dqv:computedOn`` is left out,
``dqv:hasQualityMeasurement`` already says which dataset it measures):

=========================================  ===========================  =====
metric (``{base}/vocab/quality/...``)      dimension                    max
=========================================  ===========================  =====
``findability-score``                      ``findability``              100
``accessibility-score``                    ``accessibility``            100
``interoperability-score``                 ``interoperability``         110
``reusability-score``                      ``reusability``              75
``contextuality-score``                    ``contextuality``            20
``mqa-score`` (the five above, 405)        ``overall``                  405
``provincial-score``                       ``provincial``               100
=========================================  ===========================  =====

The metrics, their dimensions and the two categories (``mqa``: the data.europa.eu
Metadata Quality Assessment; ``provincial-needs``) are described in Thai and English in
the catalogue's own vocabulary document ``/vocab/quality.ttl`` (also ``.rdf``,
``.jsonld``), served with the other vocabularies.

Cost: the score is computed from what is stored (the dataset dict the search index
returns, the URL checks the background jobs stored, the charts' links), never by
fetching anything. A catalogue page reads those in bulk, two queries for the whole page
(:func:`prefetched`); a single dataset's document reads them for that dataset only.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime
import re
from typing import Any, Iterable, Iterator

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ckanext.dcat.profiles import DCT
from ckanext.provincialstats.dcat import concepts
from ckanext.provincialstats.quality import score as quality

DQV = Namespace("http://www.w3.org/ns/dqv#")
DOCUMENT = "quality"

CATEGORIES = {
    "mqa": ("การประเมินคุณภาพเมทาดาตาของ data.europa.eu (MQA)",
            "data.europa.eu Metadata Quality Assessment (MQA)"),
    "provincial-needs": ("ความต้องการของสำนักงานสถิติจังหวัด",
                         "Needs of a provincial statistics office"),
}
# dimension -> (category, Thai label, English label, English definition)
DIMENSIONS = {
    "findability": ("mqa", "การค้นพบได้", "Findability",
                    "Keywords, categories, spatial and temporal coverage."),
    "accessibility": ("mqa", "การเข้าถึงได้", "Accessibility",
                      "Access and download URLs present and answering."),
    "interoperability": ("mqa", "การทำงานร่วมกันได้", "Interoperability",
                         "Formats and media types, from vocabularies, open and "
                         "machine-readable; DCAT-AP mandatory properties."),
    "reusability": ("mqa", "การนำกลับมาใช้ซ้ำได้", "Reusability",
                    "Licence, access restrictions, contact point and publisher."),
    "contextuality": ("mqa", "บริบท", "Contextuality",
                      "Rights, file size, dates of issue and modification."),
    "overall": ("mqa", "คุณภาพเมทาดาตาโดยรวม", "Overall metadata quality",
                "The five MQA dimensions together (405 points)."),
    "provincial": ("provincial-needs", "ความต้องการของจังหวัด", "Provincial needs",
                   "A time series of at least 3 years, not overdue for its update "
                   "frequency, linked from an official statistics chart of its "
                   "province."),
}
TOTAL_METRIC = "mqa-score"


def base_uri() -> str:
    return f"{concepts.base()}/vocab/{DOCUMENT}"


def term(code: str) -> URIRef:
    """A category, dimension or metric of the quality vocabulary."""
    return URIRef(f"{base_uri()}/{code}")


def metric_code(dimension: str) -> str:
    return TOTAL_METRIC if dimension == "overall" else f"{dimension}-score"


def maxima() -> dict[str, int]:
    """The points each metric is out of (from the scoring itself)."""
    probe = quality.score_dataset({"id": "-", "name": "-"}, checks={}, charted=False)
    out = {metric_code(d): v["max"] for d, v in probe["dimensions"].items()}
    out[TOTAL_METRIC] = probe["max"]
    return out


def values(score: dict[str, Any]) -> dict[str, int]:
    """metric code -> points of one dataset's score."""
    out = {metric_code(d): v["score"] for d, v in score["dimensions"].items()}
    out[TOTAL_METRIC] = score["total"]
    return out


# ---- the scores of the datasets being serialised --------------------------------------

_PREFETCHED: contextvars.ContextVar[dict[str, dict[str, int]] | None] = \
    contextvars.ContextVar("provincialstats_dqv_prefetched", default=None)


def scored(dataset: dict[str, Any]) -> bool:
    return dataset.get("type", "dataset") == "dataset" and bool(dataset.get("id"))


def bulk_values(datasets: Iterable[dict[str, Any]],
                now: datetime.datetime | None = None) -> dict[str, dict[str, int]]:
    """dataset id -> metric values, for the scored ones; two queries in all, the
    charts' one at most once per state of the search index (catalogue pages:
    read-only requests; :func:`.score.charted_datasets`)."""
    wanted = [d for d in datasets if scored(d)]
    if not wanted:
        return {}
    return {d["id"]: values(s) for d, s in zip(
        wanted, quality.score_datasets(wanted, now, memo=True))}


@contextlib.contextmanager
def prefetched(found: dict[str, dict[str, int]]) -> Iterator[None]:
    """Within the block, :func:`values_for` answers from ``found`` (a page's
    :func:`bulk_values`) instead of reading one dataset's inputs."""
    token = _PREFETCHED.set(found)
    try:
        yield
    finally:
        _PREFETCHED.reset(token)


def values_for(dataset: dict[str, Any]) -> dict[str, int] | None:
    if not scored(dataset):
        return None
    found = _PREFETCHED.get()
    if found is not None and dataset["id"] in found:
        return found[dataset["id"]]
    return values(quality.score_dataset(dataset))


_AS_TEXT: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "provincialstats_dqv_as_text", default=False)


@contextlib.contextmanager
def written_as_text() -> Iterator[None]:
    """Within the block the profile adds no measurements to the graph: the caller writes
    them itself with :func:`turtle` (the Turtle chunks: less rdflib work per dataset)."""
    token = _AS_TEXT.set(True)
    try:
        yield
    finally:
        _AS_TEXT.reset(token)


def as_text() -> bool:
    return _AS_TEXT.get()


def turtle(dataset_iri: str, dataset_id: str, metric_values: dict[str, int]) -> str:
    """The same measurements as :func:`add_measurements`, as Turtle statements (prefix
    ``dqv``; blank node labels made from the dataset's id, unique in a page)."""
    label = "_:dqv_" + re.sub(r"[^A-Za-z0-9]", "_", dataset_id) + "_"
    prefix = base_uri() + "/"
    nodes = [label + code.replace("-", "_") for code in metric_values]
    lines = ["<%s> dqv:hasQualityMeasurement %s ." % (dataset_iri, ", ".join(nodes))]
    for node, (code, value) in zip(nodes, metric_values.items()):
        lines.append("%s a dqv:QualityMeasurement ; dqv:isMeasurementOf <%s%s> ; "
                     "dqv:value %d ." % (node, prefix, code, int(value)))
    return "\n".join(lines)


def add_measurements(g: Graph, dataset_ref: URIRef, metric_values: dict[str, int]) -> None:
    """The dataset's ``dqv:hasQualityMeasurement`` nodes."""
    g.bind("dqv", DQV)
    prefix = base_uri() + "/"
    for code, value in metric_values.items():
        node = BNode()
        g.add((dataset_ref, DQV.hasQualityMeasurement, node))
        g.add((node, RDF.type, DQV.QualityMeasurement))
        g.add((node, DQV.isMeasurementOf, URIRef(prefix + code)))
        g.add((node, DQV.value, Literal(int(value), datatype=XSD.integer)))


# ---- the vocabulary document --------------------------------------------------------

def vocabulary_graph() -> Graph:
    """``/vocab/quality``: the categories, dimensions and metrics of the score."""
    g = Graph()
    g.bind("dqv", DQV)
    g.bind("dct", DCT)
    g.bind("skos", SKOS)
    doc = URIRef(base_uri())
    g.add((doc, RDF.type, SKOS.ConceptScheme))
    for text, lang in (("ตัวชี้วัดคุณภาพเมทาดาตาของศูนย์ข้อมูลกลางจังหวัด", "th"),
                       ("Metadata quality metrics of the provincial statistics data "
                        "centre", "en")):
        g.add((doc, DCT.title, Literal(text, lang=lang)))
        g.add((doc, SKOS.prefLabel, Literal(text, lang=lang)))
    g.add((doc, DCT.description, Literal(
        "คะแนนคุณภาพของชุดข้อมูลแต่ละชุดตามวิธีของ data.europa.eu (5 มิติ 405 คะแนน) "
        "และมิติของจังหวัด เผยแพร่ในบัญชีข้อมูล DCAT เป็น dqv:QualityMeasurement", lang="th")))
    g.add((doc, DCT.description, Literal(
        "Each dataset's quality score as data.europa.eu's Metadata Quality Assessment "
        "computes it (five dimensions, 405 points) plus a provincial dimension, published "
        "in the DCAT catalogue as dqv:QualityMeasurement values (integer points) of "
        "these metrics. Methodology: https://data.europa.eu/mqa/methodology", lang="en")))
    g.add((doc, RDFS.seeAlso, URIRef("https://data.europa.eu/mqa/methodology")))
    for code, (th, en) in CATEGORIES.items():
        ref = term(code)
        g.add((ref, RDF.type, DQV.Category))
        _labels(g, ref, doc, th, en)
    points = maxima()
    for dimension, (category, th, en, definition) in DIMENSIONS.items():
        ref = term(dimension)
        g.add((ref, RDF.type, DQV.Dimension))
        g.add((ref, DQV.inCategory, term(category)))
        _labels(g, ref, doc, th, en)
        g.add((ref, SKOS.definition, Literal(definition, lang="en")))
        code = metric_code(dimension)
        metric = term(code)
        g.add((metric, RDF.type, DQV.Metric))
        g.add((metric, DQV.inDimension, ref))
        g.add((metric, DQV.expectedDataType, XSD.integer))
        _labels(g, metric, doc, f"คะแนน{th} (เต็ม {points[code]})",
                f"{en} score (out of {points[code]})")
        g.add((metric, SKOS.definition, Literal(
            f"Points of the {en.lower()} dimension, 0 to {points[code]}. {definition}",
            lang="en")))
        g.add((metric, SKOS.definition, Literal(
            f"คะแนนมิติ{th} ตั้งแต่ 0 ถึง {points[code]}", lang="th")))
    return g


def _labels(g: Graph, ref: URIRef, doc: URIRef, th: str, en: str) -> None:
    g.add((ref, SKOS.inScheme, doc))
    g.add((ref, SKOS.prefLabel, Literal(th, lang="th")))
    g.add((ref, SKOS.prefLabel, Literal(en, lang="en")))


def codes() -> set[str]:
    """Every category, dimension and metric code (the concept URIs that resolve)."""
    return set(CATEGORIES) | set(DIMENSIONS) | {metric_code(d) for d in DIMENSIONS}
