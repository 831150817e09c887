"""``stats_chart`` records and ``provincialstats_chart_show``."""
import datetime

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests.helpers import call_action

from ckanext.provincialstats.logic.action import is_overdue
from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical


def _chart(user, **extra):
    data = {
        "type": "stats_chart", "name": "chart-chanthaburi-2566-2570",
        "title": "ผังสถิติทางการ จังหวัดจันทบุรี", "province": "TH-22",
        "plan_period": "2566-2570",
    }
    data.update(extra)
    return call_action("package_create", {"user": user, "ignore_auth": False}, **data)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestChart:
    def test_as_is_and_to_be_items_resolve_to_a_tree(self):
        pilot = pilot_provinces()
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        issue = strategic_issue("TH-22", 1)["name"]
        rice = call_action("package_create", {"user": editor, "ignore_auth": False},
                           **statistical(owner_org=org, province=["TH-22"]))
        chart = _chart(editor, owner_org=org, chart_items=[
            {"strategic_issue": issue, "sub_issue": "1.1 ผลไม้", "indicator": "ผลผลิตข้าว",
             "statistic": "ผลผลิตข้าวนาปี", "agency": "สศก.", "frequency": "ปี",
             "availability": "as_is", "official_statistics": "True", "dataset": rice["name"]},
            {"strategic_issue": issue, "sub_issue": "1.1 ผลไม้", "indicator": "ผลผลิตข้าว",
             "statistic": "ต้นทุนการผลิตข้าว", "availability": "to_be"},
        ])
        anonymous = {"user": "", "ignore_auth": False}
        result = call_action("provincialstats_chart_show", anonymous, id=chart["name"])
        assert result["chart"]["province"] == "TH-22"
        assert result["summary"] == {"statistics": 2, "as_is": 1, "to_be": 1,
                                     "linked": 1, "overdue": 0}
        [branch] = result["tree"]
        assert branch["strategic_issue"]["name"] == issue
        [sub] = branch["sub_issues"]
        [indicator] = sub["indicators"]
        as_is, to_be = indicator["statistics"]
        assert as_is["dataset"]["title"] == rice["title"]
        assert as_is["dataset"]["overdue"] is False
        assert as_is["official_statistics"] is True
        assert to_be["dataset"] is None

    def test_linked_dataset_must_exist_and_issue_must_be_the_charts_province(self):
        pilot = pilot_provinces()
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        issue_13 = strategic_issue("TH-13", 1)["name"]
        issue_22 = strategic_issue("TH-22", 1)["name"]
        with pytest.raises(tk.ValidationError) as raised:
            _chart(editor, owner_org=org, chart_items=[
                {"strategic_issue": issue_22, "indicator": "x", "statistic": "y",
                 "availability": "as_is", "dataset": "no-such-dataset"},
                {"strategic_issue": issue_13, "indicator": "x", "statistic": "y",
                 "availability": "to_be"}])
        text = str(raised.value.error_dict["chart_items"])
        assert 'no dataset "no-such-dataset"' in text
        assert "belongs to province TH-13" in text
        assert not model.Session.query(model.Package).filter_by(type="stats_chart").count()

    def test_pathum_thani_editor_cannot_create_or_edit_a_chanthaburi_chart(self):
        pilot = pilot_provinces()
        chart = _chart(pilot["TH-22"]["editor"], owner_org=pilot["TH-22"]["org"])
        with pytest.raises(tk.NotAuthorized):
            _chart(pilot["TH-13"]["editor"], name="other", owner_org=pilot["TH-13"]["org"])
        with pytest.raises(tk.NotAuthorized):
            call_action("package_patch", {"user": pilot["TH-13"]["editor"], "ignore_auth": False},
                        id=chart["id"], title="x")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("age_days, unit, interval, expected", [
    (300, "ปี", 1, False), (500, "ปี", 1, True), (500, "ปี", 2, False),
    (40, "เดือน", 1, True), (20, "เดือน", 1, False), (9999, "ไม่ทราบ", 1, None),
])
def test_overdue_follows_the_frequency(age_days, unit, interval, expected):
    now = datetime.datetime(2025, 1, 1)
    last = (now - datetime.timedelta(days=age_days)).isoformat()
    assert is_overdue(last, unit, interval, now) is expected
