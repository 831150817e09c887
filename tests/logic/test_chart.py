"""``stats_chart`` records and ``provincialstats_chart_show``."""
import datetime

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.logic.action import is_overdue
from tests.logic.helpers import PLUGINS, count_queries, pilot_provinces, strategic_issue
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


def _row(issue, dataset=None, statistic="สถิติ"):
    row = {"strategic_issue": issue, "indicator": "ตัวชี้วัด", "statistic": statistic,
           "availability": "as_is" if dataset else "to_be"}
    if dataset:
        row["dataset"] = dataset
    return row


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestChartShowCost:
    def test_linked_datasets_resolve_in_a_constant_number_of_queries(self):
        """1 row or 12 rows over 4 issues and 6 datasets: the same number of queries."""
        pilot = pilot_provinces(all_provinces=False)
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        issues = [strategic_issue("TH-22", n)["name"] for n in range(1, 5)]
        datasets = [
            call_action("package_create", {"user": editor, "ignore_auth": False},
                        **statistical(name=f"stat-{n}", owner_org=org,
                                      private=n % 2 == 0))["name"]
            for n in range(6)]
        small = _chart(editor, owner_org=org, name="small",
                       chart_items=[_row(issues[0], datasets[0])])
        rows = [_row(issues[n % 4], datasets[n % 6], f"สถิติ {n}") for n in range(12)]
        big = _chart(editor, owner_org=org, name="big", chart_items=rows)

        def cost(chart, user):
            model.Session.remove()
            with count_queries() as counted:
                result = call_action("provincialstats_chart_show",
                                     {"user": user, "ignore_auth": False}, id=chart["name"])
            return counted(), result

        outsider = factories.User()["name"]
        for user in ("", outsider, editor):
            (one, _), (twelve, result) = cost(small, user), cost(big, user)
            assert twelve == one, (user, one, twelve)
            linked = 12 if user == editor else 6   # half the datasets are private
            assert result["summary"]["linked"] == linked, (user, result["summary"])
        assert len(result["tree"]) == 4
        assert result["tree"][0]["strategic_issue"]["issue_number"] == "1"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestChartShowPermissions:
    def test_a_private_linked_dataset_is_named_only_to_those_who_may_read_it(self):
        pilot = pilot_provinces(all_provinces=False)
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        issue = strategic_issue("TH-22", 1)["name"]
        secret = call_action("package_create", {"user": editor, "ignore_auth": False},
                             **statistical(name="secret-stat", title="ตัวเลขลับ",
                                           owner_org=org, private=True))
        chart = _chart(editor, owner_org=org, chart_items=[_row(issue, secret["name"])])
        other_org_editor = pilot["TH-13"]["editor"]
        for user in ("", factories.User()["name"], other_org_editor):
            result = call_action("provincialstats_chart_show",
                                 {"user": user, "ignore_auth": False}, id=chart["name"])
            [[statistic]] = [i["statistics"] for i in
                             result["tree"][0]["sub_issues"][0]["indicators"]]
            assert statistic["dataset"] == {"name": "secret-stat", "found": False}
            assert "ตัวเลขลับ" not in str(result)
        for user in (editor, factories.Sysadmin()["name"]):
            result = call_action("provincialstats_chart_show",
                                 {"user": user, "ignore_auth": False}, id=chart["name"])
            statistic = result["tree"][0]["sub_issues"][0]["indicators"][0]["statistics"][0]
            assert statistic["dataset"]["title"] == "ตัวเลขลับ"

    def test_a_resolved_dataset_says_what_package_show_says(self):
        pilot = pilot_provinces(all_provinces=False)
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        issue = strategic_issue("TH-22", 1)["name"]
        dataset = call_action("package_create", {"user": editor, "ignore_auth": False},
                              **statistical(owner_org=org, last_updated_date="2020-03-01",
                                            update_frequency_unit="เดือน",
                                            update_frequency_interval="3"))
        chart = _chart(editor, owner_org=org, chart_items=[_row(issue, dataset["id"])])
        result = call_action("provincialstats_chart_show", {"user": ""}, id=chart["name"])
        resolved = result["tree"][0]["sub_issues"][0]["indicators"][0]["statistics"][0]
        shown = call_action("package_show", {"user": ""}, id=dataset["id"])
        assert resolved["dataset"] == {
            "found": True, "id": shown["id"], "name": shown["name"], "title": shown["title"],
            "last_update": shown["last_updated_date"],
            "metadata_modified": shown["metadata_modified"],
            "update_frequency_unit": "เดือน", "overdue": True}
