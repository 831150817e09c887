"""/catalog.ttl from per-dataset Turtle chunks kept in Redis: the same graph as
ckanext-dcat's own serialisation, and an unchanged dataset is not serialised again."""
import pytest
import rdflib
from ckan.tests.helpers import call_action
from rdflib.compare import isomorphic

from ckanext.provincialstats.dcat import turtle_cache
from tests.dcat import datasets, shacl
from tests.logic.helpers import PLUGINS

TTL = "ckanext.provincialstats.dcat.cache_ttl"


@pytest.fixture
def chunk_builds(monkeypatch):
    built = []
    real = turtle_cache._chunk

    def counting(dataset, *args):
        built.append(dataset["name"])
        return real(dataset, *args)

    monkeypatch.setattr(turtle_cache, "_chunk", counting)
    return built


def graph(app, url="/catalog.ttl"):
    return rdflib.Graph().parse(data=app.get(url).body, format="turtle")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestTurtleCache:
    def test_cached_page_is_the_same_graph_as_ckanext_dcats(self, app, ckan_config,
                                                             monkeypatch, chunk_builds):
        datasets.create_rich_catalogue()
        first, second = graph(app), graph(app)
        assert len(chunk_builds) == 3
        monkeypatch.setitem(ckan_config, TTL, 0)
        uncached = graph(app)  # no cache: every chunk written again
        assert len(chunk_builds) == 6
        whole = rdflib.Graph().parse(  # rdflib's serializer over the page's graph
            data=app.get("/catalog.rdf").body, format="xml")
        stock_path = {}  # ckanext-dcat's own action, in the same request
        for fmt, parser in (("ttl", "turtle"), ("rdf", "xml")):
            with app.flask_app.test_request_context(f"/catalog.{fmt}"):
                stock_path[fmt] = rdflib.Graph().parse(
                    data=call_action("dcat_catalog_show", format=fmt), format=parser)
        for page in (first, second, uncached):
            assert isomorphic(page, stock_path["ttl"])
        assert isomorphic(whole, stock_path["rdf"])
        if shacl.SHAPES.exists():
            assert shacl.results(second, "full_and_ranges") == []

    def test_only_changed_datasets_are_serialised_again(self, app, chunk_builds):
        rice, parcels, schools = datasets.create_rich_catalogue()
        graph(app)
        assert sorted(chunk_builds) == sorted(d["name"] for d in (rice, parcels, schools))
        chunk_builds.clear()
        graph(app)
        assert chunk_builds == []
        call_action("package_patch", {"ignore_auth": True}, id=parcels["id"],
                    title="แปลงที่ดิน (ปรับปรุง)")
        g = graph(app)
        assert chunk_builds == [parcels["name"]]
        assert rdflib.Literal("แปลงที่ดิน (ปรับปรุง)", lang="th") in set(g.objects())

    def test_a_renamed_strategic_issue_is_not_served_stale(self, app, chunk_builds):
        rice, _, _ = datasets.create_rich_catalogue()
        graph(app)
        chunk_builds.clear()
        issue = rice["strategic_issue"][0]
        call_action("group_patch", {"ignore_auth": True}, id=issue,
                    title_en="Quality fruit")
        g = graph(app)
        assert chunk_builds == [rice["name"]]
        assert rdflib.Literal("Quality fruit", lang="en") in set(g.objects())

    def test_province_catalogue_and_other_formats(self, app, chunk_builds):
        datasets.create_rich_catalogue()
        g = graph(app, "/province/TH-13/catalog.ttl")
        assert len(set(g.subjects(rdflib.RDF.type,
                                  rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))) == 1
        chunk_builds.clear()
        g = rdflib.Graph().parse(data=app.get("/catalog.jsonld").body, format="json-ld")
        assert chunk_builds == []  # JSON-LD: the page's graph serialised by rdflib
        assert len(set(g.subjects(rdflib.RDF.type,
                                  rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))) == 3


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestStreamedPage:
    """A page is searched and sent in batches of turtle_cache.BATCH datasets (here 1),
    whatever the page size: the same graph and paging as ckanext-dcat's page."""

    @pytest.fixture
    def searches(self, monkeypatch):
        monkeypatch.setattr(turtle_cache, "BATCH", 1)
        asked = []
        real = turtle_cache._search

        def counting(context, data_dict, start, rows):
            asked.append((start, rows))
            return real(context, data_dict, start, rows)

        monkeypatch.setattr(turtle_cache, "_search", counting)
        return asked

    @pytest.mark.parametrize("page, fq", [(1, None), (2, None), (1, "province:TH-22")])
    def test_batches_give_ckanext_dcats_page(self, app, searches, page, fq):
        datasets.create_rich_catalogue()
        url = f"/catalog.ttl?page={page}" + (f"&fq={fq}" if fq else "")
        response = app.get(url)
        assert response.is_streamed
        ours = rdflib.Graph().parse(data=response.body, format="turtle")
        with app.flask_app.test_request_context(url):
            stock = rdflib.Graph().parse(data=call_action(
                "dcat_catalog_show", format="ttl", page=page, fq=fq), format="turtle")
        assert isomorphic(ours, stock)  # datasets, catalogue node and hydra paging
        found = len(set(ours.subjects(rdflib.RDF.type, rdflib.URIRef(
            "http://www.w3.org/ns/dcat#Dataset"))))
        assert found and searches == [((page - 1) * 2 + n, 1) for n in range(found)]
        with app.flask_app.test_request_context(url.replace(".ttl", ".rdf")):
            stock_xml = rdflib.Graph().parse(data=call_action(
                "dcat_catalog_show", format="xml", page=page, fq=fq), format="xml")
        whole = rdflib.Graph().parse(data=app.get(url.replace(".ttl", ".rdf")).body,
                                     format="xml")
        assert isomorphic(whole, stock_xml)  # RDF/XML: the page's graph, read in batches

    def test_organizations_read_for_the_page_give_the_same_publishers(
            self, app, monkeypatch):
        from ckanext.dcat.profiles import RDFProfile

        datasets.create_rich_catalogue()
        monkeypatch.setattr(RDFProfile, "_org_cache", {})  # process-wide in ckanext-dcat
        ours = rdflib.Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
        assert RDFProfile._org_cache  # filled by the page, before its chunks
        monkeypatch.setattr(RDFProfile, "_org_cache", {})
        with app.flask_app.test_request_context("/catalog.ttl"):
            stock = rdflib.Graph().parse(data=call_action(
                "dcat_catalog_show", format="ttl"), format="turtle")
        assert isomorphic(ours, stock)

    def test_a_bad_page_is_refused_before_anything_is_sent(self, app):
        datasets.create_rich_catalogue()
        response = app.get("/catalog.ttl?page=0", status=409)
        assert "Page param must be a positive integer" in response.body
        response = app.get("/province/TH-22/catalog.ttl?modified_since=yesterday-ish",
                           status=409)
        assert "Wrong modified date format" in response.body
