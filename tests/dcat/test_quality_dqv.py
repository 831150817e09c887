"""The quality score in the DCAT output (DQV measurements of the catalogue's own metrics,
published at /vocab/quality), read in bulk for a catalogue page."""
import pytest
import rdflib
from ckan.tests import factories
from ckan.tests.helpers import call_action
from rdflib.namespace import RDF, SKOS, XSD

from ckanext.provincialstats.quality import model as quality_model
from tests.dcat import datasets, shacl
from tests.logic.helpers import PLUGINS, count_queries
from tests.schemas.test_dataset import statistical

BASE = "http://test.ckan.net"
DQV = rdflib.Namespace("http://www.w3.org/ns/dqv#")
QUALITY = BASE + "/vocab/quality/"
TTL = "ckanext.provincialstats.dcat.cache_ttl"


@pytest.fixture
def url_check_table(clean_db, migrate_db_for):
    """The extension's own tables (``ckan db upgrade -p provincialstats``)."""
    migrate_db_for("provincialstats")


def parse(app, url, fmt="turtle"):
    return rdflib.Graph().parse(data=app.get(url).body, format=fmt)


def ref(dataset):
    return rdflib.URIRef(f"{BASE}/dataset/{dataset['id']}")


def measurements(g, dataset):
    """metric URI -> value of the dataset's DQV measurements (checking their shape)."""
    out = {}
    for node in g.objects(ref(dataset), DQV.hasQualityMeasurement):
        assert (node, RDF.type, DQV.QualityMeasurement) in g
        value = g.value(node, DQV.value)
        assert value.datatype == XSD.integer
        metric = str(g.value(node, DQV.isMeasurementOf))
        assert metric not in out, f"{metric} measured twice"
        out[metric] = int(value)
    return out


def expected(dataset):
    shown = call_action("provincialstats_quality_show", {"ignore_auth": True},
                        id=dataset["id"])
    out = {f"{QUALITY}{name}-score": dim["score"]
           for name, dim in shown["dimensions"].items()}
    out[QUALITY + "mqa-score"] = shown["total"]
    return out


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.usefixtures("with_plugins", "url_check_table")
class TestQualityMeasurements:
    def test_every_dataset_publishes_its_score_as_in_the_quality_action(self, app):
        created = datasets.create_rich_catalogue()
        for url, fmt in (("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld"),
                         (f"/dataset/{created[0]['id']}.rdf", "xml")):
            g = parse(app, url, fmt)
            for dataset in created if "catalog" in url else created[:1]:
                found = measurements(g, dataset)
                assert found == expected(dataset), (url, dataset["name"])
                assert len(found) == 7
                assert found[QUALITY + "mqa-score"] > 0

    def test_metrics_are_defined_in_the_published_vocabulary(self, app):
        created = datasets.create_rich_catalogue()
        vocab = parse(app, "/vocab/quality.ttl")
        used = set(measurements(parse(app, "/catalog.ttl"), created[0]))
        assert len(used) == 7
        for metric in map(rdflib.URIRef, used):
            assert (metric, RDF.type, DQV.Metric) in vocab, metric
            dimension = vocab.value(metric, DQV.inDimension)
            assert (dimension, RDF.type, DQV.Dimension) in vocab, metric
            assert (vocab.value(dimension, DQV.inCategory), RDF.type, DQV.Category) in vocab
            for node in (metric, dimension):
                assert {o.language for o in vocab.objects(node, SKOS.prefLabel)} == {
                    "th", "en"}, node
        assert ("Findability score (out of 100)", "en") in {
            (str(o), o.language) for o in vocab.objects(
                rdflib.URIRef(QUALITY + "findability-score"), SKOS.prefLabel)}
        assert str(vocab.value(rdflib.URIRef(QUALITY + "mqa-score"), DQV.inDimension)) == \
            QUALITY + "overall"
        jsonld = parse(app, "/vocab/quality.jsonld", "json-ld")
        assert len(set(jsonld.subjects(RDF.type, DQV.Metric))) == 7
        response = app.get("/vocab/quality/mqa-score", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/vocab/quality.ttl")
        assert "nosuch-score" in app.get("/vocab/quality/nosuch-score", status=404).body

    def test_with_measurements_the_feed_still_validates_with_zero_violations(self, app):
        shacl.shapes("full_and_ranges")
        created = datasets.create_rich_catalogue()
        g = parse(app, "/catalog.ttl")
        assert all(measurements(g, d) for d in created)
        for run in shacl.RUNS:
            assert shacl.results(g, run) == [], run

    def test_a_new_url_check_changes_the_published_score(self, app):
        rice, _, _ = datasets.create_rich_catalogue()
        accessibility = QUALITY + "accessibility-score"
        before = measurements(parse(app, "/catalog.ttl"), rice)
        assert before == expected(rice)
        for resource in rice["resources"]:
            quality_model.save(rice["id"], resource["id"], resource["url"], {
                "ok": True, "status_code": 200, "media_type": "text/csv",
                "byte_size": 100})
        after = measurements(parse(app, "/catalog.ttl"), rice)  # cached chunk not reused
        assert after[accessibility] > before[accessibility]
        assert after == expected(rice)

    def test_a_new_chart_changes_the_published_provincial_score(self, app):
        rice, _, _ = datasets.create_rich_catalogue()
        provincial = QUALITY + "provincial-score"
        parse(app, "/catalog.ttl")  # the charts' links are now known to this process
        before = measurements(parse(app, "/catalog.ttl"), rice)
        call_action("package_create", {"ignore_auth": True,
                                       "user": factories.Sysadmin()["name"]},
                    type="stats_chart", name="chart-22", title="ผังสถิติ",
                    province="TH-22", plan_period="2566-2570", owner_org=rice["owner_org"],
                    chart_items=[{"strategic_issue": rice["strategic_issue"][0],
                                  "indicator": "ผลผลิต", "statistic": "ผลผลิตข้าว",
                                  "availability": "as_is", "dataset": rice["name"]}])
        after = measurements(parse(app, "/catalog.ttl"), rice)
        assert after[provincial] == before[provincial] + 30
        assert after == expected(rice)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 20)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.usefixtures("with_plugins", "url_check_table")
class TestBulk:
    def _create(self, count, start):
        context = {"ignore_auth": True, "user": factories.Sysadmin()["name"]}
        for i in range(start, start + count):
            call_action("package_create", dict(context), **statistical(
                name=f"rice-{i}", title=f"rice {i}", province=["TH-22"]))

    @pytest.mark.parametrize("url,ttl", [("/catalog.ttl", 86400), ("/catalog.ttl", 0),
                                         ("/catalog.jsonld", 0)])
    def test_a_page_reads_the_scores_with_as_many_queries_for_3_or_12_datasets(
            self, app, ckan_config, monkeypatch, url, ttl):
        monkeypatch.setitem(ckan_config, TTL, ttl)
        self._create(3, 0)
        # (.body: a Turtle page is streamed, made while it is read)
        app.get(url).body  # warms the cache (Turtle) and the process
        with count_queries() as few:
            app.get(url).body
        self._create(9, 3)
        app.get(url).body
        with count_queries() as many:
            g = parse(app, url, "json-ld" if url.endswith("jsonld") else "turtle")
        assert len(set(g.subjects(DQV.isMeasurementOf, None))) == 12 * 7
        assert many() == few(), (few(), many())
