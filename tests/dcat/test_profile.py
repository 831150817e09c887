"""The ``provincialstats`` RDF profile through the real endpoints: what a DCAT harvester
reads, that it validates against DCAT-AP 3.0.1, and that it parses back to the same
fields."""
import pytest
import rdflib
from ckanext.dcat.processors import RDFParser
from rdflib.namespace import RDF, SKOS, XSD

from ckanext.provincialstats.demo.loader import load as load_demo
from ckanext.provincialstats.vocab.loader import load_provinces
from tests.dcat import datasets, shacl
from tests.logic.helpers import PLUGINS

DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
EU = "http://publications.europa.eu/resource/authority/"
BASE = "http://test.ckan.net"
PSTAT = rdflib.Namespace(BASE + "/vocab/provincialstats#")


def turtle(app, url):
    return rdflib.Graph().parse(data=app.get(url).body, format="turtle")


def ref(dataset):
    return rdflib.URIRef(f"{BASE}/dataset/{dataset['id']}")


def langs(graph, subject, predicate):
    return {(str(o), o.language) for o in graph.objects(subject, predicate)}


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.ckan_config(*datasets.NO_URL_CHECKS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestProfile:
    def test_full_datasets_validate_against_dcat_ap_3_with_zero_violations(self, app):
        shacl.shapes("full_and_ranges")  # skips without ../shared/reference
        created = datasets.create_rich_catalogue()
        g = turtle(app, "/catalog.ttl")
        assert len(list(g.subjects(RDF.type, DCAT.Dataset))) == len(created)
        for run in shacl.RUNS:
            assert shacl.results(g, run) == [], run

        # The same shapes do find what the stock profile leaves out (so the check bites).
        stock = turtle(app, "/catalog.ttl?profiles=euro_dcat_ap_3")
        assert shacl.results(stock, "vocabularies") != []

    def test_demo_catalogue_validates_with_zero_violations(self, app):
        shacl.shapes("full_and_ranges")
        load_provinces()
        load_demo()
        g = turtle(app, "/catalog.ttl")
        assert len(list(g.subjects(RDF.type, DCAT.Dataset))) >= 4
        for run in shacl.RUNS:
            assert shacl.results(g, run) == [], run

    def test_provinces_themes_time_frequency_and_languages(self, app):
        rice, parcels, schools = datasets.create_rich_catalogue()
        g = turtle(app, "/catalog.ttl")

        th22 = rdflib.URIRef(BASE + "/vocab/provinces/TH-22")
        th13 = rdflib.URIRef(BASE + "/vocab/provinces/TH-13")
        assert (ref(rice), DCT.spatial, th22) in g
        assert {th13, th22} <= set(g.objects(ref(parcels), DCT.spatial))
        assert langs(g, th22, SKOS.prefLabel) == {("จันทบุรี", "th"), ("Chanthaburi", "en")}
        assert str(g.value(th22, SKOS.notation)) == "TH-22"
        assert (th22, SKOS.inScheme, rdflib.URIRef(BASE + "/vocab/provinces")) in g

        themes = set(g.objects(ref(rice), DCAT.theme))
        assert {rdflib.URIRef(BASE + "/vocab/stat-sectors/11"),
                rdflib.URIRef(BASE + "/vocab/strategic-issues/chanthaburi-2566-2570-1"),
                rdflib.URIRef(EU + "data-theme/AGRI")} == themes
        issue = rdflib.URIRef(BASE + "/vocab/strategic-issues/chanthaburi-2566-2570-1")
        assert ("High-value agriculture", "en") in langs(g, issue, SKOS.prefLabel)

        period = g.value(ref(rice), DCT.temporal)
        assert g.value(period, DCAT.startDate) == rdflib.Literal("1981-01-01",
                                                                  datatype=XSD.date)
        assert g.value(period, DCAT.endDate) == rdflib.Literal("2015-12-31", datatype=XSD.date)

        frequency = {d["name"]: str(g.value(ref(d), DCT.accrualPeriodicity))
                     for d in (rice, parcels, schools)}
        assert frequency == {"rice-chanthaburi": EU + "frequency/ANNUAL",
                             "land-parcels-pathum-thani": EU + "frequency/QUARTERLY",
                             "schools-chanthaburi": EU + "frequency/UNKNOWN"}
        assert set(map(str, g.objects(ref(rice), DCT.language))) == {
            EU + "language/THA", EU + "language/ENG"}
        assert str(g.value(ref(rice), DCT.accessRights)) == EU + "access-right/PUBLIC"

        assert langs(g, ref(rice), DCT.title) == {("ข้าวนาปี จังหวัดจันทบุรี", "th")}
        assert langs(g, ref(schools), DCT.title) == {("Schools of Chanthaburi", "en")}
        assert ("rice", "en") in langs(g, ref(rice), DCAT.keyword)
        assert ("ข้าว", "th") in langs(g, ref(rice), DCAT.keyword)

        # GD Catalog fields without a DCAT property, in the project's own namespace.
        assert str(g.value(ref(rice), PSTAT.unitOfMeasure)) == "ไร่, ตัน"
        assert set(map(str, g.objects(ref(rice), PSTAT.objective))) == {
            "พันธกิจหน่วยงาน", "เพื่อการให้บริการประชาชน"}
        assert str(g.value(ref(rice), PSTAT.officialStatistics)) == "True"
        assert str(g.value(ref(parcels), PSTAT.equivalentScale)) == "1:4,000"
        distribution = g.value(ref(rice), DCAT.distribution)
        assert str(g.value(distribution, DCT["format"])).endswith("/file-type/CSV") or \
            any(str(g.value(d, PSTAT.unitOfMeasure)) == "ไร่"
                for d in g.objects(ref(rice), DCAT.distribution))

    def test_a_feed_read_back_with_the_profile_gives_the_same_fields(self, app):
        created = datasets.create_rich_catalogue()
        parser = RDFParser(profiles=["euro_dcat_ap_3", "provincialstats"])
        parser.parse(app.get("/catalog.ttl").body, _format="turtle")
        parsed = {d["title"]: d for d in parser.datasets()}
        assert len(parsed) == len(created)
        keys = ["province", "strategic_issue", "stat_sector", "first_year_of_data",
                "last_year_of_data", "update_frequency_unit", "update_frequency_interval",
                "data_type", "objective", "geo_coverage", "data_source", "data_format",
                "data_category", "data_classification", "license_id", "data_language",
                "unit_of_measure", "unit_of_multiplier", "calculation_method",
                "official_statistics", "allow_harvest", "geographic_data_set",
                "equivalent_scale", "data_release_date", "created_date", "data_collect",
                "high_value_dataset", "last_updated_date"]
        for original in created:
            back = parsed[original["title"]]
            for key in keys:
                want = original.get(key)
                if isinstance(want, list):
                    want, got = sorted(want), sorted(back.get(key) or [])
                else:
                    got = back.get(key)
                    want = None if want in (None, "") else str(want)
                assert got == want, (original["name"], key)
            assert len(back["resources"]) == len(original["resources"])
        rice = parsed["ข้าวนาปี จังหวัดจันทบุรี"]
        resource = next(r for r in rice["resources"] if r.get("format") == "CSV")
        assert resource["resource_unit_of_measure"] == "ไร่"
        assert resource["resource_first_year_of_data"] == "2524"

    def test_stock_profile_reads_the_feed_without_errors(self, app):
        """What a stock ckanext-dcat dcat_rdf harvester does with this feed."""
        created = datasets.create_rich_catalogue()
        parser = RDFParser(profiles=["euro_dcat_ap_3"])
        parser.parse(app.get("/catalog.ttl").body, _format="turtle")
        parsed = {d["title"]: d for d in parser.datasets()}
        assert set(parsed) == {d["title"] for d in created}
        rice = parsed["ข้าวนาปี จังหวัดจันทบุรี"]
        extras = {e["key"]: e["value"] for e in rice.get("extras", [])}
        assert rice.get("frequency", extras.get("frequency")) == EU + "frequency/ANNUAL"
        assert {r["url"] for r in rice["resources"]} == {
            "https://www.oae.go.th/rice.csv", "https://www.oae.go.th/rice.json"}

    def test_a_feed_with_only_the_eu_frequency_and_dcat_dates(self):
        g = rdflib.Graph()
        ds = rdflib.URIRef("http://other.example/dataset/1")
        period = rdflib.BNode()
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCT.title, rdflib.Literal("Other")))
        g.add((ds, DCT.accrualPeriodicity, rdflib.URIRef(EU + "frequency/MONTHLY")))
        g.add((ds, DCT.temporal, period))
        g.add((period, DCAT.startDate, rdflib.Literal("2019", datatype=XSD.gYear)))
        g.add((period, DCAT.endDate, rdflib.Literal("2023-02-28", datatype=XSD.date)))
        g.add((ds, DCT.spatial, rdflib.URIRef("http://other.example/vocab/provinces/TH-22")))
        parser = RDFParser(profiles=["euro_dcat_ap_3", "provincialstats"])
        parser.g = g
        (parsed,) = list(parser.datasets())
        assert (parsed["update_frequency_unit"], parsed["update_frequency_interval"]) == (
            "เดือน", "1")
        assert (parsed["first_year_of_data"], parsed["last_year_of_data"]) == ("2562", "2566")
        assert parsed["province"] == ["TH-22"]

    def test_single_dataset_endpoint_uses_the_profile(self, app):
        rice, _, _ = datasets.create_rich_catalogue()
        for fmt, rdflib_format in (("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld"),
                                   ("xml", "xml")):
            body = app.get(f"/dataset/{rice['name']}.{fmt}").body
            g = rdflib.Graph().parse(data=body, format=rdflib_format)
            assert (ref(rice), DCT.spatial,
                    rdflib.URIRef(BASE + "/vocab/provinces/TH-22")) in g, fmt

    def test_dcat_us_3_output(self, app):
        rice, _, _ = datasets.create_rich_catalogue()
        body = app.get("/catalog.jsonld?profiles=dcat_us_3").body
        g = rdflib.Graph().parse(data=body, format="json-ld")
        assert (ref(rice), RDF.type, DCAT.Dataset) in g
        assert (ref(rice), DCT.title, rdflib.Literal("ข้าวนาปี จังหวัดจันทบุรี")) in g
        both = rdflib.Graph().parse(
            data=app.get("/catalog.jsonld?profiles=dcat_us_3,provincialstats").body,
            format="json-ld")
        assert (ref(rice), DCT.spatial, rdflib.URIRef(BASE + "/vocab/provinces/TH-22")) in both
        # DCAT-US 3.0 shapes: the stock dcat_us_3 output has violations (format literals,
        # the catalogue's publisher and description); with provincialstats, none.
        assert shacl.dcat_us_violations(g) != []
        assert shacl.dcat_us_violations(both) == []
