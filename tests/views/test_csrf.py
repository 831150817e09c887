"""CSRF protection is on, for the extension's views too, and every form the catalogue
serves for its records works with it: each test logs in through CKAN's login form,
opens the real form, posts it with the page's ``_csrf_token`` (the record is saved) and
posts it again without the token (refused with 400, nothing saved)."""
import logging

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical
from tests.views.browser import CSRF_FIELD, Browser

PASSWORD = "RandomPassword123"


def _dataset_form():
    """The dataset as a curator types it into /dataset/new (stage 1), in an
    organization (the form makes new datasets private, which needs one)."""
    values = {key: value for key, value in statistical().items() if key != "type"}
    values["owner_org"] = factories.Organization()["id"]
    return values


def _browser(app, user):
    browser = Browser(app)
    browser.log_in(user["name"], PASSWORD)
    return browser


def _user(**kwargs):
    return factories.User(password=PASSWORD, **kwargs)


def _sysadmin():
    return factories.Sysadmin(password=PASSWORD)


def _curator(pilot, code="TH-22"):
    """An editor of the province's statistics office (a curator of the province)."""
    user = _user()
    call_action("organization_member_create", {"ignore_auth": True},
                id=pilot[code]["org"], username=user["name"], role="editor")
    return user


def _missing(action, **data_dict):
    try:
        call_action(action, **data_dict)
    except tk.ObjectNotFound:
        return True
    return False


def _refused(response):
    assert response.status_code == 400, response.status_code
    assert "CSRF" in response.body


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins")
class TestConfiguration:
    def test_extensions_are_not_exempt(self, make_app, caplog):
        with caplog.at_level(logging.WARNING, logger="ckan"):
            app = make_app()
        assert "Extensions are excluded from CSRF protection" not in caplog.text
        flask_app = app.flask_app
        assert flask_app.config["WTF_CSRF_ENABLED"] is True
        assert flask_app.blueprints["provincialstats_province"] not in \
            flask_app.extensions["csrf"]._exempt_blueprints


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDatasetForm:
    def test_new_dataset_through_both_stages(self, app):
        browser = _browser(app, _sysadmin())
        # stage 1: the dataset (the data-type module leaves only statistical fields)
        stage1 = browser.submit("/dataset/new", _dataset_form(), form={"id": "dataset-edit"},
                                button=("save", None), status=200)
        assert stage1.request.path == "/dataset/rice-main-season/resource/new"
        draft = call_action("package_show", id="rice-main-season")
        assert draft["state"] == "draft"
        assert draft["data_type"] == "ข้อมูลสถิติ"
        assert draft["objective"] == ["พันธกิจหน่วยงาน"]
        # stage 2: a resource, then Finish
        browser.submit("/dataset/rice-main-season/resource/new",
                       {"url": "https://example.go.th/rice.csv", "name": "rice.csv"},
                       form={"id": "resource-edit"}, button=("save", "go-metadata"),
                       status=200)
        dataset = call_action("package_show", id="rice-main-season")
        assert dataset["state"] == "active"
        assert [r["url"] for r in dataset["resources"]] == ["https://example.go.th/rice.csv"]

    def test_new_dataset_without_token_is_refused(self, app):
        browser = _browser(app, _sysadmin())
        _refused(browser.submit("/dataset/new", _dataset_form(), form={"id": "dataset-edit"},
                                button=("save", None), token=False))
        assert _missing("package_show", id="rice-main-season")

    def test_resource_stage_without_token_is_refused(self, app):
        browser = _browser(app, _sysadmin())
        browser.submit("/dataset/new", _dataset_form(), form={"id": "dataset-edit"},
                       button=("save", None), status=200)
        _refused(browser.submit("/dataset/rice-main-season/resource/new",
                                {"url": "https://example.go.th/rice.csv"},
                                form={"id": "resource-edit"},
                                button=("save", "go-metadata"), token=False))
        dataset = call_action("package_show", id="rice-main-season")
        assert dataset["state"] == "draft"
        assert dataset["resources"] == []

    def test_edit_dataset(self, app):
        call_action("package_create", **statistical())
        browser = _browser(app, _sysadmin())
        url = "/dataset/edit/rice-main-season"
        _refused(browser.submit(url, {"title": "ข้าวนาปรัง"}, form={"id": "dataset-edit"},
                                button=("save", None), token=False))
        assert call_action("package_show", id="rice-main-season")["title"] == "ข้าวนาปี"
        browser.submit(url, {"title": "ข้าวนาปรัง"}, form={"id": "dataset-edit"},
                       button=("save", None), status=200)
        assert call_action("package_show", id="rice-main-season")["title"] == "ข้าวนาปรัง"

    def test_token_is_outside_the_fields_the_data_type_module_disables(self, app):
        browser = _browser(app, _sysadmin())
        form = browser.page("/dataset/new").form(id="dataset-edit")
        tokens = [c for c in form.controls if c.name == CSRF_FIELD]
        assert len(tokens) == 1 and tokens[0].attrs.get("value")
        assert tokens[0].wrapper is None


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestRecordForms:
    ISSUE = {"title": "เกษตรมูลค่าสูง", "title_en": "High-value agriculture",
             "province": "TH-22", "plan_period": "2566-2570", "issue_number": "1"}

    def test_strategic_issue_by_its_curator(self, app):
        pilot = pilot_provinces()
        browser = _browser(app, _curator(pilot))
        _refused(browser.submit("/strategic_issue/new", self.ISSUE, button=("save", None),
                                token=False))
        assert call_action("group_list", type="strategic_issue") == []
        response = browser.submit("/strategic_issue/new", self.ISSUE, button=("save", None),
                                  status=200)
        assert response.request.path == "/strategic_issue/chanthaburi-2566-2570-1"
        issue = call_action("group_show", id="chanthaburi-2566-2570-1")
        assert (issue["province"], issue["title_en"]) == ("TH-22", "High-value agriculture")

    def test_strategic_issue_form_keeps_sub_issues(self, app):
        pilot = pilot_provinces()
        browser = _browser(app, _curator(pilot))
        values = dict(self.ISSUE, **{"sub_issues-0-number": "1.1",
                                     "sub_issues-0-title": "ทุเรียนคุณภาพ"})
        browser.submit("/strategic_issue/new", values, button=("save", None), status=200)
        issue = call_action("group_show", id="chanthaburi-2566-2570-1")
        assert [s["title"] for s in issue.get("sub_issues", [])] == ["ทุเรียนคุณภาพ"]

    def test_strategic_issue_edit_keeps_sub_issues(self, app):
        pilot = pilot_provinces()
        issue = strategic_issue("TH-22", 1, sub_issues=[{"number": "1.1", "title": "ทุเรียน"}])
        browser = _browser(app, _curator(pilot))
        browser.submit("/strategic_issue/edit/" + issue["name"], {"title_en": "Durian"},
                       button=("save", None), status=200)
        shown = call_action("group_show", id=issue["name"])
        assert shown["title_en"] == "Durian"
        assert [s["title"] for s in shown.get("sub_issues", [])] == ["ทุเรียน"]

    def test_chart_by_its_curator(self, app):
        pilot = pilot_provinces()
        issue = strategic_issue("TH-22", 1)
        browser = _browser(app, _curator(pilot))
        values = {"title": "ผังสถิติจันทบุรี", "name": "chart-chanthaburi",
                  "owner_org": call_action("organization_show",
                                           id=pilot["TH-22"]["org"])["id"],
                  "province": "TH-22", "plan_period": "2566-2570",
                  "chart_items-0-strategic_issue": issue["name"],
                  "chart_items-0-indicator": "ผลผลิตต่อไร่",
                  "chart_items-0-statistic": "ผลผลิตทุเรียน",
                  "chart_items-0-availability": "as_is"}
        _refused(browser.submit("/stats_chart/new", values, form={"id": "dataset-edit"},
                                button=("save", None), token=False))
        assert _missing("package_show", id="chart-chanthaburi")
        browser.submit("/stats_chart/new", values, form={"id": "dataset-edit"},
                       button=("save", None), status=200)
        browser.submit("/stats_chart/chart-chanthaburi/resource/new",
                       {"url": "https://example.go.th/chart.xlsx", "name": "ผัง"},
                       form={"id": "resource-edit"}, button=("save", "go-metadata"),
                       status=200)
        chart = call_action("package_show", id="chart-chanthaburi")
        assert chart["type"] == "stats_chart" and chart["state"] == "active"
        assert [i["statistic"] for i in chart["chart_items"]] == ["ผลผลิตทุเรียน"]

    def test_province_edit_by_a_sysadmin(self, app):
        pilot_provinces()
        browser = _browser(app, _sysadmin())
        url = "/province/edit/chanthaburi"
        vision = "เมืองผลไม้คุณภาพ"
        _refused(browser.submit(url, {"vision": vision}, button=("save", None),
                                token=False))
        assert call_action("group_show", id="chanthaburi").get("vision") != vision
        browser.submit(url, {"vision": vision}, button=("save", None), status=200)
        assert call_action("group_show", id="chanthaburi")["vision"] == vision


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestApi:
    def test_token_authenticated_posts_need_no_csrf_token(self, app):
        sysadmin = factories.SysadminWithToken()
        response = app.post("/api/3/action/package_create", json=statistical(),
                            headers={"Authorization": sysadmin["token"]})
        assert response.status_code == 200, response.body
        assert call_action("package_show", id="rice-main-season")["state"] == "active"

    def test_session_authenticated_posts_need_the_token(self, app):
        """A logged-in browser's cookie alone does not let another site post to the API
        (CKAN's JavaScript client sends the page's token in X-CSRFToken)."""
        browser = _browser(app, _sysadmin())
        forged = browser.client.post("/api/3/action/package_create", json=statistical())
        _refused(forged)
        assert _missing("package_show", id="rice-main-season")
        token = browser.page("/dataset/").meta["_csrf_token"]
        sent = browser.client.post("/api/3/action/package_create", json=statistical(),
                                   headers={"X-CSRFToken": token})
        assert sent.status_code == 200, sent.body
        assert call_action("package_show", id="rice-main-season")["state"] == "active"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " harvest ckan_harvester")
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestExtensionBlueprints:
    """A POST to another extension's blueprint: ckanext-harvest's "Reharvest" button
    (confirm-action) on the dev site. CKAN exempts extensions' blueprints from CSRF
    unless ckan.csrf_protection.ignore_extensions is false."""

    @pytest.fixture
    def source(self, migrate_db_for):
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob
        migrate_db_for("harvest")
        sysadmin = factories.Sysadmin()
        source = call_action("harvest_source_create", {"user": sysadmin["name"]},
                             name="agency-feed", title="Agency feed",
                             url="http://127.0.0.1:1/agency", source_type="ckan")
        yield source
        HarvestJob.filter(source_id=source["id"]).delete()
        queue.purge_queues()

    def test_reharvest_needs_the_token(self, app, source):
        browser = _browser(app, _sysadmin())
        admin = "/harvest/admin/agency-feed"
        refresh = "/harvest/refresh/" + source["id"]
        _refused(browser.confirm(admin, refresh, token=False))
        assert call_action("harvest_job_list", source_id=source["id"]) == []
        browser.confirm(admin, refresh, status=200)
        jobs = call_action("harvest_job_list", source_id=source["id"])
        assert len(jobs) == 1
