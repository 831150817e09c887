"""The metadata inventory as XLSX and CSV: Thai headers, values as stored (BE years as
typed), only what the caller may see, and a row that validates again as a dataset."""
import csv
import io

import openpyxl
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.inventory import layout
from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical


def _workbook(response):
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == [layout.SHEET_NAME]
    rows = [[c if c is not None else "" for c in r]
            for r in book[layout.SHEET_NAME].iter_rows(values_only=True)]
    width = len(layout.FIELDS)  # a reader may drop trailing empty cells
    return rows[0], [dict(zip(layout.FIELDS, r + [""] * (width - len(r))))
                     for r in rows[1:]]


def _csv(response):
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    return rows[0], [dict(zip(layout.FIELDS, [layout.unescape_cell(c) for c in r]))
                     for r in rows[1:]]


@pytest.fixture
def catalogue():
    pilot = pilot_provinces(all_provinces=False)
    editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
    issue = strategic_issue("TH-22", 1)["name"]
    context = {"user": editor, "ignore_auth": False}
    call_action("package_create", context, **statistical(
        name="durian-chanthaburi", title="ผลผลิตทุเรียน จังหวัดจันทบุรี", owner_org=org,
        tag_string="ทุเรียน,ผลไม้", objective=["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"],
        province=["TH-22", "TH-13"], strategic_issue=[issue], stat_sector="03",
        first_year_of_data="2560", last_year_of_data="2566",
        last_updated_date="2024-02-01", unit_of_measure="ตัน"))
    call_action("package_create", context, **statistical(
        name="secret-22", title="=HYPERLINK(\"http://evil\")", owner_org=org,
        province=["TH-22"], private=True))
    other = pilot["TH-13"]
    call_action("package_create", {"user": other["editor"], "ignore_auth": False},
                **statistical(name="pathum-rice", owner_org=other["org"],
                              province=["TH-13"]))
    return {**pilot, "issue": issue}


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestInventory:
    def test_xlsx_round_trips_thai_values_and_be_years(self, app, catalogue):
        headers, rows = _workbook(app.get("/inventory.xlsx"))
        assert headers == layout.THAI_HEADERS
        assert [r["name"] for r in rows] == ["durian-chanthaburi", "pathum-rice"]
        durian = rows[0]
        assert durian["title"] == "ผลผลิตทุเรียน จังหวัดจันทบุรี"
        assert durian["first_year_of_data"] == "2560"
        assert durian["last_year_of_data"] == "2566"
        assert durian["province"] == "TH-22, TH-13"
        assert durian["strategic_issue"] == catalogue["issue"]
        assert durian["objective"] == "ยุทธศาสตร์ชาติ, พันธกิจหน่วยงาน"  # stored order
        assert set(durian["tag_string"].split(", ")) == {"ทุเรียน", "ผลไม้"}
        assert durian["owner_org"] == catalogue["TH-22"]["org"]
        assert durian["stat_sector"] == "03"
        assert durian["last_updated_date"] == "2024-02-01"

        # the row goes back in through package_create unchanged
        again = {k: v for k, v in durian.items() if v != ""}
        again["name"] = "durian-again"
        created = call_action("package_create", {"user": catalogue["TH-22"]["editor"],
                                                 "ignore_auth": False}, **again)
        for field in ("title", "first_year_of_data", "last_year_of_data", "stat_sector",
                      "data_type", "update_frequency_unit"):
            assert str(created[field]) == durian[field]
        assert created["province"] == ["TH-22", "TH-13"]
        assert created["first_year_ce"] == 2017

    def test_csv_has_a_bom_and_the_same_rows(self, app, catalogue):
        headers, rows = _csv(app.get("/inventory.csv"))
        assert headers == layout.THAI_HEADERS
        _h, xlsx_rows = _workbook(app.get("/inventory.xlsx"))
        assert rows == xlsx_rows

    def test_private_datasets_only_for_members_and_formulas_stay_text(self, app, catalogue):
        editor = catalogue["TH-22"]["editor"]
        token = factories.APIToken(user=editor)["token"]
        headers = {"Authorization": token}
        _h, rows = _workbook(app.get("/inventory.xlsx", headers=headers))
        secret = next(r for r in rows if r["name"] == "secret-22")
        assert secret["title"] == '=HYPERLINK("http://evil")'
        raw = openpyxl.load_workbook(io.BytesIO(
            app.get("/inventory.xlsx", headers=headers).data))
        cells = [c for row in raw[layout.SHEET_NAME].iter_rows() for c in row
                 if c.value == '=HYPERLINK("http://evil")']
        assert cells and all(c.data_type == "s" for c in cells)
        text = app.get("/inventory.csv", headers=headers).data.decode("utf-8")
        assert "'=HYPERLINK" in text

    def test_province_and_organization_scopes(self, app, catalogue):
        _h, by_slug = _workbook(app.get("/province/pathum-thani/inventory.xlsx"))
        _h, by_code = _workbook(app.get("/province/TH-13/inventory.xlsx"))
        _h, by_query = _workbook(app.get("/inventory.xlsx?province=13"))
        assert [r["name"] for r in by_slug] == ["durian-chanthaburi", "pathum-rice"]
        assert by_code == by_slug == by_query
        _h, org_rows = _csv(app.get(
            "/organization/%s/inventory.csv" % catalogue["TH-13"]["org"]))
        assert [r["name"] for r in org_rows] == ["pathum-rice"]
        app.get("/province/atlantis/inventory.xlsx", status=404)
        app.get("/organization/no-such-org/inventory.xlsx", status=404)
        app.get("/inventory.xlsx?province=TH-99", status=400)
        app.get("/inventory.ods", status=404)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("ckanext.provincialstats.inventory.page_size", "2")
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPaging:
    def test_pages_of_two_give_every_dataset_once_in_order(self, app, monkeypatch):
        from ckanext.provincialstats.inventory import export
        org = factories.Organization()
        names = ["ds-%d" % i for i in range(5)]
        for name in reversed(names):
            call_action("package_create", {"ignore_auth": True,
                                           "user": factories.Sysadmin()["name"]},
                        **statistical(name=name, owner_org=org["id"]))
        rows_asked = []
        get_action = export.tk.get_action

        def package_search(context, data_dict):
            rows_asked.append(data_dict["rows"])
            return get_action("package_search")(context, data_dict)
        monkeypatch.setattr(export.tk, "get_action", lambda name: (
            package_search if name == "package_search" else get_action(name)))
        _h, rows = _csv(app.get("/inventory.csv"))
        assert [r["name"] for r in rows] == names
        assert rows_asked == [2, 2, 2]


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestHarvestedBack:
    def test_the_spreadsheet_harvester_reads_the_export_back(self, app, catalogue):
        sheet = pytest.importorskip("ckanext.provincialstats.harvest.sources.sheet")
        from ckanext.provincialstats.harvest.mapping import map_dataset
        from ckanext.provincialstats.harvest.safety import FetchResult

        content = app.get("/inventory.xlsx").data
        original = call_action("package_show", {"ignore_auth": True},
                               id="durian-chanthaburi")

        def fetch(url, *, accept=None, max_bytes=None, timeout=None):
            return FetchResult(content, "application/octet-stream", url)
        config = {"default_provinces": [], "rules": [], "defaults": {}}
        records = dict(sheet.gather("https://example.org/inventory.xlsx", config, fetch))
        assert set(records) == {"durian-chanthaburi", "pathum-rice"}
        dataset = map_dataset(sheet.parse(records["durian-chanthaburi"]), config).dataset
        for field in ("title", "notes", "data_type", "first_year_of_data",
                      "last_year_of_data", "stat_sector", "update_frequency_unit",
                      "data_category", "license_id", "maintainer_email"):
            assert str(dataset[field]) == str(original[field]), field
        assert dataset["province"] == original["province"]
        assert dataset["strategic_issue"] == original["strategic_issue"]
        assert sorted(dataset["objective"]) == sorted(original["objective"])
        tags = dataset.get("tag_string") or [t["name"] for t in dataset.get("tags", [])]
        if isinstance(tags, str):
            tags = [t.strip() for t in tags.split(",")]
        assert sorted(tags) == sorted(t["name"] for t in original["tags"])
