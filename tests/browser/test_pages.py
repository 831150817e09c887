"""The public pages in Chromium, under the extension's Content-Security-Policy: no
console error, no CSP violation, no serious accessibility violation (axe-core), Thai and
English, desktop and phone screenshots in the artifacts directory."""
import csv
import io

import pytest

from tests.logic.helpers import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckan.locale_default", "th"),
    pytest.mark.usefixtures("clean_db"),
]


def visit(page, url, shoot=None, check_a11y=None, name=None):
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    if check_a11y:
        check_a11y(page)
    if shoot and name:
        shoot(page, name)
    return response


def test_visitor_searches_durian_filters_by_province_and_downloads_the_csv(
        page, live_server, demo_catalogue, tmp_path):
    page.goto(live_server("/"))
    search = page.locator("form.provincialstats-home-search")
    search.get_by_label("ค้นหาชุดข้อมูล").fill("ทุเรียน")
    search.get_by_role("button", name="ค้นหา").click()
    page.wait_for_url("**/dataset/?q=**")
    results = page.locator(".dataset-list .dataset-heading")
    assert results.count() == 2
    # The province facet is titled and labelled in Thai (not "province", "TH-22").
    facet = page.locator("section.module-narrow", has_text="จังหวัด").first
    assert "TH-22" not in facet.inner_text()
    facet.get_by_role("link", name="จันทบุรี").click()
    page.wait_for_url("**province=TH-22**")
    assert results.count() == 1
    assert "จันทบุรี" in results.first.inner_text()
    results.first.get_by_role("link").click()
    page.wait_for_url("**/dataset/durian-chanthaburi")
    page.get_by_role("link", name="ผลผลิตทุเรียนรายอำเภอ (CSV)").first.click()
    with page.expect_download() as download_info:
        page.locator("a.resource-url-analytics").first.click()
    path = tmp_path / "durian.csv"
    download_info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "ปี พ.ศ." and rows[1] == ["2565", "เมืองจันทบุรี", "41250", "52100"]
