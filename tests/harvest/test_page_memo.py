"""Feed pages whose bytes did not change are not parsed again (harvest.pagememo), and the
shortcut never loses a record: a changed page, a dataset deleted or purged here, a record
whose harvest object is not current, a changed source configuration or a lost memo all
parse the page as before."""
import json

import ckan.model as model
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.harvest.model import HarvestObject

from ckanext.provincialstats.harvest import pagememo
from ckanext.provincialstats.harvest.sources import dcat
from tests.harvest.pipeline_helpers import (  # noqa: F401 (clean_db: fixture)
    HARVEST_PLUGINS,
    clean_db,
    create_source,
    harvested,
    run,
    site_user,
)
from tests.harvest.static_server import StaticServer
from tests.harvest.test_dcat_source import hydra_page
from tests.harvest.test_mapping import CONFIG

pytestmark = [pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS),
              pytest.mark.ckan_config("ckanext.provincialstats.harvest.allow_private_urls",
                                      "true"),
              pytest.mark.usefixtures("with_plugins", "clean_db")]

GUIDS = [f"https://feed.example/dataset/{n}" for n in (1, 2, 3)]


@pytest.fixture
def server():
    with StaticServer() as web:
        web.pages["/catalog?page=1"] = (
            hydra_page(1, [1, 2], web.url("/catalog?page=2")).encode(), "text/turtle")
        web.pages["/catalog?page=2"] = (hydra_page(2, [3]).encode(), "text/turtle")
        yield web


@pytest.fixture
def parses(monkeypatch):
    """The page URLs parsed with rdflib / ckanext-dcat, in order."""
    calls = []
    real = dcat._parse_rdf

    def counting(content, fmt, page_url, fetch):
        calls.append(page_url.rsplit("/", 1)[-1])
        return real(content, fmt, page_url, fetch)

    monkeypatch.setattr(dcat, "_parse_rdf", counting)
    return calls


def _source(server, **config):
    org = factories.Organization()
    # withdrawn at once when missing: a record the skip forgot would be withdrawn
    config = dict(CONFIG, receiving_organization=org["name"],
                  withdraw={"action": "delete", "grace_days": 0}, **config)
    return create_source(server.url("/catalog?page=1"), config, kind="provincialstats_dcat")


def _progress(source):
    return call_action("provincialstats_harvest_progress", id=source["id"])


def _states(source):
    return {g: (d["state"], d["private"]) for g, d in harvested(source["id"]).items()}


def test_unchanged_pages_are_not_parsed_and_every_dataset_stays(server, parses):
    source = _source(server)
    run(source, "provincialstats_dcat")
    assert parses == ["catalog?page=1", "catalog?page=2"]
    first = harvested(source["id"])
    assert sorted(first) == GUIDS
    modified = {g: d["metadata_modified"] for g, d in first.items()}

    parses.clear()
    job, results = run(source, "provincialstats_dcat")
    assert parses == []  # both pages fetched, neither parsed
    assert server.requests[-2:] == ["/catalog?page=1", "/catalog?page=2"]
    assert results == {}
    progress = _progress(source)
    assert (progress["pages_skipped"], progress["pages_parsed"]) == (2, 0)
    assert (progress["done"], progress["total"], progress["unchanged_at_gather"]) == (3, 3, 3)
    assert (progress["missing"], progress["withdrawn"]) == (0, 0)
    after = harvested(source["id"])
    assert {g: d["metadata_modified"] for g, d in after.items()} == modified
    assert set(_states(source).values()) == {("active", False)}

    # a memo Redis lost: parsed again, nothing written
    pagememo.forget(source["id"])
    job, results = run(source, "provincialstats_dcat")
    assert parses == ["catalog?page=1", "catalog?page=2"]
    assert _progress(source)["pages_skipped"] == 0
    assert {g: d["metadata_modified"]
            for g, d in harvested(source["id"]).items()} == modified


def test_a_changed_page_is_parsed_and_its_change_imported(server, parses):
    source = _source(server)
    run(source, "provincialstats_dcat")
    parses.clear()
    server.pages["/catalog?page=2"] = (
        hydra_page(2, [3]).replace('dct:description "d"', 'dct:description "new"').encode(),
        "text/turtle")
    job, results = run(source, "provincialstats_dcat")
    assert parses == ["catalog?page=2"]
    assert {g: r["report_status"] for g, r in results.items()} == {GUIDS[2]: "updated"}
    assert harvested(source["id"])[GUIDS[2]]["notes"] == "new"
    progress = _progress(source)
    assert (progress["pages_skipped"], progress["pages_parsed"]) == (1, 1)
    assert set(_states(source).values()) == {("active", False)}
    # and the record that went away from a changed page is withdrawn as before
    server.pages["/catalog?page=2"] = (hydra_page(2, []).encode(), "text/turtle")
    run(source, "provincialstats_dcat")
    assert _progress(source)["withdrawn"] == 1
    assert _states(source)[GUIDS[2]][0] == "deleted"
    assert _states(source)[GUIDS[0]] == ("active", False)


def test_a_dataset_purged_here_makes_its_page_parsed_and_it_comes_back(server, parses):
    source = _source(server)
    run(source, "provincialstats_dcat")
    package_id = harvested(source["id"])[GUIDS[0]]["id"]
    call_action("dataset_purge", {"user": site_user()}, id=package_id)
    parses.clear()
    job, results = run(source, "provincialstats_dcat")
    assert parses == ["catalog?page=1"]
    assert sorted(harvested(source["id"])) == GUIDS
    assert set(_states(source).values()) == {("active", False)}


def test_a_dataset_deleted_here_makes_its_page_parsed_and_stays_deleted(server, parses):
    source = _source(server)
    run(source, "provincialstats_dcat")
    call_action("package_delete", {"user": site_user()},
                id=harvested(source["id"])[GUIDS[1]]["id"])
    parses.clear()
    run(source, "provincialstats_dcat")
    assert parses == ["catalog?page=1"]  # not skipped: the pipeline decides, as before
    states = _states(source)
    assert states[GUIDS[1]][0] == "deleted"  # a curator's deletion is kept
    assert states[GUIDS[0]] == states[GUIDS[2]] == ("active", False)
    assert _progress(source)["deleted_here"] == 1


def test_a_record_whose_object_is_not_current_makes_its_page_parsed(server, parses):
    source = _source(server)
    run(source, "provincialstats_dcat")
    model.Session.query(HarvestObject).filter_by(
        harvest_source_id=source["id"], guid=GUIDS[2]).update({"current": False})
    model.Session.commit()
    parses.clear()
    job, results = run(source, "provincialstats_dcat")
    assert parses == ["catalog?page=2"]
    assert list(results) == [GUIDS[2]]
    assert sorted(harvested(source["id"])) == GUIDS


def test_a_configuration_change_parses_every_page_again(server, parses):
    source = _source(server)
    run(source, "provincialstats_dcat")
    parses.clear()
    config = dict(CONFIG, receiving_organization=harvested(source["id"])[GUIDS[0]][
        "organization"]["name"], withdraw={"action": "delete", "grace_days": 0},
        default_provinces=["TH-50"])
    call_action("harvest_source_patch", {"user": factories.Sysadmin()["name"]},
                id=source["id"], config=json.dumps(config))
    run(source, "provincialstats_dcat")
    assert parses == ["catalog?page=1", "catalog?page=2"]
    assert (_progress(source)["pages_skipped"], _progress(source)["pages_parsed"]) == (0, 2)


def test_conditional_requests_a_304_page_is_skipped_and_a_changed_one_parsed(
        server, parses):
    server.conditional = True
    source = _source(server)
    run(source, "provincialstats_dcat")
    modified = {g: d["metadata_modified"] for g, d in harvested(source["id"]).items()}
    parses.clear()
    server.answers.clear()
    job, results = run(source, "provincialstats_dcat")
    assert server.answers == [304, 304] and parses == [] and results == {}
    assert _progress(source)["pages_skipped"] == 2
    assert {g: d["metadata_modified"]
            for g, d in harvested(source["id"]).items()} == modified

    # 304, but a dataset of the page was purged here: the page fetched in full, parsed
    call_action("dataset_purge", {"user": site_user()},
                id=harvested(source["id"])[GUIDS[2]]["id"])
    server.answers.clear()
    run(source, "provincialstats_dcat")
    assert server.answers == [304, 304, 200] and parses == ["catalog?page=2"]
    assert sorted(harvested(source["id"])) == GUIDS

    # a changed page: a new ETag, answered in full and parsed
    server.pages["/catalog?page=1"] = (
        hydra_page(1, [1, 2], server.url("/catalog?page=2")).replace(
            'dct:description "d"', 'dct:description "new"', 1).encode(), "text/turtle")
    parses.clear()
    server.answers.clear()
    job, results = run(source, "provincialstats_dcat")
    assert server.answers == [200, 304] and parses == ["catalog?page=1"]
    assert {g: r["report_status"] for g, r in results.items()} == {GUIDS[0]: "updated"}
    assert harvested(source["id"])[GUIDS[0]]["notes"] == "new"


def test_a_page_that_needed_a_remote_json_ld_context_is_always_parsed():
    calls = []

    class Memo(pagememo.PageMemo):
        def __init__(self):
            self.salt, self.touched, self.recording = "s", set(), None
            self.parsed = self.skipped = 0

        def _memo(self, page_url):
            return None

        def lookup(self, page_url, digest):
            calls.append(("lookup", page_url))
            return None

        def start(self, page_url, digest):
            calls.append(("start", page_url))
            super().start(page_url, digest)

    from tests.harvest.test_dcat_source import FakeWeb
    doc = ('{"@context": "https://feed.example/ctx.jsonld", "@graph": [{"@id": '
           '"https://feed.example/ds/1", "@type": "dcat:Dataset", "dct:title": "x"}]}')
    ctx = ('{"@context": {"dcat": "http://www.w3.org/ns/dcat#", '
           '"dct": "http://purl.org/dc/terms/"}}')
    web = FakeWeb({"https://feed.example/feed.jsonld": (doc, "application/ld+json"),
                   "https://feed.example/ctx.jsonld": (ctx, "application/ld+json")})
    memo = Memo()
    records = list(dcat.gather("https://feed.example/feed.jsonld", CONFIG, web, pages=memo))
    assert [g for g, _ in records] == ["https://feed.example/ds/1"]
    assert calls == [("lookup", "https://feed.example/feed.jsonld")]  # never remembered
    assert memo.parsed == 1


# -- datasets of a changed page described as before ------------------------------------

TWO = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<https://feed.example/dataset/a> a dcat:Dataset ; dct:title "Rainfall จังหวัดน่าน" ;
  dct:description "{a}" ; dcat:keyword "rain" ;
  dcat:contactPoint [ a vcard:Kind ; vcard:fn "Weather office" ;
                      vcard:hasEmail <mailto:{email}> ] ;
  dcat:distribution [ a dcat:Distribution ; dct:format "CSV" ;
                      dcat:downloadURL <https://feed.example/{file}> ] .
<https://feed.example/dataset/b> a dcat:Dataset ; dct:title "Population จังหวัดน่าน" ;
  dct:description "{b}" ; dcat:keyword "people" ;
  dcat:distribution <https://feed.example/dataset/b/csv> .
<https://feed.example/dataset/b/csv> a dcat:Distribution ; dct:format "CSV" ;
  dcat:downloadURL <https://feed.example/b.csv> .
"""


def two(a="a", b="b", email="wx@example.go.th", file="a.csv"):
    return TWO.format(a=a, b=b, email=email, file=file).encode(), "text/turtle"


@pytest.fixture
def profiled(monkeypatch):
    """The datasets run through ckanext-dcat's profiles, in order."""
    calls = []
    real = dcat._parse_dataset

    def counting(ref, profiles):
        calls.append(str(ref).rsplit("/", 1)[-1])
        return real(ref, profiles)

    monkeypatch.setattr(dcat, "_parse_dataset", counting)
    return calls


@pytest.mark.parametrize("change, changed, field, value", [
    ({"b": "new b"}, "b", "notes", "new b"),
    # what a dataset refers to is part of its description: a blank node, two levels down
    ({"email": "rain@example.go.th"}, "a", "maintainer_email", "rain@example.go.th"),
    ({"file": "a2.csv"}, "a", "url", "https://feed.example/a2.csv"),
], ids=["own-triple", "nested-blank-node", "blank-node-distribution"])
def test_in_a_changed_page_only_the_changed_dataset_is_parsed(profiled, change, changed,
                                                              field, value):
    with StaticServer({"/feed.ttl": two()}) as web:
        org = factories.Organization()
        source = create_source(web.url("/feed.ttl"),
                               dict(CONFIG, receiving_organization=org["name"]),
                               kind="provincialstats_dcat")
        run(source, "provincialstats_dcat")
        assert sorted(profiled) == ["a", "b"]
        before = harvested(source["id"])
        profiled.clear()
        web.pages["/feed.ttl"] = two(**change)
        job, results = run(source, "provincialstats_dcat")
        assert profiled == [changed]
        assert _progress(source)["records_reused"] == 1
        guid = f"https://feed.example/dataset/{changed}"
        assert {g: r["report_status"] for g, r in results.items()} == {guid: "updated"}
        after = harvested(source["id"])
        got = after[guid]["resources"][0]["url"] if field == "url" else after[guid][field]
        assert got == value
        other = next(g for g in after if g != guid)
        assert after[other]["metadata_modified"] == before[other]["metadata_modified"]


def _graph(text):
    import rdflib
    g = rdflib.Graph()
    g.parse(data=text, format="turtle")
    return g


def test_description_ignores_blank_node_ids_and_sees_nested_changes():
    from rdflib import URIRef
    a = URIRef("https://feed.example/dataset/a")
    text = two()[0].decode()
    first = dcat.description(_graph(text), a, {})
    assert first and first == dcat.description(_graph(text), a, {})  # new blank-node ids
    changed = two(email="other@example.go.th")[0].decode()
    assert dcat.description(_graph(changed), a, {}) != first
    # dataset b is described alike in both
    b = URIRef("https://feed.example/dataset/b")
    assert dcat.description(_graph(text), b, {}) == dcat.description(_graph(changed), b, {})


def test_a_description_that_refers_back_to_itself_is_none():
    g = _graph(two()[0].decode() + "<https://feed.example/dataset/b/csv> "
               "<http://purl.org/dc/terms/isPartOf> <https://feed.example/dataset/b> .")
    from rdflib import URIRef
    assert dcat.description(g, URIRef("https://feed.example/dataset/b"), {}) is None
    assert dcat.description(g, URIRef("https://feed.example/dataset/a"), {})


def test_no_dataset_reused_when_ckanext_dcat_reads_the_catalog_too(ckan_config,
                                                                   monkeypatch):
    # with subcatalogs exposed, a dataset's record depends on the catalog that lists it
    # (ckanext-dcat 2.4.4 then fails on feeds without a catalog publisher: no whole job)
    assert dcat.describable()
    salt = dcat.page_salt()
    monkeypatch.setitem(ckan_config, "ckanext.dcat.expose_subcatalogs", "true")
    assert not dcat.describable()
    assert dcat.page_salt() != salt  # and every page is parsed again
