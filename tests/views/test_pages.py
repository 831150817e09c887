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

