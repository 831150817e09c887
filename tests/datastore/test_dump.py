"""/datastore/dump/<id>: CSV that Excel opens with Thai intact (UTF-8 with BOM), XLSX,
JSON, filtered downloads, tables larger than one page streamed whole."""
import codecs
import csv
import io
import json

import openpyxl
import pytest

from tests.datastore.conftest import DEMO, DS_PLUGINS, reencode, upload

pytestmark = [pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_datastore")]

SOURCE = DEMO / "tourism-chanthaburi-monthly.csv"
LONG_HEADER = "รายได้จากผู้เยี่ยมเยือนชาวต่างชาติ (บาท)"  # 114 bytes: id shortened


@pytest.fixture
def loaded(tmp_path, dataset, sysadmin, queue):
    path = reencode(SOURCE, tmp_path / "tourism.csv")
    resource = upload(dataset, path, sysadmin)
    queue.run()
    return resource


def _source_rows():
    return list(csv.reader(io.StringIO(SOURCE.read_text(encoding="utf-8-sig"))))


def _excel_csv(body):
    """Read the bytes as Excel does: a UTF-8 BOM means UTF-8."""
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))


@pytest.mark.ckan_config("ckanext.provincialstats.datastore.dump_page_size", 7)
def test_csv_dump_has_bom_thai_full_headers_and_every_row(app, loaded):
    response = app.get(f"/datastore/dump/{loaded['id']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = _excel_csv(response.data)
    source = _source_rows()
    # Full Thai headers (labels), no _id; 50 rows over 8 pages of 7, in order, once each.
    assert rows[0] == source[0] and LONG_HEADER in rows[0]
    assert len(rows) == len(source) == 51
    assert [r[0] for r in rows[1:]] == [r[0] for r in source[1:]]
    assert rows[1][2] == "จันทบุรี"
    assert rows[1][3] == source[1][3]  # integers unchanged
    # bom=false when asked.
    plain = app.get(f"/datastore/dump/{loaded['id']}?bom=false").data
    assert plain.startswith("เดือน".encode("utf-8"))


def test_filtered_downloads(app, loaded):
    filters = json.dumps({"ปี พ.ศ.": 2563})
    rows = _excel_csv(app.get(f"/datastore/dump/{loaded['id']}",
                              query_string={"filters": filters}).data)
    assert len(rows) == 13 and {r[1] for r in rows[1:]} == {"2563"}
    several = json.dumps({"ปี พ.ศ.": [2562, 2563]})
    rows = _excel_csv(app.get(f"/datastore/dump/{loaded['id']}",
                              query_string={"filters": several}).data)
    assert len(rows) == 25
    # Full-text q on a value, and limit/offset.
    rows = _excel_csv(app.get(f"/datastore/dump/{loaded['id']}",
                              query_string={"q": "2020-03", "limit": 5}).data)
    assert [r[0] for r in rows[1:]] == ["2020-03"]
    rows = _excel_csv(app.get(f"/datastore/dump/{loaded['id']}",
                              query_string={"offset": 48}).data)
    assert [r[0] for r in rows[1:]] == ["2023-01", "2023-02"]
    # A filter on a column that does not exist is a clear 400, not a 500.
    bad = app.get(f"/datastore/dump/{loaded['id']}",
                  query_string={"filters": json.dumps({"ไม่มี": 1})})
    assert bad.status_code == 400


@pytest.mark.ckan_config("ckanext.provincialstats.datastore.dump_page_size", 7)
def test_xlsx_and_json_dumps(app, loaded, tmp_path):
    response = app.get(f"/datastore/dump/{loaded['id']}?format=xlsx")
    assert response.status_code == 200
    path = tmp_path / "dump.xlsx"
    path.write_bytes(response.data)
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == _source_rows()[0]
    assert len(rows) == 51 and rows[1][2] == "จันทบุรี"
    assert isinstance(rows[1][3], int)  # a number in Excel, not text

    data = json.loads(app.get(f"/datastore/dump/{loaded['id']}?format=json").data)
    assert [f["label"] for f in data["fields"]] == _source_rows()[0]
    assert len(data["records"]) == 50 and data["records"][0][2] == "จันทบุรี"
    assert data["records"][0][7] == 68.86


def test_unknown_resource_is_404(app):
    assert app.get("/datastore/dump/not-a-resource").status_code == 404
