"""Strategic issue records (group type ``strategic_issue``)."""
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.vocab.loader import load_provinces
from tests.logic.helpers import PLUGINS, strategic_issue


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestStrategicIssue:
    def test_created_with_sub_issues_and_indicators_and_read_back(self):
        load_provinces()
        created = strategic_issue(
            "TH-22", 1, goals="เพิ่มมูลค่าผลไม้",
            sub_issues=[{"number": "1.1", "title": "ทุเรียนคุณภาพ", "title_en": "Durian"},
                        {"number": "1.2", "title": "มังคุด"}],
            indicators=[{"name": "มูลค่าการส่งออกทุเรียน", "unit": "ล้านบาท",
                         "baseline": "1,200.5", "target": "2000", "year": "๒๕๖๘"}])
        assert created["name"] == "chanthaburi-2566-2570-1"
        shown = call_action("group_show", id=created["name"])
        assert shown["province"] == "TH-22"
        assert shown["plan_period"] == "2566-2570"
        assert shown["issue_number"] == "1"
        assert [s["title"] for s in shown["sub_issues"]] == ["ทุเรียนคุณภาพ", "มังคุด"]
        assert shown["indicators"][0]["year"] == "2568"
        assert "sub_issues" not in {e["key"] for e in shown.get("extras", [])}

    def test_update_from_show_output_keeps_the_lists(self):
        load_provinces()
        created = strategic_issue("TH-22", 2, sub_issues=[{"number": "2.1", "title": "ก"}])
        shown = call_action("group_show", id=created["id"])
        shown["title_en"] = "Tourism"
        call_action("group_update", {"ignore_auth": True}, **shown)
        again = call_action("group_show", id=created["id"])
        assert again["title_en"] == "Tourism"
        assert again["sub_issues"] == [{"number": "2.1", "title": "ก"}]

    @pytest.mark.parametrize("field, value, words", [
        ("province", "TH-99", 'unknown province code "TH-99"'),
        ("plan_period", "2566-2600", "2600 is out of range"),
        ("plan_period", "2570-2566", "after the last year"),
        ("plan_period", "2023-2027", "looks like a Common Era year"),
        ("issue_number", "0", "whole number"),
    ])
    def test_bad_values_name_the_field_and_nothing_is_saved(self, field, value, words):
        import ckan.plugins.toolkit as tk
        load_provinces()
        with pytest.raises(tk.ValidationError) as raised:
            strategic_issue(**{"province": "TH-22", field: value})
        messages = raised.value.error_dict[field]
        assert any(words in m for m in messages), messages
        assert call_action("group_list", type="strategic_issue") == []

    def test_indicator_year_is_checked_inside_the_list(self):
        import ckan.plugins.toolkit as tk
        load_provinces()
        with pytest.raises(tk.ValidationError) as raised:
            strategic_issue(indicators=[{"name": "x", "year": "2600"}])
        assert "2600 is out of range" in str(raised.value.error_dict["indicators"])


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestGeneratedName:
    def test_thai_digit_plan_period_gets_an_ascii_name_through_the_api(self, app):
        load_provinces()
        sysadmin = factories.SysadminWithToken()
        response = app.post("/api/3/action/group_create", json={
            "type": "strategic_issue", "title": "เกษตรมูลค่าสูง", "province": "TH-22",
            "plan_period": "๒๕๖๖-๒๕๗๐", "issue_number": "๑"},
            headers={"Authorization": sysadmin["token"]})
        assert response.status_code == 200, response.body
        created = response.json["result"]
        assert created["name"] == "chanthaburi-2566-2570-1"
        shown = call_action("group_show", id="chanthaburi-2566-2570-1")
        assert (shown["plan_period"], shown["issue_number"]) == ("2566-2570", "1")

    def test_a_second_issue_with_the_same_number_is_refused_by_name(self):
        import ckan.plugins.toolkit as tk
        load_provinces()
        strategic_issue("TH-22", 1)
        with pytest.raises(tk.ValidationError) as raised:
            strategic_issue("TH-22", 1, plan_period="๒๕๖๖-๒๕๗๐")
        assert "name" in raised.value.error_dict
        assert len(call_action("group_list", type="strategic_issue")) == 1

    def test_an_absurd_issue_number_names_the_field_not_a_server_error(self):
        import ckan.plugins.toolkit as tk
        load_provinces()
        with pytest.raises(tk.ValidationError) as raised:
            strategic_issue("TH-22", "9" * 5000)
        assert any("whole number" in m for m in raised.value.error_dict["issue_number"])
        assert call_action("group_list", type="strategic_issue") == []
