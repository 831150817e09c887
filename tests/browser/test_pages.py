"""The public pages in Chromium, under the extension's Content-Security-Policy: no
console error, no CSP violation, no serious accessibility violation (axe-core), Thai and
English, desktop and phone screenshots in the artifacts directory."""
import csv
import io

import pytest

from tests.browser.conftest import artifacts_dir
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
        ("/strategic_issue/", "issue-list", ["ประเด็นยุทธศาสตร์"]),
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
        ("/strategic_issue/", "issue-list", ["Strategic issues"]),
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
        # Nothing wider than a phone's screen (no sideways scrolling).
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.evaluate("() => document.documentElement.scrollWidth")
        page.set_viewport_size({"width": 1366, "height": 900})
        assert width <= 390, f"{path} ({lang}): {width}px wide on a 390px phone"
        # Provinces and charts in the main navigation.
        nav = page.locator(".masthead nav").inner_text()
        assert ("จังหวัด" if lang == "th" else "Provinces") in nav
        # The language switch is on every page and leads to the other language.
        other = page.locator(".provincialstats-lang a")
        assert other.count() == 1


def test_chart_page_tells_as_is_from_to_be_downloads_and_prints(
        page, live_server, demo_catalogue, tmp_path):
    visit(page, live_server("/en/stats_chart/chart-chanthaburi-2566-2570"))
    as_is = page.locator(".provincialstats-tree .provincialstats-as-is")
    to_be = page.locator(".provincialstats-tree .provincialstats-to-be")
    assert as_is.count() >= 1 and to_be.count() >= 1
    # Told apart without colour: a text badge, an icon and the border's style.
    assert "Exists (AS-IS)" in as_is.first.inner_text()
    assert "To be developed (TO-BE)" in to_be.first.inner_text()
    assert as_is.first.locator("i.fa-circle-check").count() == 1
    assert to_be.first.locator("i.fa-person-digging").count() == 1
    style = "(e) => getComputedStyle(e).borderTopStyle"
    assert as_is.first.evaluate(style) == "solid" and to_be.first.evaluate(style) == "dashed"
    # Each AS-IS statistic with a dataset links to it.
    link = as_is.first.locator("a[href*='/dataset/']").first
    assert link.count() == 1
    with page.expect_download() as info:
        page.get_by_role("link", name="Download chart (CSV)").click()
    path = tmp_path / "chart.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert {r["availability"] for r in rows} == {"as_is", "to_be"}
    # Printed: the page's chrome is hidden, the tree stays.
    page.emulate_media(media="print")
    assert page.locator("header.masthead").is_hidden()
    assert page.locator(".provincialstats-tree").is_visible()
    page.pdf(path=str(tmp_path / "chart.pdf"))
    page.screenshot(path=str(artifacts_dir() / "chart-chanthaburi-print.png"), full_page=True)


@pytest.mark.ckan_config("ckanext.provincialstats.site_province", "TH-22")
def test_a_province_data_centre_home_page(page, live_server, demo_catalogue, shoot,
                                          check_a11y):
    for prefix, texts in (("", ["ศูนย์ข้อมูลกลางจังหวัดจันทบุรี", "ผังสถิติทางการ",
                                "ต้องพัฒนาเพิ่มเติม (TO-BE)", "ชุดข้อมูลที่ค้างปรับปรุงนานที่สุด"]),
                          ("/en", ["Chanthaburi Provincial Data Centre",
                                   "Official statistics chart", "To be developed (TO-BE)"])):
        visit(page, live_server(prefix + "/"), shoot, check_a11y,
              "home-site-province-" + (prefix.strip("/") or "th"))
        body = page.locator("body").inner_text()
        for text in texts:
            assert text in body
        # The chart comes before the lists of datasets.
        assert body.index(texts[1]) < body.index("Newest datasets" if prefix else "ชุดข้อมูลล่าสุด")
