"""Open data actions: provinces by region with counts of what the caller can see,
strategic issues, the extended province record, and CKAN's JSON errors over HTTP."""
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.logic.helpers import (
    PLUGINS,
    count_queries,
    pilot_provinces,
    strategic_issue,
)
from tests.schemas.test_dataset import statistical

ANON = {"user": "", "ignore_auth": False}


@pytest.fixture(autouse=True)
def in_a_request(app):
    """The actions run as the API runs them: inside a request (search facet labels
    read the request's language)."""
    with app.flask_app.test_request_context():
        yield


def _dataset(user, org, name, provinces, private=False, **extra):
    return call_action("package_create", {"user": user, "ignore_auth": False},
                       **statistical(name=name, owner_org=org, province=provinces,
                                     private=private, **extra))


def _province(result, code):
    return next(p for r in result["regions"] for p in r["provinces"] if p["code"] == code)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestProvinces:
    def test_77_provinces_by_region_with_counts_the_caller_may_see(self):
        pilot = pilot_provinces()
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        _dataset(editor, org, "rice-22", ["TH-22"])
        _dataset(editor, org, "durian-22-13", ["TH-22", "TH-13"])
        _dataset(editor, org, "secret-22", ["TH-22"], private=True)

        anonymous = call_action("provincialstats_province_list", dict(ANON))
        assert anonymous["count"] == 77
        assert len(anonymous["regions"]) == 6
        assert _province(anonymous, "TH-22")["dataset_count"] == 2
        assert _province(anonymous, "TH-13")["dataset_count"] == 1
        assert _province(anonymous, "TH-50")["dataset_count"] == 0
        assert _province(anonymous, "TH-22")["record"] == "chanthaburi"
        member = call_action("provincialstats_province_list",
                             {"user": editor, "ignore_auth": False})
        assert _province(member, "TH-22")["dataset_count"] == 3

        east = call_action("provincialstats_province_list", dict(ANON), region="east")
        assert [r["code"] for r in east["regions"]] == ["east"]
        assert "TH-22" in [p["code"] for p in east["regions"][0]["provinces"]]
        with pytest.raises(tk.ValidationError) as raised:
            call_action("provincialstats_province_list", dict(ANON), region="atlantis")
        assert "region" in raised.value.error_dict

    def test_query_count_does_not_grow_with_datasets(self):
        pilot = pilot_provinces(all_provinces=False)
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        _dataset(editor, org, "one", ["TH-22"])
        with count_queries() as few:
            call_action("provincialstats_province_list", dict(ANON))
        for i in range(6):
            _dataset(editor, org, f"more-{i}", ["TH-22", "TH-13"])
        with count_queries() as many:
            call_action("provincialstats_province_list", dict(ANON))
        assert many() == few()

    def test_province_show_has_counts_issues_and_charts(self):
        pilot = pilot_provinces(all_provinces=False)
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        issue = strategic_issue("TH-22", 1)["name"]
        strategic_issue("TH-13", 1)
        _dataset(editor, org, "rice-22", ["TH-22"], strategic_issue=[issue])
        call_action("package_create", {"user": editor, "ignore_auth": False},
                    type="stats_chart", name="chart-22", title="ผังสถิติ จันทบุรี",
                    province="TH-22", plan_period="2566-2570", owner_org=org)
        call_action("package_create", {"user": editor, "ignore_auth": False},
                    type="stats_chart", name="chart-2561", title="ผังสถิติ จันทบุรี เดิม",
                    province="TH-22", plan_period="2561-2565", owner_org=org)
        shown = call_action("provincialstats_province_show", dict(ANON), code="TH-22")
        assert shown["name"] == "chanthaburi"
        assert shown["dataset_count"] == 1
        assert [i["name"] for i in shown["strategic_issues"]] == [issue]
        # newest plan period first
        assert [c["name"] for c in shown["charts"]] == ["chart-22", "chart-2561"]

        issues = call_action("provincialstats_strategic_issue_list", dict(ANON),
                             province="22")
        assert [(i["name"], i["dataset_count"], i["province"]) for i in issues] == [
            (issue, 1, "TH-22")]
        assert len(call_action("provincialstats_strategic_issue_list", dict(ANON))) == 2
        with pytest.raises(tk.ValidationError):
            call_action("provincialstats_strategic_issue_list", dict(ANON), province="TH-99")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestErrorsOverHttp:
    def test_validation_not_found_and_not_authorized_in_ckans_shape(self, app):
        org = factories.Organization()
        factories.Dataset(name="hidden", owner_org=org["id"], private=True,
                          **{k: v for k, v in statistical().items() if k != "name"})
        bad = app.get("/api/3/action/provincialstats_province_list?region=atlantis",
                      status=409)
        assert bad.json["success"] is False
        assert bad.json["error"]["__type"] == "Validation Error"
        assert "region" in bad.json["error"]
        missing = app.get("/api/3/action/provincialstats_quality_show?id=no-such",
                          status=404)
        assert missing.json["error"]["__type"] == "Not Found Error"
        hidden = app.get("/api/3/action/provincialstats_quality_show?id=hidden",
                         status=403)
        assert hidden.json["error"]["__type"] == "Authorization Error"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestBoundedQueries:
    def test_issue_list_and_quality_summary_do_not_query_per_dataset(self, migrate_db_for):
        migrate_db_for("provincialstats")
        pilot = pilot_provinces(all_provinces=False)
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        issue = strategic_issue("TH-22", 1)["name"]
        _dataset(editor, org, "first", ["TH-22"], strategic_issue=[issue])

        def measure():
            from ckan import model
            model.Session.expire_all()  # both measures start from the same, cold session
            with count_queries() as issues:
                call_action("provincialstats_strategic_issue_list", dict(ANON),
                            province="TH-22")
            with count_queries() as summary:
                result = call_action("provincialstats_quality_summary", dict(ANON),
                                     by="province")
            return issues(), summary(), result["count"]

        few = measure()
        for i in range(5):
            _dataset(editor, org, f"more-{i}", ["TH-22", "TH-13"], strategic_issue=[issue])
        many = measure()
        assert few[2] == 1 and many[2] == 6
        assert many[:2] == few[:2]
