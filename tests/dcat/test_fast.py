"""The cheaper steps of the extension's catalogue pages (``dcat/fast.py``) give what
ckanext-dcat's own steps give: the same date literals and URIs, the catalogue's
``dct:modified`` after an edit, and an empty page past the end with the catalogue and its
paging."""
import datetime

import pytest
import rdflib
from ckan.tests.helpers import call_action
from ckanext.dcat.profiles import DCT, RDFProfile
from ckanext.dcat.profiles.base import CleanedURIRef
from rdflib import XSD, Literal, URIRef
from rdflib.compare import isomorphic

from ckanext.provincialstats.dcat import fast
from tests.dcat import datasets
from tests.logic.helpers import PLUGINS

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
DATES = ["2024-03-05T06:07:08.123456", "2024-03-05T06:07:08", "2024-03-05T06:07:08.000000",
         "2024-02-30T06:07:08", "2024-03-05T24:00:00", "2024-03-05 06:07:08",
         "2024-03-05T06:07:08+07:00", "2024-03-05T06:07:08.5", "2024", "2024-03",
         "2024-03-05", "5 March 2024", "not a date"]
URIS = ["https://example.org/a b", "https://example.org/x?y=(1)", "plain", " spaced ",
        "https://example.org/%20already", "https://example.org/ก", "a|b^c`d{e}f[g]"]


def test_dates_as_ckanext_dcat_writes_them():
    ours, stock = rdflib.Graph(), rdflib.Graph()
    profile = fast.speed_up(RDFProfile(ours))
    reference = RDFProfile(stock)
    subject = URIRef("https://example.org/d")
    for value in DATES:
        profile._add_date_triple(subject, DCT.modified, value)
        reference._add_date_triple(subject, DCT.modified, value)
    assert set(ours) == set(stock)
    assert (subject, DCT.modified, Literal("2024-03-05T06:07:08",
                                           datatype=XSD.dateTime)) in ours


def test_uris_cleaned_as_ckanext_dcat_cleans_them():
    outside = [CleanedURIRef(v) for v in URIS]
    with fast.fixed_uris():
        inside = [CleanedURIRef(v) for v in URIS]
    assert inside == outside
    assert URIRef("https://example.org/a%20b") in inside


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestCataloguePage:
    @staticmethod
    def stock(app, url, **params):
        with app.flask_app.test_request_context(url):
            return rdflib.Graph().parse(data=call_action(
                "dcat_catalog_show", format="ttl", **params), format="turtle")

    def test_empty_page_past_the_end(self, app):
        datasets.create_rich_catalogue()  # 3 datasets: pages 1 and 2
        response = app.get("/catalog.ttl?page=3")
        assert int(response.headers["Content-Length"]) == len(response.body.encode())
        ours = rdflib.Graph().parse(data=response.body, format="turtle")
        assert isomorphic(ours, self.stock(app, "/catalog.ttl?page=3", page=3))
        dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
        catalog = URIRef("http://test.ckan.net")
        assert (catalog, rdflib.RDF.type, dcat.Catalog) in ours
        assert ours.value(catalog, DCT.modified) is not None
        assert not list(ours.subjects(rdflib.RDF.type, dcat.Dataset))
        paging = ours.value(predicate=rdflib.RDF.type, object=HYDRA.PagedCollection)
        assert ours.value(paging, HYDRA.totalItems).toPython() == 3
        assert str(ours.value(paging, HYDRA.last)).endswith("page=2")
        assert str(ours.value(paging, HYDRA.previous)).endswith("page=2")

    def test_catalogue_modified_follows_an_edit(self, app):
        rice, _, _ = datasets.create_rich_catalogue()
        catalog = URIRef("http://test.ckan.net")
        before = rdflib.Graph().parse(data=app.get("/catalog.ttl?page=5").body,
                                      format="turtle").value(catalog, DCT.modified)
        edited = call_action("package_patch", {"ignore_auth": True}, id=rice["id"],
                             notes="แก้ไขคำอธิบาย")
        for url in ("/catalog.ttl?page=5", "/catalog.ttl"):
            page = rdflib.Graph().parse(data=app.get(url).body, format="turtle")
            modified = page.value(catalog, DCT.modified)
            assert modified.toPython() == datetime.datetime.fromisoformat(
                edited["metadata_modified"])
            assert modified != before
            assert modified == self.stock(app, url).value(catalog, DCT.modified)

    def test_page_past_the_end_without_a_search_until_the_catalogue_grows(
            self, app, monkeypatch):
        from ckanext.provincialstats.dcat import turtle_cache
        rice, _, _ = datasets.create_rich_catalogue()
        searched = []
        real = turtle_cache._search

        def counting(context, data_dict, start, rows):
            searched.append(start)
            return real(context, data_dict, start, rows)

        monkeypatch.setattr(turtle_cache, "_search", counting)
        app.get("/catalog.ttl?page=1")  # counts the catalogue: 3
        searched.clear()
        empty = rdflib.Graph().parse(data=app.get("/catalog.ttl?page=3").body,
                                     format="turtle")
        assert searched == []  # known to be past the end
        assert isomorphic(empty, self.stock(app, "/catalog.ttl?page=3", page=3))
        for n in (1, 2):  # 5 datasets: page 3 has one
            call_action("package_create", {"ignore_auth": True},
                        **dict(datasets.statistical(rice["owner_org"],
                                                   rice["strategic_issue"][0]),
                               name=f"more-{n}", title=f"More {n}"))
        page = rdflib.Graph().parse(data=app.get("/catalog.ttl?page=3").body,
                                    format="turtle")
        assert searched == [4]
        assert isomorphic(page, self.stock(app, "/catalog.ttl?page=3", page=3))
        dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
        assert len(list(page.subjects(rdflib.RDF.type, dcat.Dataset))) == 1
