"""The plain Turtle writer of the cached catalogue chunks."""
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, XSD

from ckanext.provincialstats.dcat import turtle_writer

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def test_awkward_text_parses_back_to_the_same_graph():
    g = rdflib.Graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    ds = rdflib.URIRef("http://example.org/dataset/1")
    node = rdflib.BNode()
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, rdflib.Literal('ข้าว "นาปี"\nบรรทัดสอง\t\\', lang="th")))
    g.add((ds, DCTERMS.description, rdflib.Literal("plain")))
    g.add((ds, DCTERMS.issued, rdflib.Literal("2024-01-01", datatype=XSD.date)))
    g.add((ds, DCTERMS.identifier, rdflib.Literal(42)))
    g.add((ds, DCTERMS.spatial, rdflib.URIRef("http://example.org/vocab/provinces/TH-22")))
    g.add((ds, DCAT.keyword, rdflib.Literal("a"), ))
    g.add((ds, DCAT.keyword, rdflib.Literal("b")))
    g.add((ds, DCTERMS.temporal, node))
    g.add((node, DCAT.startDate, rdflib.Literal("1981-01-01", datatype=XSD.date)))
    g.add((ds, DCTERMS.relation, rdflib.URIRef("http://example.org/1.5#x")))
    prefixes, body = turtle_writer.serialize(g)
    text = "".join(f"@prefix {p}: <{n}> .\n" for p, n in prefixes.items()) + body
    back = rdflib.Graph().parse(data=text, format="turtle")
    assert isomorphic(g, back)
    assert "dcat:Dataset" in body and "dct:title" in body


def test_iri_with_characters_turtle_forbids_is_escaped_not_broken():
    g = rdflib.Graph()
    g.add((rdflib.URIRef("http://example.org/d"), DCAT.accessURL,
           rdflib.URIRef("http://example.org/a file<1>.csv")))
    prefixes, body = turtle_writer.serialize(g)
    text = "".join(f"@prefix {p}: <{n}> .\n" for p, n in prefixes.items()) + body
    back = rdflib.Graph().parse(data=text, format="turtle")
    assert str(back.value(rdflib.URIRef("http://example.org/d"), DCAT.accessURL)) == \
        "http://example.org/a%20file%3C1%3E.csv"


def test_own_fields_as_text_are_the_same_literals_as_in_the_graph():
    from ckanext.provincialstats.dcat import fields
    from ckanext.provincialstats.dcat.profile import _as_list

    ns = rdflib.Namespace("http://example.org/vocab/provincialstats#")
    own = tuple(fields.Field(name, name, kind, {}, False) for name, kind in (
        ("t", "text"), ("d", "date"), ("i", "int"), ("n", "decimal"), ("u", "uri"),
        ("c", "code"), ("l", "list"), ("e", "text")))
    data = {"t": 'ข้าว "หอม"\nสอง', "d": "2024-05-01T10:00:00", "i": "042", "n": "1.50",
            "u": "http://example.org/a b", "c": "True", "l": '["ก", "b"]', "e": ""}
    prefixes = {}
    text = fields.turtle(data, own, ns, prefixes)
    document = "".join(f"@prefix {p}: <{n}> .\n" for p, n in prefixes.items())
    back = rdflib.Graph().parse(data=document + f"<http://example.org/d> {text} .",
                                format="turtle")
    expected = rdflib.Graph()
    subject = rdflib.URIRef("http://example.org/d")
    for field in own:
        values = _as_list(data[field.name]) if field.kind == "list" \
            else [data[field.name]]
        for value in values:
            if fields.literal(field, value) is not None:
                expected.add((subject, ns[field.local], fields.literal(field, value)))
    assert len(back) == 8 and set(back) == set(expected)
