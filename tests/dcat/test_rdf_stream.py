"""RDF/XML and JSON-LD catalogue pages streamed chunk by chunk (dcat/rdf_stream.py): the
same graph as the page's whole graph serialised at once (turtle_cache._whole_page), for
the site's and a province's catalogue, pages larger than a chunk, the paging and an
empty page; DCAT-AP 3.0.1 shapes with zero violations on the streamed RDF/XML."""
import json

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF

from ckanext.provincialstats import vocab
from ckanext.provincialstats.dcat import rdf_stream, turtle_cache
from tests.dcat import datasets, shacl
from tests.logic.helpers import PLUGINS

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
PARSERS = {"rdf": "xml", "xml": "xml", "jsonld": "json-ld"}
TYPES = {"rdf": "application/rdf+xml", "xml": "application/rdf+xml",
         "jsonld": "application/ld+json"}


def whole_page(app, path, page=1, province=None):
    """The page's whole graph, as the non-streamed path builds it (the paging links
    those of ``path``), read back."""
    fq = f'province:"{province}"' if province else None
    data_dict = {"page": page, "q": None, "fq": fq, "modified_since": None,
                 "format": "ttl", "profiles": None}
    entry = vocab.province(province) if province else None
    with app.flask_app.test_request_context(path, query_string={"page": page}):
        text = turtle_cache._whole_page(turtle_cache._Page({}, data_dict), data_dict,
                                        None, entry, False)
    return rdflib.Graph().parse(data=text, format="turtle")


def streamed(app, url, fmt):
    response = app.get(url)
    assert response.headers["Content-Type"].startswith(TYPES[fmt])
    return response.body, rdflib.Graph().parse(data=response.body, format=PARSERS[fmt])


def same(g, reference):
    """Isomorphic; else the triples only one side has, printed (blank nodes as _:)."""
    if isomorphic(g, reference):
        return True
    _both, first, second = graph_diff(to_isomorphic(g), to_isomorphic(reference))
    print("streamed only:", sorted(first)[:20], "\nwhole only:", sorted(second)[:20])
    return False


def datasets_in(g):
    return set(g.subjects(RDF.type, DCAT.Dataset))


@pytest.fixture
def chunks(monkeypatch):
    """One dataset per chunk, two per search batch; the chunk graphs built, counted."""
    monkeypatch.setattr(rdf_stream, "CHUNK", 1)
    monkeypatch.setattr(turtle_cache, "BATCH", 2)
    built = []
    real = rdf_stream.chunk_graph

    def counting(found, *args):
        built.append(len(found))
        return real(found, *args)

    monkeypatch.setattr(rdf_stream, "chunk_graph", counting)
    return built


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestStreamedRdf:
    @pytest.mark.parametrize("fmt", ["rdf", "jsonld"])
    def test_site_and_province_pages_are_the_whole_pages_graph(self, app, chunks, fmt):
        datasets.create_rich_catalogue()
        body, g = streamed(app, f"/catalog.{fmt}", fmt)
        assert chunks == [1, 1, 1]  # a page of three datasets, one chunk each
        assert len(datasets_in(g)) == 3
        reference = whole_page(app, f"/catalog.{fmt}")
        assert len(datasets_in(reference)) == 3
        assert same(g, reference)
        if fmt == "jsonld":
            document = json.loads(body)
            assert set(document) == {"@context", "@graph"}
            assert document["@context"]["dcat"] == str(DCAT)
        else:
            assert body.count("<rdf:RDF") == 1 and body.count("</rdf:RDF>") == 1

        chunks.clear()
        _body, g = streamed(app, f"/province/TH-22/catalog.{fmt}", fmt)
        reference = whole_page(app, f"/province/TH-22/catalog.{fmt}", province="TH-22")
        assert len(datasets_in(g)) == len(chunks) == len(datasets_in(reference)) >= 2
        assert same(g, reference)
        node = rdflib.URIRef("http://test.ckan.net/province/chanthaburi/catalog")
        assert set(g.objects(node, DCAT.dataset)) == datasets_in(g)
        assert (node, DCT.isPartOf, rdflib.URIRef("http://test.ckan.net")) in g

    @pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
    def test_paging_and_an_empty_page(self, app, chunks):
        datasets.create_rich_catalogue()
        for fmt in ("xml", "jsonld"):
            seen = set()
            for page, on_page in ((1, 2), (2, 1)):
                _body, g = streamed(app, f"/catalog.{fmt}?page={page}", fmt)
                assert len(datasets_in(g)) == on_page
                assert same(g, whole_page(app, f"/catalog.{fmt}", page))
                assert int(next(g.objects(None, HYDRA.totalItems))) == 3
                seen |= datasets_in(g)
            assert len(seen) == 3
            assert next(g.objects(None, HYDRA.previous), None) is not None

            chunks.clear()  # past the end: catalogue and paging only
            _body, g = streamed(app, f"/catalog.{fmt}?page=3", fmt)
            assert chunks == [] and datasets_in(g) == set()
            assert (None, RDF.type, DCAT.Catalog) in g
            assert int(next(g.objects(None, HYDRA.totalItems))) == 3
            assert same(g, whole_page(app, f"/catalog.{fmt}", 3))

    def test_content_negotiation_gives_the_streamed_page(self, app, chunks):
        datasets.create_rich_catalogue()
        for accept, fmt in (("application/rdf+xml", "rdf"), ("application/ld+json", "jsonld")):
            response = app.get("/", headers={"Accept": accept})
            assert response.headers["Content-Type"].startswith(TYPES[fmt])
            g = rdflib.Graph().parse(data=response.body, format=PARSERS[fmt])
            assert len(chunks) == 3  # read as the body was sent
            chunks.clear()
            assert same(g, whole_page(app, "/"))

    def test_streamed_rdf_xml_validates_with_zero_violations(self, app):
        shacl.shapes("full_and_ranges")  # skips without ../shared/reference
        datasets.create_rich_catalogue()
        _body, g = streamed(app, "/catalog.rdf", "rdf")
        assert len(datasets_in(g)) == 3
        for run in shacl.RUNS:
            assert shacl.results(g, run) == [], run


def _chunk(triples, **prefixes):
    g = rdflib.Graph()
    for prefix, namespace in prefixes.items():
        g.bind(prefix, namespace)
    for triple in triples:
        g.add(triple)
    return g


def test_rdf_xml_chunks_with_namespaces_the_envelope_lacks():
    """A namespace first met in a later chunk gets a prefix of its own, declared on that
    chunk's node elements; an envelope prefix is never redeclared to another namespace;
    blank nodes of different chunks stay apart."""
    one, two = rdflib.Namespace("http://one.example/#"), rdflib.Namespace("http://two.example/#")
    a, b = rdflib.URIRef("http://x.example/a"), rdflib.URIRef("http://x.example/b")
    writer = rdf_stream.XmlWriter({"dct": str(DCT), "ex": str(one)})
    n1, n2 = rdflib.BNode(), rdflib.BNode()
    first = _chunk([(a, one.p, n1), (n1, DCT.title, rdflib.Literal("หนึ่ง", lang="th"))])
    second = _chunk([(b, two.p, n2), (n2, two.q, rdflib.Literal("2")),
                     (b, RDF.type, two.Thing)], ex=two)  # "ex" is another namespace here
    text = writer.start() + writer.chunk(first) + writer.chunk(second) + writer.end()
    assert text.count('xmlns:ex="http://one.example/#"') == 1
    assert 'xmlns:ex="http://two.example/#"' not in text
    assert 'xmlns:' in text.split("</rdf:RDF>")[0].split(">", 2)[2]  # declared locally
    g = rdflib.Graph().parse(data=text, format="xml")
    assert isomorphic(g, first + second)
    assert len(set(g.subjects(None, None)) - {a, b}) == 2  # two blank nodes


def test_json_ld_chunks_make_one_document():
    a, b = rdflib.URIRef("http://x.example/a"), rdflib.URIRef("http://x.example/b")
    odd = rdflib.URIRef("http://odd.example/ns-without-delimiter")
    writer = rdf_stream.JsonLdWriter({"dct": str(DCT), "odd": "http://odd.example/ns"})
    first = _chunk([(a, DCT.title, rdflib.Literal("ก", lang="th")),
                    (a, DCT.extent, rdflib.BNode())])
    second = _chunk([(b, DCT.title, rdflib.Literal("b")), (b, odd, rdflib.Literal(2))])
    text = writer.start() + writer.chunk(first) + writer.chunk(second) + writer.end()
    document = json.loads(text)
    assert document["@context"] == {"dct": str(DCT)}  # no delimiter: not a prefix
    assert len(document["@graph"]) == 3
    assert isomorphic(rdflib.Graph().parse(data=text, format="json-ld"), first + second)
    empty = rdf_stream.JsonLdWriter({})
    assert json.loads(empty.start() + empty.end()) == {"@context": {}, "@graph": []}
