"""pyshacl against the official DCAT-AP 3.0.1 shapes (../shared/reference/shacl, read-only).

Two runs:

- ``dcat-ap-SHACL.ttl`` + ``ranges.ttl``: the full shapes (mandatory properties and
  classes, cardinalities, node kinds) with the class of every property's value (the
  ranges). ``ranges.ttl`` 3.0.1 links five property shapes that neither file defines
  (``dcat:DatasetShape/4918ff7a...`` and four more: pyshacl refuses the merged graph with
  "not a well-formed SHACL PropertyShape"); those five dangling links are dropped, every
  defined shape is kept;
- ``html_shapes.ttl`` + ``html_range.ttl`` + ``html_mdr-vocabularies.shape.ttl``: the
  split release, with the controlled vocabularies (EU frequency, language, file type,
  access right: ``skos:inScheme`` of each value).
"""
import pathlib

import pytest
import rdflib

REFERENCE = pathlib.Path(__file__).resolve().parents[3] / "shared" / "reference"
SHAPES = REFERENCE / "shacl" / "dcat-ap-3.0.1"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RUNS = {
    "full_and_ranges": ["dcat-ap-SHACL.ttl", "ranges.ttl"],
    "vocabularies": ["html_shapes.ttl", "html_range.ttl", "html_mdr-vocabularies.shape.ttl"],
}


def shapes(run):
    if not SHAPES.exists():
        pytest.skip(f"DCAT-AP 3.0.1 shapes not found at {SHAPES} (../shared/reference)")
    g = rdflib.Graph()
    for name in RUNS[run]:
        g.parse(SHAPES / name, format="turtle")
    dangling = [(s, o) for s, o in g.subject_objects(SH.property)
                if g.value(o, SH.path) is None]
    assert len(dangling) <= 5, dangling
    for s, o in dangling:
        g.remove((s, SH.property, o))
    return g


US_SHAPES = REFERENCE / "shacl" / "dcat-us-3.0" / "dcat-us_3.0_shacl_shapes.ttl"


def dcat_us_violations(data_graph):
    """Top-level violations of the DCAT-US 3.0 shapes."""
    import pyshacl

    if not US_SHAPES.exists():
        pytest.skip(f"DCAT-US 3.0 shapes not found at {US_SHAPES} (../shared/reference)")
    shapes_graph = rdflib.Graph().parse(US_SHAPES, format="turtle")
    _conforms, report, _text = pyshacl.validate(
        data_graph, shacl_graph=shapes_graph, inference="none", allow_warnings=True)
    return sorted({(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
                    str(report.value(r, SH.resultMessage)))
                   for r in report.objects(None, SH.result)
                   if report.value(r, SH.resultSeverity) == SH.Violation})


def results(data_graph, run, severity="Violation"):
    """The results of one run at ``severity``, as (focus, path, message) tuples."""
    import pyshacl

    _conforms, report, _text = pyshacl.validate(
        data_graph, shacl_graph=shapes(run), inference="none", allow_warnings=True)
    sh = SH
    out = []
    # Top-level results only: a warning's sh:detail holds the nested results that made
    # it, each with the nested shape's default severity (Violation).
    for result in report.objects(None, sh.result):
        if report.value(result, sh.resultSeverity) != sh[severity]:
            continue
        out.append((str(report.value(result, sh.focusNode)),
                    str(report.value(result, sh.resultPath)),
                    str(report.value(result, sh.resultMessage)),
                    str(report.value(result, sh.sourceShape))))
    return sorted(set(out))
