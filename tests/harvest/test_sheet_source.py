"""The spreadsheet source: XLSX (written with openpyxl here) and CSV inventories with Thai
or English headers, any of the encodings Thai agencies save in; bad rows reported one
by one; files that are not inventories refused with a message."""
import datetime
import io
import json
import zipfile

import openpyxl
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.harvest.errors import SourceError
from ckanext.provincialstats.harvest.mapping import map_dataset
from ckanext.provincialstats.harvest.safety import FetchResult
from ckanext.provincialstats.harvest.sources import sheet
from ckanext.provincialstats.harvest.xmlsafe import UnsafeXMLError
from tests.harvest.test_mapping import CONFIG
from tests.logic.helpers import PLUGINS

URL = "https://agency.example.go.th/inventory"

THAI_HEADER = ["ลำดับ", "รหัสชุดข้อมูล", "ชื่อชุดข้อมูล", "คำอธิบายชุดข้อมูล", "ประเภทชุดข้อมูล",
               "ชื่อฝ่ายงานสำหรับติดต่อ", "อีเมลสำหรับติดต่อ", "คำสำคัญ", "วัตถุประสงค์",
               "หน่วยความถี่ของการปรับปรุงข้อมูล", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่",
               "แหล่งที่มา", "รูปแบบการเก็บข้อมูล", "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ",
               "สัญญาอนุญาต", "ปีข้อมูลที่เริ่มต้นจัดทำ (สำหรับชุดข้อมูลสถิติ)",
               "ปีข้อมูลล่าสุดที่เผยแพร่ (สำหรับชุดข้อมูลสถิติ)", "วันที่ปรับปรุงข้อมูลล่าสุด",
               "จังหวัด", "ลิงก์ดาวน์โหลด", "รูปแบบไฟล์", "หมายเหตุ"]


def thai_row(number, code, title, provinces, first=2560, last=2566):
    return [number, code, title, "คำอธิบาย " + title, "ข้อมูลสถิติ", "กลุ่มสถิติ",
            "stat@agency.example.go.th", "เกษตร, ผลไม้", "พันธกิจหน่วยงาน", "ปี", "จังหวัด",
            "สำนักงานเกษตรจังหวัด", "CSV, XLSX", "ข้อมูลสาธารณะ", "Open Data Common", first,
            last, datetime.datetime(2023, 6, 30), provinces,
            f"https://agency.example.go.th/files/{code}.csv", "CSV", "ตรวจสอบแล้ว"]


def xlsx(rows):
    book = openpyxl.Workbook()
    sheet_ = book.active
    sheet_.title = "บัญชีข้อมูล"
    for row in rows:
        sheet_.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fetch_of(content):
    calls = []

    def fetch(url, *, accept=None, max_bytes=None, timeout=None):
        calls.append(url)
        return FetchResult(content, "application/octet-stream", url)
    fetch.calls = calls
    return fetch


def gathered(content):
    return list(sheet.gather(URL, CONFIG, fetch_of(content)))


def thai_workbook():
    return xlsx([
        ["บัญชีข้อมูลสำนักงานเกษตรจังหวัด ปี 2566"],  # a title row above the header
        [],
        THAI_HEADER,
        thai_row(1, "agri-001", "ผลผลิตทุเรียน", "จันทบุรี, ตราด"),
        thai_row(2, "agri-002", "", "จันทบุรี"),  # no title: this row's error only
        [None] * len(THAI_HEADER),
        thai_row(3, "agri-003", "ผลผลิตมังคุด", "TH-22", first=2019, last="๒๕๖๖"),
    ])


class TestRows:
    def test_thai_xlsx_inventory_rows(self):
        items = gathered(thai_workbook())
        assert [guid for guid, _ in items] == ["agri-001", "agri-002", "agri-003"]
        durian = sheet.parse(items[0][1])
        assert durian["title"] == "ผลผลิตทุเรียน"
        assert durian["province"] == ["จันทบุรี", "ตราด"]
        assert durian["first_year_of_data"] == "2560"
        assert durian["last_updated_date"] == "2023-06-30"
        assert durian["resources"] == [{"url": "https://agency.example.go.th/files/agri-001.csv",
                                        "format": "CSV"}]
        assert durian["extras"] == [{"key": "หมายเหตุ", "value": "ตรวจสอบแล้ว"}]
        with pytest.raises(SourceError) as raised:
            sheet.parse(items[1][1])
        assert "row 5" in raised.value.en and "แถว 5" in raised.value.th

        mapped = map_dataset(durian, CONFIG)
        assert mapped.dataset["province"] == ["TH-22", "TH-23"]
        assert mapped.dataset["data_format"] == ["CSV", "XLS"]
        assert mapped.dataset["objective"] == ["พันธกิจหน่วยงาน"]
        assert mapped.unmapped == {"หมายเหตุ": "ตรวจสอบแล้ว", "identifier": "agri-001"}
        assert mapped.defaulted == []
        mangosteen = map_dataset(sheet.parse(items[2][1]), CONFIG).dataset
        assert (mangosteen["first_year_of_data"], mangosteen["last_year_of_data"]) == (
            "2562", "2566")  # a CE year and Thai digits, both as BE

    @pytest.mark.parametrize("codec", ["cp874", "tis_620", "utf-8-sig", "utf-8"])
    def test_english_csv_in_thai_encodings(self, codec):
        text = ("No.;identifier;Dataset Name;Description;Data Type;Contact Person;"
                "Contact Email;Tags;Objective;Update Frequency Unit;Geo Coverage;"
                "Data Source;Data Format;Data Category;License;Province;Download URL\n"
                "1;tour-1;นักท่องเที่ยว ลพบุรี;Visitors;Statistical data;Tourism office;"
                "t@example.go.th;tourism;Agency mission;Month;Province;กรมการท่องเที่ยว;"
                "CSV;Public data;CC-BY-4.0;Lop Buri;https://example.go.th/t.csv\n")
        items = gathered(text.encode(codec))
        assert [guid for guid, _ in items] == ["tour-1"]
        dataset = map_dataset(sheet.parse(items[0][1]), CONFIG).dataset
        assert dataset["title"] == "นักท่องเที่ยว ลพบุรี"
        assert dataset["data_type"] == "ข้อมูลสถิติ"
        assert dataset["objective"] == ["พันธกิจหน่วยงาน"]
        assert dataset["update_frequency_unit"] == "เดือน"
        assert dataset["data_category"] == "ข้อมูลสาธารณะ"
        assert dataset["license_id"] == "Creative Commons Attributions"
        assert dataset["province"] == ["TH-16"]
        assert dataset["data_source"] == "กรมการท่องเที่ยว"

    def test_every_thai_label_of_the_gd_catalog_schema_is_a_header(self, gdc_reference):
        for field in gdc_reference["dataset_fields"]:
            if field["field_name"] in ("name", "owner_org") or not isinstance(
                    field.get("label"), dict):
                continue
            for label in field["label"].values():
                assert sheet.column_key(label) == field["field_name"], label
            assert sheet.column_key(field["field_name"]) == field["field_name"]

    @pytest.mark.parametrize("header, key", [
        ("ชื่อชุดข้อมูล / Dataset Name", "title"), ("ชื่อชุดข้อมูล\nDataset Name", "title"),
        ("ชื่อชุดข้อมูล*", "title"), ("Dataset Name (ชื่อชุดข้อมูล)", "title"),
        ("อีเมลสำหรับติดต่อ :", "maintainer_email"), ("ลำดับที่", None),
        ("หมายเหตุ", "column:หมายเหตุ"),
    ])
    def test_header_forms(self, header, key):
        assert sheet.column_key(header) == key

    def test_guid_falls_back_to_the_title(self):
        items = gathered("ชื่อชุดข้อมูล,คำสำคัญ\nข้อมูลฝน,ฝน\n".encode("utf-8"))
        assert items[0][0] == "ข้อมูลฝน"


class TestBadFiles:
    @pytest.mark.parametrize("content, words", [
        (b"a,b,c\n1,2,3\n", "no header row with a dataset name column"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel files (.xls)"),
        (b"PK\x03\x04 not really a zip", "the XLSX file cannot be read"),
        (bytes(range(256)) * 1000, "neither a CSV nor an XLSX file"),
    ], ids=["no-header", "old-xls", "broken-zip", "binary"])
    def test_not_an_inventory(self, content, words):
        with pytest.raises(SourceError) as raised:
            gathered(content)
        assert words in raised.value.en and URL in str(raised.value)

    def test_xlsx_with_an_external_entity_is_refused(self):
        original = zipfile.ZipFile(io.BytesIO(xlsx([["ชื่อชุดข้อมูล", "คำสำคัญ"],
                                                     ["ฝน", "ฝน"]])))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as patched:
            for item in original.infolist():
                data = original.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    start = data.index(b"<worksheet")
                    data = (data[:start] + b'<!DOCTYPE x [<!ENTITY e SYSTEM '
                            b'"file:///etc/passwd">]>' + data[start:])
                patched.writestr(item, data)
        with pytest.raises(UnsafeXMLError):
            gathered(out.getvalue())


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestImported:
    def test_rows_pass_package_create(self):
        org = factories.Organization()["id"]
        context = {"ignore_auth": True, "user": factories.Sysadmin()["name"]}
        created = []
        for guid, content in gathered(thai_workbook()):
            try:
                pkg = sheet.parse(content)
            except SourceError:
                continue
            dataset = dict(map_dataset(pkg, CONFIG).dataset, owner_org=org, name=guid)
            created.append(call_action("package_create", dict(context), **dataset))
        assert [c["name"] for c in created] == ["agri-001", "agri-003"]
        assert created[0]["province"] == ["TH-22", "TH-23"]
        assert json.loads({e["key"]: e["value"] for e in created[0]["extras"]}[
            "harvest_unmapped"]) == {"หมายเหตุ": "ตรวจสอบแล้ว", "identifier": "agri-001"}


@pytest.fixture
def harvest_db(reset_db, migrate_db_for):
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")


@pytest.mark.ckan_config("ckan.plugins", "activity " + PLUGINS + " harvest provincialstats_ckan"
                         " provincialstats_dcat provincialstats_sheet")
@pytest.mark.ckan_config("ckanext.provincialstats.harvest.allow_private_urls", "true")
@pytest.mark.usefixtures("with_plugins", "harvest_db")
class TestHarvestJob:
    def test_inventory_harvested_with_the_bad_row_reported_alone(self):
        from tests.harvest.pipeline_helpers import create_source, harvested, run
        from tests.harvest.static_server import StaticServer
        with StaticServer({"/inventory.xlsx": (
                thai_workbook(), "application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")}) as server:
            org = factories.Organization(name="agri-office")
            source = create_source(server.url("/inventory.xlsx"),
                                   dict(CONFIG, organization=org["name"]),
                                   owner_org=org["id"], kind="provincialstats_sheet")
            job, results = run(source, "provincialstats_sheet")
        datasets = harvested(source["id"])
        assert set(datasets) == {"agri-001", "agri-003"}
        assert datasets["agri-001"]["province"] == ["TH-22", "TH-23"]
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        assert errors["count"] == 1
        assert errors["results"][0]["guid"] == "agri-002"
        assert "row 5: no dataset name" in errors["results"][0]["message"]
        assert "แถว 5" in errors["results"][0]["message"]
