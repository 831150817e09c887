"""Who may create and change provinces, strategic issues and charts (``call_auth``)."""
import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.provincialstats.logic.auth import (
    curated_codes,
    curates_any_province,
    is_curator,
    province_group,
)
from ckanext.provincialstats.vocab.loader import load_provinces
from tests.logic.helpers import PLUGINS, count_queries, pilot_provinces, strategic_issue


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


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestProvinceLookup:
    def _province(self, name, code="TH-22", **extra):
        return call_action("group_create", {"ignore_auth": True, "user": _site()},
                           type="province", name=name, title="จันทบุรี",
                           province_code=code, **extra)

    def test_organizations_and_deleted_records_never_decide(self):
        """Older than the real record: an organization carrying the code (the hole CKAN
        leaves open by default) and a deleted province record."""
        editor = factories.User()["name"]
        call_action("organization_create", {"ignore_auth": True, "user": _site()},
                    type="province", name="squatter", title="x", province_code="TH-22",
                    users=[{"name": editor, "capacity": "admin"}])
        deleted = self._province("old-chanthaburi",
                                 users=[{"name": editor, "capacity": "admin"}])
        call_action("group_delete", {"ignore_auth": True}, id=deleted["id"])
        real = self._province("chanthaburi")
        assert province_group("TH-22").id == real["id"]
        assert not is_curator(editor, "TH-22")
        assert not _can("group_create", editor, type="strategic_issue", province="TH-22")
        assert call_action("provincialstats_province_show", {}, code="TH-22")["id"] == real["id"]

    def test_with_two_records_for_one_code_the_oldest_decides(self):
        first_office, second_office = factories.User()["name"], factories.User()["name"]
        org1 = factories.Organization(users=[{"name": first_office, "capacity": "editor"}])
        org2 = factories.Organization(users=[{"name": second_office, "capacity": "editor"}])
        first = self._province("chanthaburi", stats_office_org=org1["name"])
        with pytest.raises(tk.ValidationError) as refused:
            self._province("chanthaburi-copy", stats_office_org=org2["name"])
        assert "province_code" in refused.value.error_dict
        assert "chanthaburi" in str(refused.value.error_dict["province_code"])
        # A duplicate written before the check existed (straight into the database):
        # the oldest record still decides.
        copy = self._province("chanthaburi-copy", code="TH-50",
                              stats_office_org=org2["name"])
        extra = model.Session.query(model.GroupExtra).filter_by(
            group_id=copy["id"], key="province_code").one()
        extra.value = "TH-22"
        model.Session.commit()
        for _ in range(3):
            assert province_group("TH-22").id == first["id"]
        assert is_curator(first_office, "TH-22")
        assert not is_curator(second_office, "TH-22")
        assert curated_codes(second_office) == set()
        assert curated_codes(first_office) == {"TH-22"}


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestCuratorQueries:
    def test_deciding_curatorship_costs_the_same_few_queries_for_2_or_77_provinces(self):
        pilot = pilot_provinces(all_provinces=False)
        outsider = factories.User()["name"]
        curator = pilot["TH-13"]["editor"]

        def cost():
            out = {}
            for user in (outsider, curator):
                model.Session.remove()  # nothing cached from the previous call
                with count_queries() as counted:
                    out[user] = (curates_any_province(user), is_curator(user, "TH-13"),
                                 counted())
            return out

        few = cost()
        assert load_provinces()["created"] == 75
        many = cost()
        assert few[outsider][:2] == many[outsider][:2] == (False, False)
        assert few[curator][:2] == many[curator][:2] == (True, True)
        for user in (outsider, curator):
            assert many[user][2] == few[user][2] <= 4, (few, many)


def _site():
    return call_action("get_site_user", {"ignore_auth": True})["name"]


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestStatisticsOfficeName:
    def test_the_office_admin_cannot_free_its_name_for_someone_else_to_take(self, app):
        """Renaming the office would let anyone create an organization with its old name
        and so become the province's curator."""
        pilot = pilot_provinces(all_provinces=False)
        office = pilot["TH-22"]["org"]
        admin = factories.User()["name"]
        call_action("organization_member_create", {"ignore_auth": True},
                    id=office, username=admin, role="admin")
        assert not _can("organization_patch", admin, id=office, name="renamed")
        assert not _can("organization_update", admin, id=office, name="renamed")
        assert not _can("group_update", admin, id=office, name="renamed")
        assert _can("organization_patch", admin, id=office, name=office, title="ใหม่")
        token = factories.APIToken(user=admin)["token"]
        app.post("/api/3/action/organization_patch", json={"id": office, "name": "renamed"},
                 headers={"Authorization": token}, status=403)
        assert model.Group.get(office) is not None
        # any other organization's admin renames theirs as CKAN allows
        other_admin = factories.User()["name"]
        other = factories.Organization(users=[{"name": other_admin, "capacity": "admin"}])
        assert _can("organization_patch", other_admin, id=other["id"], name="renamed")
