"""The DCAT source: Turtle, RDF/XML, JSON-LD, data.json and Hydra-paged feeds read with
ckanext-dcat's parsers, records mapped and accepted by ``package_create``; malformed and
hostile feeds fail with a message before anything is yielded."""
import json
import os
import pathlib
import time

import ckan.model as model
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.harvest.errors import SourceError
from ckanext.provincialstats.harvest.mapping import map_dataset
from ckanext.provincialstats.harvest.safety import FetchError, FetchResult
from ckanext.provincialstats.harvest.sources import dcat
from ckanext.provincialstats.harvest.xmlsafe import UnsafeXMLError
from tests.conftest import REFERENCE
from tests.harvest.test_mapping import CONFIG
from tests.logic.helpers import PLUGINS

DATA = pathlib.Path(__file__).parent / "data"


class FakeWeb:
    """``safety.fetch`` over a dict of URL -> (content, content type); records calls."""

    def __init__(self, pages):
        self.pages = pages
        self.calls = []

    def __call__(self, url, *, accept=None, max_bytes=None, timeout=None):
        self.calls.append(url)
        if url not in self.pages:
            raise FetchError(f"{url}: HTTP 404", en=f"{url}: HTTP 404", th=f"{url}: HTTP 404")
        content, content_type = self.pages[url]
        if isinstance(content, str):
            content = content.encode("utf-8")
        return FetchResult(content, content_type, url)


def gathered(url, pages):
    web = FakeWeb(pages)
    return {guid: dcat.parse(content) for guid, content in dcat.gather(url, CONFIG, web)}, web


def yielded_before_error(url, pages):
    """What gather yielded before it raised (and the error)."""
    out = []
    with pytest.raises(SourceError) as raised:
        for item in dcat.gather(url, CONFIG, FakeWeb(pages)):
            out.append(item)
    return out, raised.value


HYDRA_PAGE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<https://feed.example/catalog?page={page}> a hydra:PartialCollectionView ;
  {next}
  hydra:totalItems 3 .
{datasets}
"""
HYDRA_DATASET = """
<https://feed.example/dataset/{n}> a dcat:Dataset ; dct:title "Dataset {n} จังหวัดน่าน" ;
  dct:description "d" ; dcat:keyword "k" .
"""


def hydra_page(page, numbers, next_link=None, predicate="hydra:next"):
    return HYDRA_PAGE.format(
        page=page, next=f"{predicate} <{next_link}> ;" if next_link else "",
        datasets="".join(HYDRA_DATASET.format(n=n) for n in numbers))


class TestFormats:
    def test_turtle_feed(self):
        records, web = gathered("https://feed.example/catalog.ttl", {
            "https://feed.example/catalog.ttl": ((DATA / "plain_three.ttl").read_text(),
                                                 "text/turtle; charset=utf-8")})
        assert set(records) == {"https://data.example.go.th/dataset/durian-2566",
                                "https://data.example.go.th/dataset/tourism-lopburi",
                                "https://data.example.go.th/dataset/schools"}
        durian = records["https://data.example.go.th/dataset/durian-2566"]
        assert durian["title"] == "ผลผลิตทุเรียน จ.จันทบุรี ปี 2566"
        assert web.calls == ["https://feed.example/catalog.ttl"]  # one request, no HEAD

    def test_rdf_xml_feed_with_dataset_level_licence_and_spatial_label(self):
        records, _ = gathered("https://opendata.example.go.th/catalog.rdf", {
            "https://opendata.example.go.th/catalog.rdf": (
                (DATA / "agency_catalog.rdf").read_bytes(), "application/rdf+xml")})
        beds = map_dataset(records["https://opendata.example.go.th/dataset/hospital-beds"],
                           CONFIG)
        assert beds.dataset["license_id"] == "Creative Commons Attribution Share-Alike"
        assert beds.dataset["province"] == ["TH-20"]
        assert beds.dataset["update_frequency_unit"] == "ไตรมาส"
        assert beds.dataset["data_format"] == ["XLS"]
        clinics = map_dataset(records["https://opendata.example.go.th/dataset/clinics"],
                              CONFIG)
        assert clinics.dataset["province"] == ["TH-10"]

    def test_json_ld_with_a_remote_context_read_through_the_safe_fetch(self):
        context = {"@context": {"dcat": "http://www.w3.org/ns/dcat#",
                                "dct": "http://purl.org/dc/terms/",
                                "title": "dct:title", "description": "dct:description",
                                "keyword": "dcat:keyword", "Dataset": "dcat:Dataset"}}
        feed = {"@context": "https://contexts.example/dcat.jsonld",
                "@graph": [{"@id": "https://feed.example/ds/1", "@type": "Dataset",
                            "title": "Rainfall Rayong", "description": "mm per month",
                            "keyword": ["rain"]}]}
        records, web = gathered("https://feed.example/catalog.jsonld", {
            "https://feed.example/catalog.jsonld": (json.dumps(feed), "application/ld+json"),
            "https://contexts.example/dcat.jsonld": (json.dumps(context),
                                                     "application/ld+json")})
        assert web.calls == ["https://feed.example/catalog.jsonld",
                             "https://contexts.example/dcat.jsonld"]
        record = records["https://feed.example/ds/1"]
        assert record["title"] == "Rainfall Rayong"
        assert map_dataset(record, CONFIG).dataset["province"] == ["TH-21"]

    def test_a_remote_context_refused_by_the_safe_fetch_fails_the_feed(self):
        feed = {"@context": "http://10.0.0.1/context.jsonld",
                "@graph": [{"@id": "https://feed.example/ds/1", "@type": "Dataset"}]}
        with pytest.raises(FetchError):
            list(dcat.gather("https://feed.example/c.jsonld", CONFIG, FakeWeb({
                "https://feed.example/c.jsonld": (json.dumps(feed), "application/ld+json")})))

    def test_data_json_is_mapped_with_contact_licence_and_coverage(self):
        records, _ = gathered("https://cm.example.go.th/data.json", {
            "https://cm.example.go.th/data.json": ((DATA / "agency_data.json").read_text(),
                                                   "application/json")})
        assert set(records) == {"moph-dengue-2566", "moph-clinics"}
        result = map_dataset(records["moph-dengue-2566"], CONFIG)
        dataset = result.dataset
        assert dataset["province"] == ["TH-50"]
        assert dataset["license_id"] == "Creative Commons Attributions"
        assert (dataset["maintainer"], dataset["maintainer_email"]) == (
            "Disease Control Group", "dc@cm.example.go.th")
        assert dataset["data_source"] == "Chiang Mai Provincial Health Office"
        assert (dataset["first_year_of_data"], dataset["last_year_of_data"]) == (
            "2566", "2566")
        assert (dataset["update_frequency_unit"], dataset["update_frequency_interval"]) == (
            "สัปดาห์", "1")
        assert dataset["data_category"] == "ข้อมูลสาธารณะ"
        assert dataset["data_format"] == ["CSV"]
        assert dataset["data_language"] == ["ไทย"]

    @pytest.mark.parametrize("file_name, content_type, count", [
        ("catalog_pod.jsonld", "application/json", 1),
        ("catalog_with_at_graph.jsonld", "application/ld+json", 1),
        ("dataset_sweden.rdf", "application/rdf+xml", 1),
        ("catalog.rdf", "", 2),
    ])
    def test_real_portal_documents(self, file_name, content_type, count):
        path = REFERENCE / "dcat-examples" / "dcat" / file_name
        if not path.exists():
            pytest.skip(f"reference material not found at {path} (../shared/reference)")
        records, _ = gathered("https://portal.example/" + file_name,
                              {"https://portal.example/" + file_name:
                               (path.read_bytes(), content_type)})
        assert len(records) == count
        for record in records.values():
            assert map_dataset(record, CONFIG).missing == []


class TestPaging:
    def test_hydra_two_pages_followed_relative_next(self):
        records, web = gathered("https://feed.example/catalog?page=1", {
            "https://feed.example/catalog?page=1": (
                hydra_page(1, [1, 2], "/catalog?page=2"), "text/turtle"),
            "https://feed.example/catalog?page=2": (hydra_page(2, [3]), "text/turtle"),
        })
        assert sorted(records) == ["https://feed.example/dataset/%d" % n for n in (1, 2, 3)]
        assert web.calls == ["https://feed.example/catalog?page=1",
                             "https://feed.example/catalog?page=2"]

    def test_deprecated_next_page_and_a_loop_back_stop(self):
        records, web = gathered("https://feed.example/catalog?page=1", {
            "https://feed.example/catalog?page=1": (
                hydra_page(1, [1], "https://feed.example/catalog?page=2",
                           "hydra:nextPage"), "text/turtle"),
            "https://feed.example/catalog?page=2": (
                hydra_page(2, [2], "https://feed.example/catalog?page=1"), "text/turtle"),
        })
        assert len(records) == 2 and len(web.calls) == 2

    def test_page_limit(self, monkeypatch):
        monkeypatch.setattr(dcat, "MAX_PAGES", 3)
        pages = {f"https://feed.example/catalog?page={n}": (
            hydra_page(n, [n], f"https://feed.example/catalog?page={n + 1}"), "text/turtle")
            for n in range(1, 6)}
        _, error = yielded_before_error("https://feed.example/catalog?page=1", pages)
        assert "more than 3 pages" in str(error)

    def test_same_feed_gives_the_same_content_on_every_run(self):
        pages = {"https://feed.example/c.rdf": ((DATA / "agency_catalog.rdf").read_bytes(),
                                                "application/rdf+xml")}
        first = list(dcat.gather("https://feed.example/c.rdf", CONFIG, FakeWeb(pages)))
        second = list(dcat.gather("https://feed.example/c.rdf", CONFIG, FakeWeb(pages)))
        assert first == second  # blank-node ids removed: the hash of a record is stable


class TestBadFeeds:
    @pytest.mark.parametrize("content, content_type, words", [
        ("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> a dcat:Dataset ; oops",
         "text/turtle", "cannot be read as RDF (turtle)"),
        ("<html><body>Maintenance</body>", "text/html", "not well-formed XML"),
        ('{"dataset": "none"}', "application/json", 'no "dataset" list'),
        ("@prefix dct: <http://purl.org/dc/terms/> .\n<a> dct:title \"x\" .",
         "text/turtle", "no dcat:Dataset found"),
        (b"\xff\xfe\x00junk", "application/octet-stream", "not UTF-8 text"),
        (b'{"@graph": ' + b"[" * 100000 + b"]" * 100000 + b"}", "application/ld+json",
         "invalid JSON"),
        (b"<a> <b> " + b"(" * 100000, "text/turtle", "cannot be read as RDF"),
    ], ids=["turtle", "html", "data.json", "no-dataset", "binary", "deep-json-ld",
            "deep-turtle"])
    def test_malformed_feed_names_the_page_and_the_reason(self, content, content_type, words):
        out, error = yielded_before_error("https://feed.example/bad", {
            "https://feed.example/bad": (content, content_type)})
        assert out == []
        assert "https://feed.example/bad" in str(error)
        assert words in error.en
        assert error.th and error.th != error.en

    def test_reference_turtle_with_an_unbound_prefix_fails_cleanly(self):
        path = REFERENCE / "dcat-examples" / "dcat" / "dataset.ttl"
        if not path.exists():
            pytest.skip(f"reference material not found at {path} (../shared/reference)")
        out, error = yielded_before_error("https://feed.example/d.ttl", {
            "https://feed.example/d.ttl": (path.read_bytes(), "text/turtle")})
        assert out == [] and "healthdcatap" in str(error)

    def test_xxe_feed_reading_etc_passwd_is_refused(self):
        xxe = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
               '  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
               '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
               '         xmlns:dcat="http://www.w3.org/ns/dcat#"\n'
               '         xmlns:dct="http://purl.org/dc/terms/">\n'
               '  <dcat:Dataset rdf:about="https://evil.example/ds">\n'
               '    <dct:title>&secret;</dct:title>\n  </dcat:Dataset>\n</rdf:RDF>\n')
        out, error = yielded_before_error("https://evil.example/feed.rdf", {
            "https://evil.example/feed.rdf": (xxe, "application/rdf+xml")})
        assert out == []
        assert isinstance(error, UnsafeXMLError)
        assert "XXE" in error.en
        assert "root:" not in str(error)

    def test_billion_laughs_is_refused_quickly(self):
        entities = '<!ENTITY lol0 "lol">' + "".join(
            f'<!ENTITY lol{n} "{("&lol%d;" % (n - 1)) * 10}">' for n in range(1, 10))
        bomb = (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{entities}]>'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
                ' xmlns:dct="http://purl.org/dc/terms/"><rdf:Description rdf:about="x">'
                '<dct:title>&lol9;</dct:title></rdf:Description></rdf:RDF>')
        started = time.monotonic()
        out, error = yielded_before_error("https://evil.example/bomb.rdf", {
            "https://evil.example/bomb.rdf": (bomb, "application/rdf+xml")})
        assert out == [] and isinstance(error, UnsafeXMLError)
        assert time.monotonic() - started < 2

    @pytest.mark.parametrize("content_type", ["application/rdf+xml", "text/turtle",
                                              "application/json", ""])
    def test_fifty_megabytes_of_junk_fail_cleanly(self, content_type):
        junk = os.urandom(50 * 1024 * 1024)
        started = time.monotonic()
        out, error = yielded_before_error("https://evil.example/junk", {
            "https://evil.example/junk": (junk, content_type)})
        assert out == [] and "https://evil.example/junk" in str(error)
        assert time.monotonic() - started < 20

    def test_fifty_megabytes_of_text_junk_fail_cleanly(self):
        junk = b"lorem ipsum dolor " * (50 * 1024 * 1024 // 18)
        out, error = yielded_before_error("https://evil.example/junk.ttl", {
            "https://evil.example/junk.ttl": (junk, "text/turtle")})
        assert out == [] and "cannot be read as RDF" in error.en

    def test_parse_refuses_what_gather_did_not_make(self):
        with pytest.raises(SourceError):
            dcat.parse("not json")
        with pytest.raises(SourceError):
            dcat.parse("[1, 2]")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestImported:
    @pytest.mark.parametrize("file_name, content_type", [
        ("plain_three.ttl", "text/turtle"), ("agency_catalog.rdf", "application/rdf+xml"),
        ("agency_data.json", "application/json"),
    ])
    def test_every_record_of_the_feed_passes_package_create(self, file_name, content_type):
        url = "https://feed.example/" + file_name
        records, _ = gathered(url, {url: ((DATA / file_name).read_bytes(), content_type)})
        org = factories.Organization()["id"]
        context = {"ignore_auth": True, "user": factories.Sysadmin()["name"]}
        for number, record in enumerate(records.values()):
            dataset = dict(map_dataset(record, CONFIG).dataset, owner_org=org,
                           name=f"feed-{number}")
            created = call_action("package_create", dict(context), **dataset)
            assert created["province"]
        assert len(call_action("package_list")) == len(records)


# -- whole harvest jobs (ckanext-harvest's stages, the shared pipeline) ------------------

@pytest.fixture
def harvest_db(reset_db, migrate_db_for):
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")


@pytest.fixture
def feed_server():
    from tests.harvest.static_server import StaticServer
    with StaticServer() as server:
        yield server


@pytest.mark.ckan_config("ckan.plugins", "activity " + PLUGINS + " harvest provincialstats_ckan"
                         " provincialstats_dcat provincialstats_sheet")
@pytest.mark.ckan_config("ckanext.provincialstats.harvest.allow_private_urls", "true")
@pytest.mark.usefixtures("with_plugins", "harvest_db")
class TestHarvestJobs:
    def _source(self, url):
        from tests.harvest.pipeline_helpers import create_source
        org = factories.Organization(name="health-office")
        config = dict(CONFIG, organization=org["name"])
        return create_source(url, config, owner_org=org["id"], kind="provincialstats_dcat")

    def test_feed_imported_then_an_unchanged_run_writes_nothing(self, feed_server):
        from tests.harvest.pipeline_helpers import activity_count, harvested, run
        feed_server.pages["/catalog.rdf"] = ((DATA / "agency_catalog.rdf").read_bytes(),
                                             "application/rdf+xml")
        source = self._source(feed_server.url("/catalog.rdf"))
        job, results = run(source, "provincialstats_dcat")
        datasets = harvested(source["id"])
        assert len(datasets) == 2, results
        beds = datasets["https://opendata.example.go.th/dataset/hospital-beds"]
        assert beds["province"] == ["TH-20"]
        assert beds["license_id"] == "Creative Commons Attribution Share-Alike"
        modified = {g: d["metadata_modified"] for g, d in datasets.items()}
        activities = activity_count()
        job, results = run(source, "provincialstats_dcat")
        assert results == {}
        assert {g: d["metadata_modified"]
                for g, d in harvested(source["id"]).items()} == modified
        assert activity_count() == activities

    @pytest.mark.parametrize("body, content_type, words", [
        (b'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
         b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
         b'xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">'
         b'<dcat:Dataset rdf:about="https://x/ds"><dct:title>&s;</dct:title></dcat:Dataset>'
         b'</rdf:RDF>', "application/rdf+xml", "XXE"),
        (b"\x00junk" * (10 * 1024 * 1024), "application/rdf+xml", "MB limit"),
    ], ids=["xxe", "50MB-junk"])
    def test_hostile_feed_fails_the_job_and_imports_nothing(self, feed_server, body,
                                                            content_type, words):
        from tests.harvest.pipeline_helpers import harvested, run
        feed_server.pages["/feed"] = (body, content_type)
        source = self._source(feed_server.url("/feed"))
        job, results = run(source, "provincialstats_dcat")
        assert results == {} and harvested(source["id"]) == {}
        assert model.Session.query(model.Package).filter_by(type="dataset").count() == 0
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        assert errors["count"] == 1 and errors["results"][0]["stage"] == "Gather"
        assert words in errors["results"][0]["message"]
        assert "root:" not in errors["results"][0]["message"]
