"""The strategic issue page in Chromium with the demo tables loaded into the DataStore:
each indicator linked to a table shows its latest value, period, column and source;
no CSP violation, no serious accessibility violation; screenshots."""
import pytest

from ckanext.provincialstats.chartview import latest
from tests.datastore.conftest import DS_PLUGINS, clean_datastore, queue  # noqa: F401

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS),
    pytest.mark.ckan_config("ckan.locale_default", "th"),
    pytest.mark.usefixtures("clean_datastore"),
]


def test_issue_page_shows_indicator_values_from_the_datastore(
        queue, page, live_server, demo_catalogue, shoot, check_a11y):  # noqa: F811
    latest.clear_cache()
    queue.run()  # the demo CSVs and the durian CSVs, loaded as the worker would
    for prefix, period in (("", "พ.ศ. 2558"), ("/en", "2015")):
        response = page.goto(live_server(prefix + "/strategic_issue/chanthaburi-2566-2570-1"))
        assert response.status == 200
        table = page.locator("table", has=page.locator("td.provincialstats-latest"))
        rice = table.locator("tr", has_text="ผลผลิตข้าวนาปีต่อไร่")
        cell = rice.locator(".provincialstats-latest")
        assert cell.locator(".provincialstats-latest-value").inner_text().strip()
        assert "ผลผลิตต่อไร่" in cell.inner_text() and period in cell.inner_text()
        cell.get_by_role("link").click()
        page.wait_for_url("**/dataset/main-season-rice-chanthaburi/resource/**")
        page.go_back()
        # The durian indicator has no table behind it: an empty cell, no error.
        durian = table.locator("tr", has_text="ผลผลิตทุเรียน").first
        assert durian.locator(".provincialstats-latest").inner_text().strip() == ""
        check_a11y(page)
        shoot(page, "issue-values-" + (prefix.strip("/") or "th"))
