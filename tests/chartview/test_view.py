"""The chart view on a real table: the demo rice CSVs of two provinces, loaded into the
DataStore by the extension's loader, get a chart view with the suggested columns; the
page carries what the browser module reads; wrong columns are refused in Thai and
English."""
import json
from html.parser import HTMLParser

import pytest
from ckan.tests.helpers import call_action

from tests.datastore.conftest import DEMO, DS_PLUGINS, upload

CHART_PLUGINS = DS_PLUGINS + " datatables_view provincialstats_chart"

# No URL-check jobs of the quality score here (they are not what these tests are about).
NO_URL_CHECKS = pytest.mark.ckan_config("ckanext.provincialstats.quality.check_on_update", False)

pytestmark = [pytest.mark.ckan_config("ckan.plugins", CHART_PLUGINS), NO_URL_CHECKS,
              pytest.mark.usefixtures("with_plugins", "clean_datastore")]


def two_province_csv(tmp_path):
    """Both demo rice files in one table (the header once): 70 rows, 2 provinces."""
    chanthaburi = (DEMO / "rice-main-season-chanthaburi.csv").read_text("utf-8-sig")
    pathum = (DEMO / "rice-main-season-pathum-thani.csv").read_text("utf-8-sig")
    path = tmp_path / "rice-two-provinces.csv"
    path.write_text(chanthaburi.rstrip("\n") + "\n" + pathum.split("\n", 1)[1], "utf-8")
    return path


@pytest.fixture
def table(tmp_path, dataset, sysadmin, queue):
    resource = upload(dataset, two_province_csv(tmp_path), sysadmin)
    queue.run()
    return call_action("resource_show", id=resource["id"])


class ChartElement(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.config, self.modules = None, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("data-module"):
            self.modules.append(attrs["data-module"])
        if "data-provincialstats-chart" in attrs:
            self.config = json.loads(attrs["data-provincialstats-chart"])


def test_view_gets_the_tables_suggested_columns(table, sysadmin):
    assert table["datastore_active"]
    view = call_action("resource_view_create", {"user": sysadmin["name"]},
                       resource_id=table["id"], view_type="provincialstats_chart",
                       title="กราฟ")
    assert {k: view[k] for k in ("time_column", "value_column", "series_column",
                                 "chart_type", "aggregate")} == {
        "time_column": "ปี พ.ศ.", "value_column": "เนื้อที่เพาะปลูก (ไร่)",
        "series_column": "จังหวัด", "chart_type": "line", "aggregate": "sum"}


@pytest.mark.parametrize("lang,province", [("th", "ปทุมธานี"), ("en", "Pathum Thani")])
def test_resource_page_carries_the_chart_configuration(app, table, sysadmin, lang, province):
    view = call_action("resource_view_create", {"user": sysadmin["name"]},
                       resource_id=table["id"], view_type="provincialstats_chart",
                       title="Rice", chart_type="bar", value_column="ผลผลิต (ตัน)")
    html = app.get("/%s/dataset/%s/resource/%s?view_id=%s" % (
        lang, table["package_id"], table["id"], view["id"])).body
    page = ChartElement(html)
    assert "provincialstats-chart-view" in page.modules
    config = page.config
    assert config["resourceId"] == table["id"] and config["lang"] == lang
    # same origin; the page's language, so API errors come back in it
    assert config["api"] == "/%s/api/3/action/datastore_search" % lang
    assert config["chartType"] == "bar"
    assert config["time"] == {"id": "ปี พ.ศ.", "label": "ปี พ.ศ.", "era": "be",
                              "province": False}
    assert config["value"]["id"] == "ผลผลิต (ตัน)"
    assert config["series"]["id"] == "จังหวัด" and config["series"]["province"]
    assert config["provinceNames"]["ปทุมธานี"] == province
    # the vendored library and the module are webassets: no inline script, no CDN
    assert "_echarts.js" in html and "_chartview.js" in html
    assert "cdn" not in html.lower().replace("cdnjs", "cdn")
    # what the module asks for, asked the same way: both provinces, every year
    rows = call_action("datastore_search", resource_id=table["id"], sort="_id", limit=1000,
                       fields=["ปี พ.ศ.", "ผลผลิต (ตัน)", "จังหวัด"])
    assert rows["total"] == 70
    assert {r["จังหวัด"] for r in rows["records"]} == {"จันทบุรี", "ปทุมธานี"}


@pytest.mark.parametrize("lang,expected", [
    ("th", 'ไม่ใช่คอลัมน์ของตารางนี้'), ("en", "is not a column of this table")])
def test_unknown_column_is_refused_naming_the_field(app, table, sysadmin, lang, expected):
    from ckan.tests import factories
    token = factories.APIToken(user=sysadmin["name"])["token"]
    response = app.post("/%s/api/3/action/resource_view_create" % lang, json={
        "resource_id": table["id"], "view_type": "provincialstats_chart", "title": "x",
        "time_column": "<script>alert(1)</script>"},
        headers={"Authorization": token}, status=409)
    errors = response.json["error"]
    assert expected in errors["time_column"][0]
    assert errors["time_column"][0].startswith("คอลัมน์เวลา" if lang == "th" else "Time column")


def test_text_column_cannot_be_the_value(table, sysadmin):
    import ckan.plugins.toolkit as tk
    with pytest.raises(tk.ValidationError) as e:
        call_action("resource_view_create", {"user": sysadmin["name"]},
                    resource_id=table["id"], view_type="provincialstats_chart", title="x",
                    value_column="จังหวัด")
    assert "does not hold numbers" in e.value.error_dict["value_column"][0]


def test_chart_is_offered_only_for_tables_with_time_and_numbers(tmp_path, dataset, sysadmin,
                                                               queue, table):
    from ckanext.provincialstats.chartview.view import can_view
    assert can_view({"resource": table})
    names = tmp_path / "names.csv"
    names.write_text("ชื่อ,อำเภอ\nก,ข\n", "utf-8")
    other = upload(dataset, names, sysadmin)
    queue.run()
    other = call_action("resource_show", id=other["id"])
    assert other["datastore_active"] and not can_view({"resource": other})
    assert not can_view({"resource": {**table, "datastore_active": False}})


def test_view_form_lists_the_columns_with_the_suggestion_chosen(app, table, sysadmin):
    from ckan.tests import factories
    token = factories.APIToken(user=sysadmin["name"])["token"]
    html = app.get("/en/dataset/%s/resource/%s/new_view?view_type=provincialstats_chart"
                   % (table["package_id"], table["id"]),
                   headers={"Authorization": token}).body
    assert 'name="value_column"' in html and 'name="series_column"' in html
    assert '<option value="ปี พ.ศ." selected>' in html
    assert '<option value="จังหวัด" selected>' in html
    # the value choices are the numeric columns only
    value_select = html[html.index('name="value_column"'):]
    value_select = value_select[:value_select.index("</select>")]
    assert "ผลผลิต (ตัน)" in value_select and "จังหวัด" not in value_select


@pytest.mark.ckan_config("ckan.views.default_views", "datatables_view provincialstats_chart")
def test_loading_a_table_adds_the_default_views(tmp_path, dataset, sysadmin, queue):
    resource = upload(dataset, two_province_csv(tmp_path), sysadmin)
    assert call_action("resource_view_list", id=resource["id"]) == []
    queue.run()
    views = {v["view_type"]: v for v in call_action("resource_view_list", id=resource["id"])}
    assert set(views) == {"datatables_view", "provincialstats_chart"}
    assert views["provincialstats_chart"]["time_column"] == "ปี พ.ศ."
    # loading the same file again adds nothing
    from ckanext.provincialstats.datastore import jobs
    jobs.load_resource(resource["id"], force=True)
    assert len(call_action("resource_view_list", id=resource["id"])) == 2
    # a table with no time column gets the table view only
    names = tmp_path / "names.csv"
    names.write_text("ชื่อ,อำเภอ\nก,ข\n", "utf-8")
    other = upload(dataset, names, sysadmin)
    queue.run()
    assert [v["view_type"] for v in call_action("resource_view_list", id=other["id"])] == [
        "datatables_view"]
