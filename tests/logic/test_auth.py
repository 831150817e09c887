"""Who may create and change provinces, strategic issues and charts (``call_auth``)."""
import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue


def _ctx(user):
    return {"user": user, "model": model}


def _can(action, user, **data):
    try:
        return call_auth(action, _ctx(user), **data)
    except tk.NotAuthorized:
        return False


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestProvinceRecords:
    def test_only_sysadmins_create_or_edit_provinces(self):
        pilot = pilot_provinces()
        editor = pilot["TH-22"]["editor"]
        sysadmin = factories.Sysadmin()["name"]
        assert not _can("group_create", editor, type="province", name="x")
        assert not _can("group_update", editor, id="chanthaburi", vision="x")
        assert not _can("group_patch", editor, id="chanthaburi", vision="x")
        assert not _can("group_delete", editor, id="chanthaburi")
        assert _can("group_update", sysadmin, id="chanthaburi")

    def test_anyone_reads_provinces_vocabularies_and_charts(self):
        pilot_provinces()
        assert _can("provincialstats_province_show", "", code="TH-22")
        assert _can("provincialstats_vocabulary_list", "")
        assert _can("group_show", "", id="chanthaburi")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestStrategicIssues:
    def test_office_editor_creates_issues_of_its_own_province_only(self):
        pilot = pilot_provinces()
        chanthaburi_editor = pilot["TH-22"]["editor"]
        assert _can("group_create", chanthaburi_editor, type="strategic_issue",
                    province="TH-22")
        assert not _can("group_create", chanthaburi_editor, type="strategic_issue",
                        province="TH-13")

    def test_office_member_without_editor_role_cannot_create(self):
        pilot = pilot_provinces()
        member = factories.User()["name"]
        call_action("organization_member_create", {"ignore_auth": True},
                    id=pilot["TH-22"]["org"], username=member, role="member")
        assert not _can("group_create", member, type="strategic_issue", province="TH-22")

    def test_user_outside_any_office_cannot_create(self):
        pilot_provinces()
        outsider = factories.User()["name"]
        assert not _can("group_create", outsider, type="strategic_issue", province="TH-22")
        assert not _can("group_create", "", type="strategic_issue", province="TH-22")

    def test_editor_of_the_province_record_is_a_curator_too(self):
        pilot_provinces()
        user = factories.User()["name"]
        call_action("group_member_create", {"ignore_auth": True},
                    id="pathum-thani", username=user, role="editor")
        assert _can("group_create", user, type="strategic_issue", province="TH-13")
        assert not _can("group_create", user, type="strategic_issue", province="TH-22")

    def test_curator_cannot_edit_or_move_another_provinces_issue(self):
        pilot = pilot_provinces()
        issue = strategic_issue("TH-13", 1)
        chanthaburi_editor = pilot["TH-22"]["editor"]
        pathum_editor = pilot["TH-13"]["editor"]
        assert not _can("group_update", chanthaburi_editor, id=issue["id"], title="x")
        assert not _can("group_delete", chanthaburi_editor, id=issue["id"])
        assert _can("group_update", pathum_editor, id=issue["id"], title="x")
        # moving it to a province one does not curate is refused
        assert not _can("group_update", pathum_editor, id=issue["id"], province="TH-22")

    def test_office_without_stats_office_org_link_gives_no_rights(self):
        pilot = pilot_provinces()
        call_action("group_patch", {"ignore_auth": True}, id="chanthaburi",
                    stats_office_org="")
        assert not _can("group_create", pilot["TH-22"]["editor"], type="strategic_issue",
                        province="TH-22")

    def test_editing_ones_own_organization_cannot_claim_another_province(self):
        """The office link lives on the province record (sysadmins only), so an office
        admin editing its organization's extras gains nothing."""
        pilot = pilot_provinces()
        admin = factories.User()["name"]
        call_action("organization_member_create", {"ignore_auth": True},
                    id=pilot["TH-22"]["org"], username=admin, role="admin")
        call_action("organization_patch", {"user": admin}, id=pilot["TH-22"]["org"],
                    extras=[{"key": "province_code", "value": "TH-13"}])
        assert not _can("group_create", admin, type="strategic_issue", province="TH-13")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestCharts:
    def test_chart_create_follows_the_province(self):
        pilot = pilot_provinces()
        assert _can("package_create", pilot["TH-22"]["editor"], type="stats_chart",
                    province="TH-22")
        assert not _can("package_create", pilot["TH-22"]["editor"], type="stats_chart",
                        province="TH-13")
        assert not _can("package_create", factories.User()["name"], type="stats_chart",
                        province="TH-22")
