"""The forms and pages of the four record types render (Thai and English labels)."""
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPages:
    def test_dataset_form_in_thai_and_english(self, app):
        sysadmin = factories.SysadminWithToken()
        headers = {"Authorization": sysadmin["token"]}
        assert "ประเภทชุดข้อมูล" in app.get("/th/dataset/new", headers=headers).body
        assert "Data Type" in app.get("/en/dataset/new", headers=headers).body

    def test_dataset_page_shows_provinces_and_short_series(self, app):
        pilot_provinces()
        issue = strategic_issue("TH-22", 1)
        dataset = call_action("package_create", **statistical(
            province=["TH-22"], strategic_issue=[issue["name"]],
            first_year_of_data="2565", last_year_of_data="2566"))
        page = app.get("/th/dataset/" + dataset["name"]).body
        assert "จันทบุรี" in page
        assert issue["title"] in page
        assert "อนุกรมเวลาสั้น" in page

    def test_chart_page_shows_the_tree(self, app):
        pilot = pilot_provinces()
        issue = strategic_issue("TH-22", 1)
        dataset = call_action("package_create", **statistical(province=["TH-22"]))
        chart = call_action("package_create", type="stats_chart", name="chart-22",
                            title="ผังสถิติ", province="TH-22", plan_period="2566-2570",
                            owner_org=pilot["TH-22"]["org"], chart_items=[
                                {"strategic_issue": issue["name"], "indicator": "ผลผลิต",
                                 "statistic": "ผลผลิตข้าว", "availability": "as_is",
                                 "dataset": dataset["name"]},
                                {"strategic_issue": issue["name"], "indicator": "ผลผลิต",
                                 "statistic": "ต้นทุน", "availability": "to_be"}])
        page = app.get("/th/stats_chart/" + chart["name"]).body
        assert "มีอยู่แล้ว (AS-IS)" in page and "ต้องพัฒนาเพิ่มเติม (TO-BE)" in page
        assert dataset["title"] in page

    def test_strategic_issue_and_province_pages(self, app):
        pilot_provinces()
        issue = strategic_issue("TH-22", 1, sub_issues=[{"number": "1.1", "title": "ทุเรียน"}])
        assert "ทุเรียน" in app.get("/th/strategic_issue/about/" + issue["name"]).body
        assert "ภาคตะวันออก" in app.get("/th/province/about/chanthaburi").body



def _dataset(name, province, **extra):
    return call_action("package_create", **statistical(name=name, province=province, **extra))


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestProvinceAndHomePages:
    def test_every_response_carries_the_strict_csp(self, app):
        for url in ("/", "/dataset/", "/api/3/action/status_show", "/province/"):
            policy = app.get(url).headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "style-src 'self'" in policy
            assert "unsafe-inline" not in policy and "http" not in policy

    @pytest.mark.ckan_config("ckanext.provincialstats.csp", "")
    def test_an_empty_policy_sends_no_header(self, app):
        assert "Content-Security-Policy" not in app.get("/dataset/").headers

    def test_province_page_counts_and_lists_datasets_by_the_province_field(self, app):
        pilot_provinces(all_provinces=False)
        _dataset("rice-22", ["TH-22"], title="ข้าวจันทบุรี")
        _dataset("rice-13", ["TH-13"], title="ข้าวปทุมธานี")
        _dataset("both", ["TH-22", "TH-13"], title="สองจังหวัด")
        page = app.get("/th/province/chanthaburi").body
        assert "2 ชุดข้อมูล" in page
        listing = page.split('id="datasets-heading"')[1]
        assert "ข้าวจันทบุรี" in listing and "สองจังหวัด" in listing
        assert "ข้าวปทุมธานี" not in page
        # Facets of the province's datasets, labelled (sector, format, data type).
        assert "สาขาสถิติ" in page and "ประเภทชุดข้อมูล" in page

    def test_province_page_filters_by_a_facet(self, app):
        pilot_provinces(all_provinces=False)
        _dataset("rice-22", ["TH-22"], title="ข้าวจันทบุรี", stat_sector="11")
        _dataset("tourism-22", ["TH-22"], title="ท่องเที่ยวจันทบุรี", stat_sector="17")
        page = app.get("/en/province/chanthaburi?stat_sector=17").body
        listing = page.split('id="datasets-heading"')[1]
        assert "ท่องเที่ยวจันทบุรี" in listing and "ข้าวจันทบุรี" not in listing
        assert "Statistical sector" in page

    def test_province_index_lists_77_provinces_with_counts(self, app):
        pilot_provinces()
        _dataset("rice-22", ["TH-22"])
        page = app.get("/en/province/").body
        assert "All 77 provinces" in page
        assert "Narathiwat" in page and "Chanthaburi" in page

    def test_facet_values_are_labelled_on_the_dataset_search(self, app):
        pilot_provinces(all_provinces=False)
        _dataset("rice-22", ["TH-22"], stat_sector="11")
        th = app.get("/th/dataset/").body
        assert "จันทบุรี" in th and ">TH-22<" not in th
        en = app.get("/en/dataset/").body
        assert "Chanthaburi" in en and "Statistical sector" in en

    def test_chart_list_wording(self, app):
        en = app.get("/en/stats_chart/").body
        assert "Stats_chart" not in en and "stats_chart found" not in en
        assert "official statistics chart" in en.lower()
        th = app.get("/th/stats_chart/").body
        assert "ผังสถิติทางการ" in th and "Stats_chart" not in th

    @pytest.mark.ckan_config("ckanext.provincialstats.site_province", "TH-22")
    def test_a_province_site_home_page_shows_its_chart_and_issues(self, app):
        pilot = pilot_provinces(all_provinces=False)
        issue = strategic_issue("TH-22", 1)
        dataset = _dataset("rice-22", ["TH-22"], title="ข้าวจันทบุรี")
        call_action("package_create", type="stats_chart", name="chart-22", title="ผังสถิติ",
                    province="TH-22", plan_period="2566-2570",
                    owner_org=pilot["TH-22"]["org"], chart_items=[
                        {"strategic_issue": issue["name"], "indicator": "ผลผลิต",
                         "statistic": "ผลผลิตข้าว", "availability": "as_is",
                         "dataset": dataset["name"]}])
        page = app.get("/th/").body
        assert "ศูนย์ข้อมูลกลางจังหวัดจันทบุรี" in page
        assert issue["title"] in page and "ผลผลิตข้าว" in page and "ข้าวจันทบุรี" in page

    def test_hub_home_page(self, app):
        pilot_provinces()
        _dataset("rice-22", ["TH-22"], title="ข้าวจันทบุรี")
        page = app.get("/en/").body
        assert "Provincial Statistics Data Centre" in page
        assert "Provinces by region" in page and "ข้าวจันทบุรี" in page

    def test_chart_downloads(self, app):
        pilot = pilot_provinces(all_provinces=False)
        issue = strategic_issue("TH-22", 1)
        call_action("package_create", type="stats_chart", name="chart-22", title="ผังสถิติ",
                    province="TH-22", plan_period="2566-2570",
                    owner_org=pilot["TH-22"]["org"], chart_items=[
                        {"strategic_issue": issue["name"], "indicator": "ผลผลิต",
                         "statistic": "=HYPERLINK(1)", "availability": "to_be"}])
        csv_response = app.get("/stats_chart/chart-22/download.csv")
        assert csv_response.headers["Content-Type"].startswith("text/csv")
        text = csv_response.body
        assert text.startswith("\ufeffstrategic_issue,")
        assert "'=HYPERLINK" in text and ",to_be," in text
        data = app.get("/stats_chart/chart-22/download.json").json
        assert data["summary"]["to_be"] == 1
        assert app.get("/stats_chart/chart-22/download.xml", status=404)
        assert app.get("/stats_chart/nothing/download.csv", status=404)

    def test_unknown_province_and_bad_page(self, app):
        pilot_provinces(all_provinces=False)
        app.get("/province/nowhere", status=404)
        app.get("/province/chanthaburi?page=x", status=400)

    def test_issue_page_lists_goals_indicators_and_their_chart_statistics(self, app):
        pilot = pilot_provinces(all_provinces=False)
        issue = strategic_issue("TH-22", 1, goals="* ผลผลิตทุเรียนเพิ่มขึ้นร้อยละ 5",
                                indicators=[{"name": "ผลผลิตทุเรียน", "unit": "ตัน",
                                             "year": "2570"}])
        dataset = _dataset("durian-22", ["TH-22"], title="ทุเรียนจันทบุรี",
                           strategic_issue=[issue["name"]])
        call_action("package_create", type="stats_chart", name="chart-22", title="ผังสถิติ",
                    province="TH-22", plan_period="2566-2570",
                    owner_org=pilot["TH-22"]["org"], chart_items=[
                        {"strategic_issue": issue["name"], "indicator": "ผลผลิตทุเรียน",
                         "statistic": "ผลผลิตทุเรียนรายอำเภอ", "availability": "as_is",
                         "dataset": dataset["name"]}])
        page = app.get("/th/strategic_issue/" + issue["name"]).body
        assert "<li>ผลผลิตทุเรียนเพิ่มขึ้นร้อยละ 5</li>" in page
        row = page.split("ผลผลิตทุเรียน</td>")[1].split("</tr>")[0]
        assert "มีอยู่แล้ว (AS-IS)" in row
        assert 'href="/th/dataset/durian-22"' in row or 'href="/dataset/durian-22"' in row
        listing = page.split('id="datasets-heading"')[1]
        assert "ทุเรียนจันทบุรี" in listing

    def test_user_text_in_charts_and_issues_cannot_inject_markup(self, app):
        pilot = pilot_provinces(all_provinces=False)
        issue = strategic_issue("TH-22", 1, goals="<script>alert(1)</script> **ok**")
        call_action("package_create", type="stats_chart", name="chart-22", title="ผังสถิติ",
                    province="TH-22", plan_period="2566-2570",
                    owner_org=pilot["TH-22"]["org"], chart_items=[
                        {"strategic_issue": issue["name"], "indicator": "ผลผลิต",
                         "statistic": "x", "agency": "<img src=x onerror=alert(1)>",
                         "availability": "to_be"}])
        chart = app.get("/stats_chart/chart-22").body
        assert "<img src=x" not in chart and "&lt;img src=x onerror=alert(1)&gt;" in chart
        page = app.get("/strategic_issue/" + issue["name"]).body
        assert "<script>alert(1)</script>" not in page and "<strong>ok</strong>" in page

    def test_strategic_issue_list_wording(self, app):
        pilot_provinces(all_provinces=False)
        strategic_issue("TH-22", 1)
        _dataset("rice-22", ["TH-22"], strategic_issue=["chanthaburi-2566-2570-1"])
        en = app.get("/en/strategic_issue/").body
        assert "Strategic_issue" not in en and "strategic_issue found" not in en
        assert "Strategic issues" in en and "High-value agriculture" in en
        # Counted by the datasets' field, not by group membership.
        assert "· 1 dataset\n" in en or "· 1 dataset<" in en
        th = app.get("/th/strategic_issue/").body
        assert "ประเด็นยุทธศาสตร์" in th and "Strategic_issue" not in th
