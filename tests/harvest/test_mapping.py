"""Harvest mapping: source records of every kind into the provincial dataset schema, and
the result accepted by ``package_create`` with the catalogue's own validation."""
import csv
import datetime
import json
import pathlib

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.dcat.processors import RDFParser

from ckanext.provincialstats.harvest import mapping_places as places
from ckanext.provincialstats.harvest import mapping_values as values
from ckanext.provincialstats.harvest.mapping import map_dataset
from tests.conftest import REFERENCE
from tests.logic.helpers import PLUGINS, province_records, strategic_issue

DATA = pathlib.Path(__file__).parent / "data"

DEFAULTS = {
    "data_type": "ข้อมูลสถิติ",
    "objective": ["พันธกิจหน่วยงาน"],
    "update_frequency_unit": "ไม่ทราบ",
    "geo_coverage": "จังหวัด",
    "data_category": "ข้อมูลสาธารณะ",
    "license_id": "Open Data Common",
    "maintainer": "ศูนย์ข้อมูลจังหวัด",
    "maintainer_email": "data@example.go.th",
    "data_source": "หน่วยงานต้นทาง",
    "data_format": ["ไม่ทราบ"],
    "tag_string": "ข้อมูลจังหวัด",
}
CONFIG = {"default_provinces": ["TH-22"], "rules": [], "defaults": DEFAULTS}


def parsed(path, fmt):
    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse(pathlib.Path(path).read_text(encoding="utf-8"), _format=fmt)
    return {d["title"]: d for d in parser.datasets()}


def extras(dataset):
    return {e["key"]: e["value"] for e in dataset.get("extras", [])}


def create(result, name):
    data = dict(result.dataset, name=name, owner_org=factories.Organization()["id"])
    return call_action("package_create", {"ignore_auth": True,
                                          "user": factories.Sysadmin()["name"]}, **data)


# -- values ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, code", [
    ("TH-22", "TH-22"), ("22", "TH-22"), ("๒๒", "TH-22"), ("th-22", "TH-22"),
    ("จันทบุรี", "TH-22"), ("จ.จันทบุรี", "TH-22"), ("จังหวัดจันทบุรี", "TH-22"),
    ("Chanthaburi", "TH-22"), ("Lopburi", "TH-16"), ("Lop Buri", "TH-16"),
    ("Loburi", "TH-16"), ("Chon Buri", "TH-20"), ("Chonburi", "TH-20"),
    ("Bangkok", "TH-10"), ("Krung Thep", "TH-10"), ("กรุงเทพฯ", "TH-10"),
    ("Ayutthaya", "TH-14"), ("Phra Nakhon Si Ayutthaya", "TH-14"), ("อยุธยา", "TH-14"),
    ("Korat", "TH-30"), ("Nakhon Ratchasima Province", "TH-30"), ("เลย", "TH-42"),
    ("http://example.org/places/TH-50", "TH-50"), ("Bueng Kan", "TH-38"),
])
def test_a_whole_value_names_its_province(value, code):
    assert places.province_of_value(value) == code


def test_every_name_of_the_reference_province_lists():
    """Both public province lists of ../shared/reference (GeoThai: DOPA id; kongvut:
    Thai name) and the ISO 3166-2:TH spellings of the same places."""
    folder = REFERENCE / "provinces"
    if not folder.exists():
        pytest.skip(f"reference material not found at {folder} (../shared/reference)")
    geothai = json.loads((folder / "geothai_v2_provinces.json").read_text(encoding="utf-8"))
    wrong = [(p["en"], p["th"]) for p in geothai
             if {places.province_of_value(p["en"]), places.province_of_value(p["th"])}
             != {"TH-%d" % p["id"]}]
    by_thai = {p["th"]: "TH-%d" % p["id"] for p in geothai}
    with open(folder / "kongvut_provinces.csv", encoding="utf-8") as f:
        wrong += [r["name_en"] for r in csv.DictReader(f)
                  if places.province_of_value(r["name_en"]) != by_thai[r["name_th"]]]
    spellings = {"TH-10": "Krung Thep Maha Nakhon", "TH-11": "Samutprakan", "TH-23": "Trad",
                 "TH-70": "Rat Buri", "TH-75": "Mae Klong", "TH-77": "Prachuap"}
    wrong += [n for code, n in spellings.items() if places.province_of_value(n) != code]
    assert wrong == []
    assert len(geothai) == 77


@pytest.mark.parametrize("text, codes", [
    ("ผลผลิตทุเรียน จ.จันทบุรี ปี 2566", ["TH-22"]),
    ("Tourism in Chonburi and Rayong 2023", ["TH-20", "TH-21"]),
    ("สถิติการท่องเที่ยวจังหวัดเลย", ["TH-42"]),
    ("การแพร่ระบาดของโรคไข้เลือดออก", []),     # แพร่ here is "spread", not Phrae
    ("ไม่ต้องตากแดด เลยไม่เสีย", []),            # ตาก, เลย as ordinary words
    ("NaN values in the finance report", []),   # not Nan
    ("จำนวนนักเรียน 22 อำเภอ ปี 2566", []),      # numbers are not DOPA codes in text
    ("Population of Nan and Phrae", ["TH-55", "TH-54"]),
    ("ข้อมูลกรุงเทพมหานครและนนทบุรี", ["TH-10", "TH-12"]),
    ("Lop Buri / Lopburi sunflower fields", ["TH-16"]),
])
def test_provinces_in_running_text(text, codes):
    assert places.provinces_in_text(text) == codes


@pytest.mark.parametrize("value, date", [
    ("12/03/2566", "2023-03-12"), ("2566-03-12", "2023-03-12"),
    ("๑๒/๐๓/๒๕๖๖", "2023-03-12"), ("12 มีนาคม 2566", "2023-03-12"),
    ("12 มี.ค. 66", "2023-03-12"), ("2023-03-12T10:00:00Z", "2023-03-12"),
    ("12-03-2023", "2023-03-12"), ("2566", "2023-01-01"), ("31/02/2566", None),
    ("next year", None),
])
def test_be_and_ce_dates_become_ce_dates(value, date):
    found = values.parse_date(value)
    assert (found.isoformat() if found else None) == date


@pytest.mark.parametrize("value, year", [
    ("2566", 2023), ("๒๕๖๖", 2023), ("พ.ศ. 2566", 2023), ("2023", 2023), ("ปี 2560", 2017),
    ("25660", None),
])
def test_years_become_ce(value, year):
    assert values.parse_year(value) == year


@pytest.mark.parametrize("value, expected", [
    ("https://creativecommons.org/licenses/by/4.0/", ("Creative Commons Attributions", None)),
    ("http://creativecommons.org/licenses/by-nc-sa/3.0/th/",
     ("Creative Commons Attribution Non-Commercial Share-Alike", None)),
    ("CC-BY-4.0", ("Creative Commons Attributions", None)),
    ("CC BY-NC-ND 4.0", ("Creative Commons Attribution Non-Commercial No-Derivs", None)),
    ("Creative Commons Attribution-ShareAlike 4.0 International",
     ("Creative Commons Attribution Share-Alike", None)),
    ("Creative Commons Attributions", ("Creative Commons Attributions", None)),
    ("cc-by", ("Creative Commons Attributions", None)),
    ("cc-nc", ("Creative Commons Attribution Non-Commercial", None)),
    ("Open Data Common", ("Open Data Common", None)),
    ("ครีเอทีฟคอมมอนส์ แสดงที่มา-ไม่ใช้เพื่อการค้า",
     ("Creative Commons Attribution Non-Commercial", None)),
    ("https://creativecommons.org/publicdomain/zero/1.0/", ("อื่นๆ", "CC0 1.0 (Public Domain)")),
    ("odc-odbl", ("อื่นๆ", "ODC Open Database License (ODbL)")),
    ("notspecified", (None, None)),
    ("Licence of the agency, see its website", (None, None)),
])
def test_licences_map_to_the_catalogue_licence_ids(value, expected):
    assert values.map_license(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("http://publications.europa.eu/resource/authority/frequency/ANNUAL", ("ปี", 1)),
    ("http://publications.europa.eu/resource/authority/frequency/QUARTERLY", ("ไตรมาส", 1)),
    ("R/P1M", ("เดือน", 1)), ("P3M", ("ไตรมาส", 1)), ("R/P2Y", ("ปี", 2)),
    ("Annual", ("ปี", 1)), ("semi-annually", ("ครึ่งปี", 1)), ("รายเดือน", ("เดือน", 1)),
    ("ปรับปรุงรายไตรมาส", ("ไตรมาส", 1)), ("whenever we can", None),
])
def test_frequencies(value, expected):
    assert values.map_frequency(value) == expected


# -- whole records, through package_create ----------------------------------------------

@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestMappedRecordsAreCreated:
    def test_plain_dcat_feed_imports_with_derived_and_defaulted_fields_recorded(self):
        records = parsed(DATA / "plain_three.ttl", "turtle")
        assert len(records) == 3
        created = {}
        for number, (title, record) in enumerate(sorted(records.items())):
            created[title] = create(map_dataset(record, CONFIG), "plain-%d" % number)

        durian = created["ผลผลิตทุเรียน จ.จันทบุรี ปี 2566"]
        assert durian["province"] == ["TH-22"]
        assert durian["license_id"] == "Creative Commons Attributions"
        assert (durian["maintainer"], durian["maintainer_email"]) == (
            "กลุ่มสารสนเทศ", "info@example.go.th")
        assert durian["data_source"] == "สำนักงานเกษตรจังหวัดจันทบุรี"
        assert durian["data_format"] == ["CSV"]
        assert (durian["update_frequency_unit"], durian["update_frequency_interval"]) == (
            "ปี", "1")
        assert (durian["first_year_of_data"], durian["last_year_of_data"]) == ("2561", "2566")
        assert (durian["first_year_ce"], durian["last_year_ce"]) == (2018, 2023)
        assert durian["last_updated_date"] == "2023-06-30"
        assert durian["data_category"] == "ข้อมูลสาธารณะ"
        assert durian["data_language"] == ["ไทย"]
        assert {t["name"] for t in durian["tags"]} == {"ทุเรียน", "เกษตร", "durian"}
        assert durian["resources"][0]["format"] == "CSV"
        recorded = extras(durian)
        assert "maintainer" in json.loads(recorded["harvest_derived"])
        assert json.loads(recorded["harvest_defaulted"]) == ["data_type", "objective"]
        unmapped = json.loads(recorded["harvest_unmapped"])
        assert unmapped["identifier"] == "durian-2566"
        # created_date does not apply to statistical data: kept, not dropped
        assert unmapped["created_date"] == "2023-01-15"

        lopburi = created["Visitors to Lopburi, monthly"]
        assert lopburi["province"] == ["TH-16"]
        assert lopburi["license_id"] == "Creative Commons Attribution Non-Commercial Share-Alike"
        assert lopburi["update_frequency_unit"] == "เดือน"
        assert lopburi["data_format"] == ["XLS"]
        assert lopburi["maintainer_email"] == "tourism@example.go.th"

        schools = created["Schools"]
        assert schools["province"] == ["TH-22"]  # the source's default
        assert "province" in json.loads(extras(schools)["harvest_defaulted"])
        # A licence nobody recognises: "other" with its own words, and reported.
        assert schools["license_id"] == "อื่นๆ"
        assert schools["license_id_other"] == "https://example.go.th/our-own-licence"
        assert json.loads(extras(schools)["harvest_unmapped"])["license"] == \
            "https://example.go.th/our-own-licence"
        assert (schools["maintainer"], schools["maintainer_email"]) == (
            "Planning group", "plan@example.go.th")
        assert schools["data_source"] == "หน่วยงานต้นทาง"  # defaulted: no publisher

    def test_unknown_is_said_where_the_gd_catalog_has_it_and_nothing_else_is_invented(self):
        records = parsed(DATA / "plain_three.ttl", "turtle")
        few = {k: DEFAULTS[k] for k in ("data_type", "data_category", "license_id",
                                        "tag_string", "data_source")}
        result = map_dataset(records["Schools"], {"default_provinces": [], "defaults": few})
        assert result.dataset["objective"] == ["ไม่ทราบ"]
        assert result.dataset["update_frequency_unit"] == "ไม่ทราบ"
        assert result.dataset["geo_coverage"] == "ไม่ทราบ"
        assert result.dataset["data_format"] == ["JSON"]  # said by the record
        assert {"objective", "update_frequency_unit", "geo_coverage"} <= set(result.defaulted)
        assert result.dataset["reference_url_catalog"] == \
            "https://data.example.go.th/dataset/schools"
        assert result.missing == []
        created = create(result, "schools-unknown")
        assert created["objective"] == ["ไม่ทราบ"]
        assert "province" not in created

    def test_gd_catalog_record_maps_one_to_one(self):
        remote = {
            "id": "0b6c...", "name": "rice-2565", "type": "dataset",
            "title": "ข้าวนาปี จังหวัดลพบุรี", "notes": "เนื้อที่เพาะปลูกและผลผลิต",
            "data_type": "ข้อมูลสถิติ", "maintainer": "กลุ่มสถิติ",
            "maintainer_email": "stat@oae.go.th", "objective": ["พันธกิจหน่วยงาน"],
            "update_frequency_unit": "ปี", "update_frequency_interval": "1",
            "geo_coverage": "จังหวัด", "data_source": "สศก.",
            "data_format": '["CSV", "XLS"]', "data_category": "ข้อมูลสาธารณะ",
            "license_id": "Creative Commons Attributions", "first_year_of_data": "2524",
            "last_year_of_data": "๒๕๕๘", "official_statistics": "True",
            "unit_of_measure": "ไร่", "tags": [{"name": "ข้าว"}, {"name": "rice"}],
            "organization": {"name": "oae", "title": "สำนักงานเศรษฐกิจการเกษตร"},
            "extras": [], "metadata_modified": "2024-01-01T00:00:00",
            "resources": [{"id": "r1", "url": "https://oae.example/rice.csv", "name": "ข้าว",
                           "format": "CSV", "resource_first_year_of_data": "2524",
                           "package_id": "0b6c..."}],
        }
        result = map_dataset(remote, {"default_provinces": [], "defaults": {}})
        assert result.defaulted == [] and result.missing == []
        # the remote organization is kept (by name and title), not its whole record
        assert result.unmapped == {"organization": {"name": "oae",
                                                    "title": "สำนักงานเศรษฐกิจการเกษตร"}}
        created = create(result, "rice-2565")
        for key in ("title", "data_type", "maintainer", "objective", "data_source",
                    "license_id", "first_year_of_data", "unit_of_measure",
                    "official_statistics"):
            assert created[key] == remote[key]
        assert created["data_format"] == ["CSV", "XLS"]
        assert created["last_year_of_data"] == "2558"
        assert created["province"] == ["TH-16"]  # from the title
        assert created["resources"][0]["resource_first_year_of_data"] == "2524"

    def test_unknown_values_are_kept_and_ce_years_become_be(self):
        record = {
            "title": "Hospital beds", "notes": "Beds by hospital",
            "extras": [{"key": "contact_name", "value": "Health office"},
                       {"key": "contact_email", "value": "mailto:health@example.go.th"},
                       {"key": "temporal_start", "value": "2019-01-01"},
                       {"key": "spatial_text", "value": "Phra Nakhon Si Ayutthaya"},
                       {"key": "custom_field", "value": "kept"},
                       {"key": "publisher_email", "value": "director@example.go.th"}],
            "author": "Dr. Somchai", "modified": "next week",
            "data_type": "Statistical data", "first_year_of_data": "2019",
            "objective": ["พันธกิจหน่วยงาน", "a purpose of our own"],
            "tags": [{"name": "beds"}, {"name": "x"}],
            "resources": [{"url": "https://example.go.th/beds.pdf", "name": "Beds"}],
        }
        result = map_dataset(record, CONFIG)
        assert result.dataset["data_type"] == "ข้อมูลสถิติ"  # English label accepted
        assert result.dataset["first_year_of_data"] == "2562"
        assert result.dataset["province"] == ["TH-14"]
        assert result.dataset["geo_coverage"] == "จังหวัด"
        assert result.dataset["maintainer_email"] == "health@example.go.th"
        assert result.unmapped["custom_field"] == "kept"
        # values that lost to others for a field are kept too, and so is what no date is
        assert result.dataset["maintainer"] == "Health office"
        assert result.dataset["data_source"] == "Dr. Somchai"  # the author, no publisher
        assert result.unmapped["publisher_email"] == "director@example.go.th"
        assert result.unmapped["modified"] == "next week"
        assert result.unmapped["objective"] == ["a purpose of our own"]
        assert result.unmapped["tags"] == ["x"]
        created = create(result, "beds")
        assert created["objective"] == ["พันธกิจหน่วยงาน"]
        assert created["data_format"] == ["PDF"]
        assert created["resources"][0]["format"] == "PDF"
        assert json.loads(extras(created)["harvest_unmapped"])["custom_field"] == "kept"

    def test_rules_give_provinces_and_strategic_issues(self):
        province_records("TH-22", "TH-21")
        issue = strategic_issue("TH-22", 1)["name"]
        config = dict(CONFIG, default_provinces=[], rules=[
            {"field": "keywords", "match": "durian", "strategic_issue": issue},
            {"field": "publisher", "match": "Tourism office", "province": "TH-21"},
        ])
        records = parsed(DATA / "plain_three.ttl", "turtle")
        durian = map_dataset(records["ผลผลิตทุเรียน จ.จันทบุรี ปี 2566"], config)
        assert durian.dataset["strategic_issue"] == [issue]
        assert durian.dataset["province"] == ["TH-22"]
        created = create(durian, "durian-rule")
        assert created["strategic_issue"] == [issue]
        tourism = map_dataset(records["Visitors to Lopburi, monthly"], config)
        assert tourism.dataset["province"] == ["TH-16", "TH-21"]
        schools = map_dataset(records["Schools"], config)
        assert "province" not in schools.dataset  # no rule, no default: nothing invented

    @pytest.mark.parametrize("file_name, fmt", [
        ("dataset.rdf", "xml"), ("dataset_deri.ttl", "turtle"),
        ("dataset_gov_de.rdf", "xml"), ("catalog.rdf", "xml"),
    ])
    def test_real_feeds_of_other_portals_import_with_defaults(self, file_name, fmt):
        path = REFERENCE / "dcat-examples" / "dcat" / file_name
        if not path.exists():
            pytest.skip(f"reference material not found at {path} (../shared/reference)")
        records = parsed(path, fmt)
        assert records
        for number, record in enumerate(records.values()):
            result = map_dataset(record, CONFIG)
            assert result.missing == []
            created = create(result, "ref-%d" % number)
            assert created["province"] == ["TH-22"]
            assert created["resources"] or not record["resources"]

    def test_remote_ckan_example_dataset(self):
        path = REFERENCE / "dcat-examples" / "ckan" / "full_ckan_dataset_legacy.json"
        if not path.exists():
            pytest.skip(f"reference material not found at {path} (../shared/reference)")
        remote = json.loads(path.read_text(encoding="utf-8"))
        result = map_dataset(remote, CONFIG)
        created = create(result, "ckan-example")
        assert created["title"] == remote["title"]
        assert len(created["resources"]) == len(remote["resources"])
        kept = json.loads(extras(created)["harvest_unmapped"])
        assert kept  # the example's extras have no place in the schema: kept
        assert datetime.date.fromisoformat(created["metadata_created"][:10])
