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


# (path, screenshot name, text the page must show) in Thai and in English.
TOUR = {
    "th": [
        ("/", "home", ["ศูนย์ข้อมูลสถิติจังหวัด", "จังหวัดตามภาค", "ชุดข้อมูลล่าสุด",
                       "ประเด็นยุทธศาสตร์"]),
        ("/province/", "province-index", ["ภาคตะวันออก", "จันทบุรี", "ระยอง"]),
        ("/province/chanthaburi", "province-chanthaburi",
         ["จันทบุรี", "ชุดข้อมูลของจังหวัดนี้", "ผังสถิติทางการ", "ชุดข้อมูลล่าสุด",
          "มีอยู่แล้ว (AS-IS)"]),
        ("/strategic_issue/chanthaburi-2566-2570-1", "issue-chanthaburi-1",
         ["เป้าประสงค์", "ตัวชี้วัด", "ผลผลิตทุเรียน", "ชุดข้อมูลที่สนับสนุนประเด็นนี้"]),
        ("/stats_chart/chart-chanthaburi-2566-2570", "chart-chanthaburi",
         ["มีอยู่แล้ว (AS-IS)", "ต้องพัฒนาเพิ่มเติม (TO-BE)", "ดาวน์โหลดผังสถิติ (CSV)"]),
        ("/stats_chart/", "chart-list", ["ผังสถิติทางการ"]),
        ("/dataset/", "dataset-search", ["จันทบุรี", "สาขาสถิติ", "ประเภทชุดข้อมูล"]),
        ("/organization/oae", "organization-oae", ["จันทบุรี", "สาขาสถิติ"]),
        ("/dataset/durian-chanthaburi", "dataset-durian", ["จันทบุรี"]),
    ],
    "en": [
        ("/", "home", ["Provincial Statistics Data Centre", "Provinces by region",
                       "Newest datasets", "Strategic issues"]),
        ("/province/", "province-index", ["Eastern", "Chanthaburi", "Rayong"]),
        ("/province/chanthaburi", "province-chanthaburi",
         ["Chanthaburi", "Datasets of this province", "Official statistics chart",
          "Exists (AS-IS)"]),
        ("/strategic_issue/chanthaburi-2566-2570-1", "issue-chanthaburi-1",
         ["Goals", "Indicators", "Datasets supporting this issue"]),
        ("/stats_chart/chart-chanthaburi-2566-2570", "chart-chanthaburi",
         ["Exists (AS-IS)", "To be developed (TO-BE)", "Download chart (CSV)"]),
        ("/stats_chart/", "chart-list", ["official statistics chart"]),
        ("/dataset/", "dataset-search", ["Chanthaburi", "Statistical sector", "Data Type"]),
        ("/organization/oae", "organization-oae", ["Chanthaburi", "Statistical sector"]),
        ("/dataset/durian-chanthaburi", "dataset-durian", ["Chanthaburi"]),
    ],
}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_main_pages_in_thai_and_english(
        page, live_server, demo_catalogue, shoot, check_a11y, lang):
    prefix = "" if lang == "th" else "/en"
    for path, name, texts in TOUR[lang]:
        visit(page, live_server(prefix + path), shoot, check_a11y, f"{name}-{lang}")
        body = page.locator("body").inner_text()
        for text in texts:
            assert text in body, f"{path} ({lang}): {text!r} not on the page"
        # Raw codes and field names are not shown as facet titles or values.
        facets = " ".join(page.locator(".filters, .search-form").all_inner_texts())
        for raw in ("TH-22", "strategic_issue", "stat_sector", "data_type", "Stats_chart"):
            assert raw not in facets, f"{path} ({lang}): {raw!r} in the facets"
        # The language switch is on every page and leads to the other language.
        other = page.locator(".provincialstats-lang a")
        assert other.count() == 1
