"""The chart view draws in Chromium under the extension's Content-Security-Policy: the
demo rice CSVs of two provinces loaded into the DataStore by the extension's loader, a
``provincialstats_chart`` view created with ``resource_view_create``; one series per
province, years BE on Thai pages and CE on English ones, no console error, no CSP
violation (the ``page`` fixture fails the test on any)."""
import pytest
from ckan.tests.helpers import call_action

from tests.chartview.conftest import clean_datastore, dataset, queue, sysadmin  # noqa: F401
from tests.chartview.test_view import CHART_PLUGINS, NO_URL_CHECKS, two_province_csv
from tests.datastore.conftest import upload

pytestmark = [pytest.mark.ckan_config("ckan.plugins", CHART_PLUGINS), NO_URL_CHECKS,
              pytest.mark.usefixtures("clean_datastore")]

DRAWN = ".provincialstats-chart-view[data-provincialstats-chart-series]"


@pytest.fixture
def chart(tmp_path, dataset, sysadmin, queue):  # noqa: F811
    # A column name that is markup: drawn as text, never run.
    path = two_province_csv(tmp_path)
    text = path.read_text("utf-8").replace("ผลผลิต (ตัน)", "ผลผลิต <img src=x onerror=alert(1)>")
    path.write_text(text, "utf-8")
    resource = upload(dataset, path, sysadmin)
    queue.run()
    view = call_action("resource_view_create", {"user": sysadmin["name"]},
                       resource_id=resource["id"], view_type="provincialstats_chart",
                       title="ผลผลิตข้าวนาปี", value_column="ผลผลิต <img src=x onerror=alert(1)>")
    return {"resource": resource, "view": view}


def _open(page, live_server, chart, lang):
    resource = chart["resource"]
    page.on("dialog", lambda d: pytest.fail("a dialog opened: script ran from table text"))
    response = page.goto(live_server("/%s/dataset/%s/resource/%s?view_id=%s" % (
        lang, resource["package_id"], resource["id"], chart["view"]["id"])))
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(DRAWN)
    return page.locator(".provincialstats-chart-view")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_chart_draws_one_series_per_province(page, live_server, chart, shoot, check_a11y,
                                             lang):
    figure = _open(page, live_server, chart, lang)
    assert figure.get_attribute("data-provincialstats-chart-series") == "2"
    assert figure.get_attribute("data-provincialstats-chart-points") == "35"
    # ECharts drew on its canvas, and the canvas is not blank
    canvas = figure.locator("canvas").first
    assert canvas.bounding_box()["height"] > 200
    painted = page.evaluate("""() => {
        const c = document.querySelector('.provincialstats-chart-canvas canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
        return n; }""")
    assert painted > 5000
    # the drawn values as a table: years in the page's calendar, provinces by name
    table = figure.locator(".provincialstats-chart-data table")
    header = table.locator("thead th").all_text_contents()
    names = ["จันทบุรี", "ปทุมธานี"] if lang == "th" else ["Chanthaburi", "Pathum Thani"]
    # BE years on Thai pages under the column's name, CE years on English ones
    assert header == ["ปี พ.ศ." if lang == "th" else "Year (CE)", *names]
    first_row = table.locator("tbody tr").first.locator("th, td").all_text_contents()
    assert first_row[0] == ("2524" if lang == "th" else "1981")
    assert first_row[1:] == (["47,937", "204,580"])
    status = figure.locator(".provincialstats-chart-status").text_content()
    assert status.strip() == ("วาดจาก 70 แถว แถวที่ตกจุดเดียวกันนำมารวมกัน" if lang == "th"
                              else "Drawn from 70 rows. Rows on the same point are added up.")
    # the markup in the column name stayed text
    assert page.locator("img[src=x]").count() == 0
    assert "<img src=x" in figure.locator("figcaption").text_content()
    check_a11y(page)
    paths = shoot(page, "chartview-" + lang)
    assert all(p.stat().st_size > 10000 for p in paths)


def test_bar_chart_after_editing_the_view(page, live_server, chart, sysadmin):  # noqa: F811
    call_action("resource_view_update", {"user": sysadmin["name"]},
                id=chart["view"]["id"], resource_id=chart["resource"]["id"],
                title="bar", chart_type="bar", value_column="เนื้อที่เพาะปลูก (ไร่)",
                time_column="ปี ค.ศ.", series_column="")
    figure = _open(page, live_server, chart, "th")
    assert figure.get_attribute("data-provincialstats-chart-series") == "1"
    header = figure.locator(".provincialstats-chart-data thead th").all_text_contents()
    assert header == ["ปี พ.ศ.", "เนื้อที่เพาะปลูก (ไร่)"]  # the CE column, in BE
    # a CE column on a Thai page: Buddhist Era years; both provinces added up
    row = figure.locator(".provincialstats-chart-data tbody tr").first
    assert row.locator("th, td").all_text_contents() == ["2524", "{:,}".format(149337 + 576282)]


@pytest.mark.ckan_config("ckanext.provincialstats.chartview.max_rows", "20")
@pytest.mark.ckan_config("ckanext.provincialstats.chartview.page_size", "8")
def test_big_table_is_read_in_pages_up_to_the_limit(page, live_server, chart):
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "datastore_search" in r.url else None)
    figure = _open(page, live_server, chart, "en")
    # 8 + 8 + 4 rows, sorted by _id: the first 20 of the 70 (Chanthaburi's first 20 years)
    assert len(asked) == 3
    assert "limit=4" in asked[-1] and "offset=16" in asked[-1]
    assert figure.get_attribute("data-provincialstats-chart-series") == "1"
    assert figure.get_attribute("data-provincialstats-chart-points") == "20"
    status = figure.locator(".provincialstats-chart-status").text_content()
    assert "Drawn from the first 20 of 70 rows." in status


@pytest.mark.ckan_config("ckan.gravatar_default", "disabled")
def test_curator_adds_a_chart_through_the_view_form(page, live_server, chart, check_a11y):
    from ckan.tests import factories

    from tests.browser.test_dataset_form import PASSWORD, log_in
    editor = factories.Sysadmin(password=PASSWORD, image_url="")
    log_in(page, live_server, editor)
    resource = chart["resource"]
    page.goto(live_server("/th/dataset/%s/resource/%s/new_view?view_type=provincialstats_chart"
                          % (resource["package_id"], resource["id"])))
    # the table's suggestion is chosen; only numeric columns for the value
    assert page.input_value("#field-time_column") == "ปี พ.ศ."
    assert page.input_value("#field-series_column") == "จังหวัด"
    values = page.locator("#field-value_column option").all_inner_texts()
    assert "จังหวัด" not in values and "ผลผลิตต่อไร่เพาะปลูก (กก.)" in values
    check_a11y(page)
    page.fill("#field-title", "ผลผลิตต่อไร่")
    page.select_option("#field-value_column", label="ผลผลิตต่อไร่เพาะปลูก (กก.)")
    page.select_option("#field-chart_type", "bar")
    page.select_option("#field-aggregate", "mean")
    page.click("button[name=save]")
    page.wait_for_load_state("networkidle")
    views = call_action("resource_view_list", id=resource["id"])
    made = [v for v in views if v["title"] == "ผลผลิตต่อไร่"]
    assert len(made) == 1 and made[0]["chart_type"] == "bar" and made[0]["aggregate"] == "mean"
    # a header longer than PostgreSQL's 63 bytes: its shortened column id is stored
    assert made[0]["value_column"].startswith("ผลผลิตต่อไร่เพาะปลูก")
    figure = _open(page, live_server, {**chart, "view": made[0]}, "th")
    assert figure.get_attribute("data-provincialstats-chart-series") == "2"
