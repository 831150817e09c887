"""The DCAT and spreadsheet harvesters through the shared pipeline: a plain DCAT feed that
knows nothing of the GD Catalog imports, the same feed again writes nothing (ckanext-dcat's
``dcat_rdf`` rewrites all of it), an XXE feed fails its job with a message and changes
nothing."""
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.harvest.ckan_server import RemoteCKAN
from tests.harvest.pipeline_helpers import (  # noqa: F401 (clean_db: fixture)
    HARVEST_PLUGINS,
    activity_count,
    clean_db,
    create_source,
    harvested,
    run,
)

pytestmark = [pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]


def feed(notes="Rainfall per month at the provincial station."):
    return f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<https://agency.example.go.th/catalog> a dcat:Catalog ;
  dcat:dataset <https://agency.example.go.th/ds/rain>, <https://agency.example.go.th/ds/pop>,
               <https://agency.example.go.th/ds/durian> .
<https://agency.example.go.th/ds/rain> a dcat:Dataset ;
  dct:title "Rainfall, Chanthaburi" ; dct:description "{notes}" ;
  dcat:keyword "rain", "weather" ;
  dcat:contactPoint [ a vcard:Kind ; vcard:fn "Weather office" ;
                      vcard:hasEmail <mailto:wx@example.go.th> ] ;
  dcat:distribution [ a dcat:Distribution ; dct:title "CSV" ;
                      dcat:downloadURL <https://agency.example.go.th/rain.csv> ;
                      dct:format "CSV" ] .
<https://agency.example.go.th/ds/pop> a dcat:Dataset ;
  dct:title "Population, Lop Buri" ; dct:description "Mid-year population." ;
  dcat:keyword "population" ;
  dcat:distribution [ a dcat:Distribution ;
                      dcat:downloadURL <https://agency.example.go.th/pop.csv> ;
                      dct:format "CSV" ] .
<https://agency.example.go.th/ds/durian> a dcat:Dataset ;
  dct:title "ผลผลิตทุเรียน จังหวัดจันทบุรี" ; dct:description "ผลผลิตรายปี" ;
  dcat:keyword "ทุเรียน" ;
  dcat:distribution [ a dcat:Distribution ;
                      dcat:downloadURL <https://agency.example.go.th/durian.xlsx> ;
                      dct:format "XLSX" ] .
""".encode()


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://agency.example.go.th/ds/rain">
    <dct:title>&xxe;</dct:title>
  </dcat:Dataset>
</rdf:RDF>"""

DEFAULTS = {"data_category": "ข้อมูลสาธารณะ", "data_type": "ข้อมูลสถิติ",
            "data_source": "สำนักงานทดสอบ", "maintainer": "ผู้ดูแลทดสอบ",
            "maintainer_email": "test@example.go.th", "license_id": "Open Data Common"}


class TestDCAT:
    def test_plain_feed_imports_and_the_same_feed_writes_nothing(self):
        org = factories.Organization()
        with RemoteCKAN() as server:
            server.files["/catalog.ttl"] = (feed(), "text/turtle")
            source = create_source(server.url + "/catalog.ttl",
                                   {"receiving_organization": org["name"], "defaults": DEFAULTS},
                                   kind="provincialstats_dcat")
            job, results = run(source, "provincialstats_dcat")
            datasets = harvested(source["id"])
            assert len(datasets) == 3, call_action(
                "provincialstats_harvest_errors", id=source["id"])
            by_title = {d["title"]: d for d in datasets.values()}
            assert by_title["Rainfall, Chanthaburi"]["province"] == ["TH-22"]
            assert by_title["Population, Lop Buri"]["province"] == ["TH-16"]
            assert by_title["Rainfall, Chanthaburi"]["maintainer"] == "Weather office"
            before = {g: d["metadata_modified"] for g, d in datasets.items()}
            activities = activity_count()

            job, results = run(source, "provincialstats_dcat")
            # no dataset written (blank-node ids in the DCAT source's record content
            # still make it gather the records again: they stop at the record hash)
            assert all(r["report_status"] == "not modified" for r in results.values())
            assert {g: d["metadata_modified"]
                    for g, d in harvested(source["id"]).items()} == before
            assert activity_count() == activities

            server.files["/catalog.ttl"] = (feed("Rainfall per day."), "text/turtle")
            job, results = run(source, "provincialstats_dcat")
            statuses = {g: r["report_status"] for g, r in results.items()}
            assert statuses.pop("https://agency.example.go.th/ds/rain") == "updated"
            assert set(statuses.values()) <= {"not modified"}

    def test_xxe_feed_fails_the_job_and_changes_nothing(self):
        org = factories.Organization()
        with RemoteCKAN() as server:
            server.files["/catalog.ttl"] = (feed(), "text/turtle")
            source = create_source(server.url + "/catalog.ttl",
                                   {"receiving_organization": org["name"], "defaults": DEFAULTS,
                                    "withdraw": {"action": "private", "grace_days": 0}},
                                   kind="provincialstats_dcat")
            run(source, "provincialstats_dcat")
            before = {g: d["metadata_modified"] for g, d in harvested(source["id"]).items()}
            server.files["/catalog.ttl"] = (XXE, "application/rdf+xml")
            job, results = run(source, "provincialstats_dcat")
        assert results == {} and job.status == "Finished"
        after = harvested(source["id"])
        assert {g: d["metadata_modified"] for g, d in after.items()} == before
        assert not any(d["private"] for d in after.values())
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        assert errors["count"] == 1 and errors["results"][0]["stage"] == "Gather"
        assert "passwd" not in str(after)


class TestSheet:
    def test_csv_inventory_imports_and_again_writes_nothing(self):
        org = factories.Organization()
        csv_text = (
            "ชื่อชุดข้อมูล,รายละเอียด,คำสำคัญ,จังหวัด\n"
            "ผลผลิตทุเรียน,ผลผลิตรายปี,ทุเรียน,จันทบุรี\n"
            "ประชากรกลางปี,ประชากรรายปี,ประชากร,ลพบุรี\n"
        ).encode("utf-8-sig")
        with RemoteCKAN() as server:
            server.files["/inventory.csv"] = (csv_text, "text/csv")
            source = create_source(server.url + "/inventory.csv",
                                   {"receiving_organization": org["name"], "defaults": DEFAULTS},
                                   kind="provincialstats_sheet")
            run(source, "provincialstats_sheet")
            datasets = harvested(source["id"])
            assert sorted(d["title"] for d in datasets.values()) == [
                "ประชากรกลางปี", "ผลผลิตทุเรียน"], call_action(
                "provincialstats_harvest_errors", id=source["id"])
            provinces = sorted(d["province"][0] for d in datasets.values())
            assert provinces == ["TH-16", "TH-22"]
            activities = activity_count()
            job, results = run(source, "provincialstats_sheet")
            assert results == {} and activity_count() == activities
