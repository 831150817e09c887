"""Thai files uploaded through the API end up in the DataStore with Thai headers, Thai
text and real column types (numeric filters and sorts work)."""
import codecs

import pytest

from ckanext.provincialstats.datastore import status
from tests.datastore.conftest import DEMO, DS_PLUGINS, reencode, reference, search, upload

pytestmark = [pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_datastore")]


def _types(result):
    return {f["id"]: f["type"] for f in result["fields"]}


def test_tis620_file_with_thai_headers_loads_with_types(tmp_path, dataset, sysadmin, queue):
    path = reencode(DEMO / "rice-main-season-chanthaburi.csv", tmp_path / "rice.csv")
    raw = path.read_bytes()
    assert "จังหวัด".encode("tis_620") in raw and not raw.startswith(codecs.BOM_UTF8)
    resource = upload(dataset, path, sysadmin)
    assert queue.run() == [resource["id"]]

    result = search(resource["id"], limit=100)
    types = _types(result)
    assert types["ปี พ.ศ."] == "int8" and types["จังหวัด"] == "text"
    assert types["ผลผลิต (ตัน)"] == "int8"
    assert result["total"] == 35
    assert {r["จังหวัด"] for r in result["records"]} == {"จันทบุรี"}
    # Numeric filter and sort: by value, not as text.
    first = search(resource["id"], filters={"ปี พ.ศ.": 2524})["records"]
    assert [r["ปี ค.ศ."] for r in first] == [1981]
    top = search(resource["id"], sort="ผลผลิต (ตัน) desc", limit=35)["records"]
    values = [r["ผลผลิต (ตัน)"] for r in top]
    assert values == sorted(values, reverse=True) and values[0] == 65945
    assert [str(v) for v in values] != sorted(map(str, values), reverse=True)  # not text
    # A header over PostgreSQL's 63-byte limit: shortened id, full header as label.
    long_header = "ผลผลิตต่อไร่เก็บเกี่ยว (กก.)"
    field = [f for f in result["fields"] if f.get("info", {}).get("label") == long_header]
    assert len(field) == 1 and len(field[0]["id"].encode()) <= 63
    assert field[0]["type"] == "int8"
    assert status.get(resource["id"])["encoding"] in ("cp874", "tis_620")
    # Full text was filled for the loaded rows, and CKAN's trigger is back on for new ones.
    assert search(resource["id"], q="จันทบุรี", limit=0)["total"] == 35
    from ckan.tests.helpers import call_action as act
    act("datastore_upsert", resource_id=resource["id"], method="insert", force=True,
        records=[{"จังหวัด": "ตราด", "ปี พ.ศ.": 2559}])
    assert search(resource["id"], q="ตราด")["records"][0]["ปี พ.ศ."] == 2559
    # The resource is active in the DataStore; the upload is unchanged.
    from ckan.tests.helpers import call_action
    shown = call_action("resource_show", id=resource["id"])
    assert shown["datastore_active"] is True
    from ckan.lib import uploader
    stored = uploader.get_resource_uploader(shown).get_path(shown["id"])
    assert open(stored, "rb").read() == raw


def test_real_reference_file_in_tis620_decimals_and_thai_values(tmp_path, dataset, sysadmin,
                                                                queue):
    src = reference("oae_major_rice_by_province_2524-2558__sheet24-58.DERIVED.csv")
    path = reencode(src, tmp_path / "oae.csv")
    resource = upload(dataset, path, sysadmin)
    queue.run()
    result = search(resource["id"], limit=5, sort="planted_rai desc")
    types = _types(result)
    assert types["year_be"] == "int8"
    assert types["planted_rai"] == "numeric"
    assert types["province_th"] == "text"
    # "01"-style codes would stay text; here oae_code has no leading zeros.
    assert result["records"][0]["province_th"] == "รวมทั้งประเทศ"
    lines = src.read_text(encoding="utf-8").splitlines()
    assert result["total"] == len(lines) - 1
    found = search(resource["id"], q="จันทบุรี", limit=1)
    assert found["records"] and found["records"][0]["province_th"] == "จันทบุรี"


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "cp874"])
def test_encodings_and_be_dates_thousands_separators(tmp_path, dataset, sysadmin, queue,
                                                     codec):
    text = ("วันที่,จำนวน (บาท),รหัส,หมายเหตุ\n"
            "15/01/2567,\"1,234,567.50\",01,ทดสอบ\n"
            "2566-12-31,-,02,ข้อความ “ยาว”\n"
            "1/2/2567,12,10,\n")
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode(codec))
    resource = upload(dataset, path, sysadmin)
    queue.run()
    result = search(resource["id"], sort="วันที่")
    assert _types(result) == {"_id": "int", "วันที่": "date", "จำนวน (บาท)": "numeric",
                              "รหัส": "text", "หมายเหตุ": "text"}
    records = result["records"]
    assert [r["วันที่"][:10] for r in records] == ["2023-12-31", "2024-01-15", "2024-02-01"]
    assert records[1]["จำนวน (บาท)"] == 1234567.5
    assert records[0]["จำนวน (บาท)"] is None
    assert [r["รหัส"] for r in records] == ["02", "01", "10"]
    assert records[0]["หมายเหตุ"] == "ข้อความ “ยาว”" or codec == "cp874"


def test_unchanged_file_is_not_reloaded_and_a_new_one_is(tmp_path, dataset, sysadmin, queue):
    from ckan.tests.helpers import call_action
    path = tmp_path / "a.csv"
    path.write_text("จังหวัด,ค่า\nจันทบุรี,1\n", encoding="utf-8")
    resource = upload(dataset, path, sysadmin)
    queue.run()
    assert status.get(resource["id"])["state"] == "complete"
    # Editing the dataset's metadata queues nothing.
    call_action("package_patch", id=dataset["id"], notes="แก้คำอธิบาย")
    assert queue == []
    # The same file uploaded again: queued, hash unchanged, not reloaded.
    with open(path, "rb") as f:
        from werkzeug.datastructures import FileStorage
        call_action("resource_patch", {"user": sysadmin["name"]}, id=resource["id"],
                    upload=FileStorage(stream=f, filename="a.csv"))
    assert [r for r, _ in queue] == [resource["id"]]
    queue.run()
    assert status.get(resource["id"])["state"] == "unchanged"
    # A changed file is reloaded.
    path.write_text("จังหวัด,ค่า\nจันทบุรี,1\nตราด,2\n", encoding="utf-8")
    with open(path, "rb") as f:
        call_action("resource_patch", {"user": sysadmin["name"]}, id=resource["id"],
                    upload=FileStorage(stream=f, filename="a.csv"))
    queue.run()
    assert status.get(resource["id"])["state"] == "complete"
    assert search(resource["id"])["total"] == 2


def test_xlsx_upload(tmp_path, dataset, sysadmin, queue):
    import datetime

    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["จังหวัด", "ปี พ.ศ.", "มูลค่า", "วันที่"])
    sheet.append(["จันทบุรี", 2567, 1234.5, datetime.datetime(2024, 1, 15)])
    sheet.append(["ตราด", 2566, 99, datetime.datetime(2023, 5, 1)])
    path = tmp_path / "table.xlsx"
    book.save(path)
    resource = upload(dataset, path, sysadmin, fmt="XLSX")
    queue.run()
    assert status.get(resource["id"])["state"] == "complete", status.get(resource["id"])
    result = search(resource["id"], sort="มูลค่า")
    assert _types(result)["มูลค่า"] == "numeric" and _types(result)["ปี พ.ศ."] == "int8"
    assert _types(result)["วันที่"] == "date"
    assert [r["จังหวัด"] for r in result["records"]] == ["ตราด", "จันทบุรี"]
