"""The published vocabularies, the catalogue's and a province's paging, content
negotiation and the schema.org JSON-LD of dataset pages."""
import json
import re

import pytest
import rdflib
from ckan.tests import factories
from ckan.tests.helpers import call_action
from rdflib.namespace import RDF, RDFS, SKOS

from tests.dcat import datasets, shacl
from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical

BASE = "http://test.ckan.net"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = rdflib.Namespace("http://schema.org/")
PSTAT = rdflib.Namespace(BASE + "/vocab/provincialstats#")


def parse(body, fmt="turtle"):
    return rdflib.Graph().parse(data=body, format=fmt)


def crawl(app, url):
    """Follow hydra:next from ``url``; returns (dataset URIs per page, first page graph)."""
    pages, first = [], None
    seen = set()
    while url:
        assert url not in seen, f"paging loops at {url}"
        seen.add(url)
        g = parse(app.get(url.replace(BASE, "")).body)
        first = first if first is not None else g
        pages.append(sorted(map(str, g.subjects(RDF.type, DCAT.Dataset))))
        url = next((str(o) for o in g.objects(None, HYDRA.next)), None)
    return pages, first


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestVocabularies:
    def test_provinces_scheme_in_three_formats(self, app):
        for fmt, rdflib_format, content_type in (
                ("ttl", "turtle", "text/turtle"), ("rdf", "xml", "application/rdf+xml"),
                ("jsonld", "json-ld", "application/ld+json")):
            response = app.get(f"/vocab/provinces.{fmt}")
            assert response.headers["Content-Type"].startswith(content_type)
            g = parse(response.body, rdflib_format)
            provinces = [c for c in g.subjects(SKOS.inScheme,
                                               rdflib.URIRef(BASE + "/vocab/provinces"))
                         if "/vocab/provinces/" in str(c)]
            assert len(provinces) == 77, fmt
        th22 = rdflib.URIRef(BASE + "/vocab/provinces/TH-22")
        assert {(str(o), o.language) for o in g.objects(th22, SKOS.prefLabel)} == {
            ("จันทบุรี", "th"), ("Chanthaburi", "en")}
        assert str(g.value(th22, SKOS.notation)) == "TH-22"
        east = g.value(th22, SKOS.broader)
        assert str(east) == BASE + "/vocab/regions/east"
        assert ("ภาคตะวันออก", "th") in {(str(o), o.language)
                                          for o in g.objects(east, SKOS.prefLabel)}

    def test_sectors_and_strategic_issues(self, app):
        pilot_provinces(all_provinces=False)
        issue = strategic_issue()["name"]
        sectors = parse(app.get("/vocab/stat-sectors.ttl").body)
        assert len(set(sectors.subjects(SKOS.inScheme,
                                        rdflib.URIRef(BASE + "/vocab/stat-sectors")))) == 21
        eleven = rdflib.URIRef(BASE + "/vocab/stat-sectors/11")
        assert ("Agriculture and fisheries", "en") in {
            (str(o), o.language) for o in sectors.objects(eleven, SKOS.prefLabel)}
        issues = parse(app.get("/vocab/strategic-issues.ttl").body)
        ref = rdflib.URIRef(f"{BASE}/vocab/strategic-issues/{issue}")
        assert {o.language for o in issues.objects(ref, SKOS.prefLabel)} == {"th", "en"}
        assert str(issues.value(ref, DCT.spatial)) == BASE + "/vocab/provinces/TH-22"

    def test_namespace_document_describes_every_property_the_feed_uses(self, app):
        datasets.create_rich_catalogue()
        doc = parse(app.get("/vocab/provincialstats.ttl").body)
        feed = parse(app.get("/catalog.ttl").body)
        used = {p for p in feed.predicates() if str(p).startswith(str(PSTAT))}
        assert len(used) > 20
        for prop in used:
            assert (prop, RDF.type, RDF.Property) in doc, prop
            for predicate in (RDFS.label, RDFS.comment):
                assert {o.language for o in doc.objects(prop, predicate)} >= {"th", "en"}, \
                    (prop, predicate)
        assert ("หน่วยวัด (สำหรับชุดข้อมูลสถิติ)", "th") in {
            (str(o), o.language) for o in doc.objects(PSTAT.unitOfMeasure, RDFS.label)}

    def test_concept_and_scheme_uris_redirect_to_the_document(self, app):
        response = app.get("/vocab/provinces/TH-22", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/vocab/provinces.ttl")
        response = app.get("/vocab/stat-sectors", follow_redirects=False,
                           headers={"Accept": "application/ld+json"})
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/vocab/stat-sectors.jsonld")
        assert app.get("/vocab/regions/east", follow_redirects=False).status_code == 303

    def test_unknown_vocabulary_concept_or_format_is_404_naming_it(self, app):
        assert "nosuch" in app.get("/vocab/nosuch.ttl", status=404).body
        assert "TH-99" in app.get("/vocab/provinces/TH-99", status=404).body
        assert "docx" in app.get("/vocab/provinces.docx", status=404).body


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 4)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPaging:
    def _create(self, count, province, prefix):
        context = {"ignore_auth": True, "user": factories.Sysadmin()["name"]}
        return [call_action("package_create", dict(context), **statistical(
            name=f"{prefix}-{i}", title=f"{prefix} {i}", province=[province]))["id"]
            for i in range(count)]

    def test_catalogue_pages_cover_every_dataset_once(self, app):
        ids = self._create(7, "TH-22", "chan") + self._create(3, "TH-13", "pathum")
        pages, first = crawl(app, "/catalog.ttl")
        assert [len(p) for p in pages] == [4, 4, 2]
        found = [uri.rsplit("/", 1)[1] for page in pages for uri in page]
        assert sorted(found) == sorted(ids)
        assert int(next(first.objects(None, HYDRA.totalItems))) == 10
        assert str(next(first.objects(None, HYDRA.last))).endswith("page=3")

    def test_province_catalogue_has_only_its_datasets_with_the_same_paging(self, app):
        chan = self._create(6, "TH-22", "chan")
        self._create(3, "TH-13", "pathum")
        pilot_provinces(all_provinces=False)
        for path in ("/province/chanthaburi/catalog.ttl", "/province/TH-22/catalog.ttl"):
            pages, first = crawl(app, path)
            assert [len(p) for p in pages] == [4, 2], path
            found = [uri.rsplit("/", 1)[1] for page in pages for uri in page]
            assert sorted(found) == sorted(chan)
            assert int(next(first.objects(None, HYDRA.totalItems))) == 6
            nxt = str(next(first.objects(None, HYDRA.next)))
            assert "/province/" in nxt and nxt.endswith("page=2")
        body = app.get("/province/chanthaburi/catalog.jsonld").body
        assert len(set(parse(body, "json-ld").subjects(RDF.type, DCAT.Dataset))) == 4
        assert app.get("/province/atlantis/catalog.ttl", status=404)
        assert "page" in app.get("/province/chanthaburi/catalog.ttl?page=0", status=409).body

    @pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld"])
    def test_a_page_past_the_searchable_range_or_a_bad_query_is_a_409_naming_it(self, app, fmt):
        """A page whose first row is past what the search can address (4 per page here:
        page 536,870,913 on) or a malformed filter: a 409 naming it, before any output,
        not a 500 from the middle of a stream."""
        self._create(2, "TH-22", "chan")
        pilot_provinces(all_provinces=False)
        for path in (f"/catalog.{fmt}", f"/province/chanthaburi/catalog.{fmt}"):
            body = app.get(f"{path}?page=1000000000", status=409).body
            assert "1000000000" in body and "536870912" in body, path
            assert app.get(f"{path}?page=99999999999999999999", status=409)
            # the last addressable page is an ordinary empty page
            assert app.get(f"{path}?page=536870912", status=200)
            assert "invalid" in app.get(f"{path}?q=title:(", status=409).body

    def test_province_catalogue_is_a_catalogue_of_its_own_inside_the_sites(self, app):
        chan = self._create(10, "TH-22", "chan")
        self._create(3, "TH-13", "pathum")
        pilot_provinces(all_provinces=False)
        node = rdflib.URIRef(BASE + "/province/chanthaburi/catalog")
        site = rdflib.URIRef(BASE)
        pages, first = crawl(app, "/province/chanthaburi/catalog.ttl")
        assert [len(p) for p in pages] == [4, 4, 2]
        assert sorted(uri.rsplit("/", 1)[1] for page in pages for uri in page) == \
            sorted(chan)
        assert set(first.subjects(RDF.type, DCAT.Catalog)) == {node, site}
        titles = {(str(o), o.language) for o in first.objects(node, DCT.title)}
        assert titles == {("บัญชีข้อมูลจังหวัดจันทบุรี", "th"),
                          ("Chanthaburi province data catalogue", "en")}
        assert str(first.value(node, DCT.spatial)) == BASE + "/vocab/provinces/TH-22"
        assert (node, DCT.isPartOf, site) in first and (site, DCT.hasPart, node) in first
        assert first.value(node, DCT.publisher) == first.value(site, DCT.publisher)
        linked = set(first.objects(node, DCAT.dataset))
        assert len(linked) == 4 and not set(first.objects(site, DCAT.dataset))
        # hydra: the province's own paging, first to last
        paging = {str(p).rsplit("#", 1)[-1]: str(o)
                  for p, o in first.predicate_objects(
                      rdflib.URIRef(BASE + "/province/chanthaburi/catalog.ttl?page=1"))}
        assert paging["totalItems"] == "10"
        assert paging["last"].endswith("/province/chanthaburi/catalog.ttl?page=3")
        last = parse(app.get("/province/chanthaburi/catalog.ttl?page=3").body)
        assert not list(last.objects(None, HYDRA.next))
        assert str(next(last.objects(None, HYDRA.previous))).endswith("page=2")
        if shacl.SHAPES.exists():
            for run in shacl.RUNS:
                assert shacl.results(first, run) == [], run
        # the same node in the other formats, and its URI answers with the document
        rdf = parse(app.get("/province/TH-22/catalog.rdf").body, "xml")
        assert (node, DCT.isPartOf, site) in rdf
        response = app.get("/province/chanthaburi/catalog", follow_redirects=False,
                           headers={"Accept": "application/ld+json"})
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/province/chanthaburi/catalog.jsonld")
        assert app.get("/province/atlantis/catalog", status=404)
        # the site's catalogue keeps its own node
        site_page = parse(app.get("/catalog.ttl").body)
        assert set(site_page.subjects(RDF.type, DCAT.Catalog)) == {site}

@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat structured_data")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config("ckanext.dcat.structured_data.profiles",
                         ["schemaorg", "provincialstats_schemaorg"])
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestNegotiationAndStructuredData:
    def test_dataset_and_catalogue_by_accept_header(self, app):
        rice, _, _ = datasets.create_rich_catalogue()
        response = app.get(f"/dataset/{rice['name']}", headers={"Accept": "text/turtle"})
        assert response.headers["Content-Type"].startswith("text/turtle")
        g = parse(response.body)
        assert (rdflib.URIRef(f"{BASE}/dataset/{rice['id']}"), DCT.spatial,
                rdflib.URIRef(BASE + "/vocab/provinces/TH-22")) in g
        response = app.get("/", headers={"Accept": "application/ld+json"})
        assert response.headers["Content-Type"].startswith("application/ld+json")
        assert len(set(parse(response.body, "json-ld").subjects(RDF.type, DCAT.Dataset))) == 3
        # A browser still gets the page.
        html = app.get(f"/dataset/{rice['name']}", headers={"Accept": "text/html"})
        assert html.headers["Content-Type"].startswith("text/html")

    def test_dataset_page_has_schema_org_json_ld_with_provinces_and_time(self, app):
        rice, _, _ = datasets.create_rich_catalogue()
        page = app.get(f"/dataset/{rice['name']}").body
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page,
                             re.S)
        assert scripts, "no JSON-LD script in the dataset page"
        g = parse(json.dumps(json.loads(scripts[0])), "json-ld")
        dataset = rdflib.URIRef(f"{BASE}/dataset/{rice['id']}")
        assert (dataset, RDF.type, SCHEMA.Dataset) in g
        assert str(g.value(dataset, SCHEMA.temporalCoverage)) == "1981/2015"
        places = list(g.objects(dataset, SCHEMA.spatialCoverage))
        names = {(str(o), o.language) for p in places for o in g.objects(p, SCHEMA.name)}
        assert {("จันทบุรี", "th"), ("Chanthaburi", "en")} <= names
        # Data, not script: the JSON-LD block has no src and carries no executable type.
        assert 'type="application/ld+json" src' not in page

    def test_browser_requests_reach_the_views_other_plugins_put_on_the_endpoints(self, app):
        rice, _, _ = datasets.create_rich_catalogue()
        views = app.flask_app.view_functions
        home, read = views["home.index"], views["dataset.read"]
        try:
            views["home.index"] = lambda: "the extension's home page"
            views["dataset.read"] = lambda package_type, id: f"page of {package_type} {id}"
            assert app.get("/", headers={"Accept": "text/html"}).body == \
                "the extension's home page"
            assert app.get(f"/dataset/{rice['name']}").body == \
                f"page of dataset {rice['name']}"
        finally:
            views["home.index"], views["dataset.read"] = home, read
