"""Every CKAN write path to a province, a strategic issue or a chart, tried by a
registered user who is a member of nothing (``call_auth`` and the action API with the
user's API token): refused, and nothing in the database changes. The province record's
own admin is refused on provinces too (sysadmins only), and the curators of the province
may do what curators do (so the refusals are not everyone's).

The records are built once for the module (refused writes change nothing; each API test
checks that)."""
import hashlib

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical

# image_view: a resource view type, so the resource view actions get past validation
PATH_PLUGINS = PLUGINS + " image_view"

# Tables holding provinces, issues, charts and their memberships, resources, views,
# relationships, collaborators: fingerprinted before and after each refused call.
TABLES = ("group", "group_extra", "member", "package", "package_extra", "resource",
          "resource_view", "package_relationship", "package_member")


def _sysadmin_ctx():
    return {"user": call_action("get_site_user", {"ignore_auth": True})["name"],
            "ignore_auth": True}


def _build():
    pilot = pilot_provinces(all_provinces=False)
    sys = _sysadmin_ctx()
    outsider = factories.User()
    token = factories.APIToken(user=outsider["name"])["token"]
    # the province record's own admin: CKAN alone would let it edit the record
    record_admin = factories.User()
    call_action("group_member_create", dict(sys), id="chanthaburi",
                username=record_admin["name"], role="admin")
    own_org = factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    own_group = factories.Group(users=[{"name": outsider["name"], "capacity": "admin"}])
    own_dataset = call_action("package_create", {"user": outsider["name"]},
                              **statistical(name="outsiders-own", owner_org=own_org["id"]))
    issue = strategic_issue("TH-22", 1)
    dataset = call_action("package_create", dict(sys), **statistical(
        name="rice", owner_org=pilot["TH-22"]["org"], province=["TH-22"]))
    chart = call_action("package_create", dict(sys), type="stats_chart", name="chart-22",
                        title="ผังสถิติ", province="TH-22", plan_period="2566-2570",
                        owner_org=pilot["TH-22"]["org"],
                        resources=[{"url": "http://example.com/a.csv", "name": "a"},
                                   {"url": "http://example.com/b.csv", "name": "b"}])
    [res_a, res_b] = [r["id"] for r in chart["resources"]]
    view = call_action("resource_view_create", dict(sys), resource_id=res_a,
                       view_type="image_view", title="ภาพ")
    call_action("package_relationship_create", dict(sys), subject=chart["id"],
                object=dataset["id"], type="depends_on")
    collaborator = factories.User()
    call_action("package_collaborator_create", dict(sys), id=chart["id"],
                user_id=collaborator["id"], capacity="member")
    call_action("member_create", dict(sys), id=own_group["id"], object=chart["id"],
                object_type="package", capacity="public")
    return {
        "pilot": pilot, "outsider": outsider, "token": token,
        "record_admin": record_admin, "own_org": own_org["id"],
        "own_group": own_group["id"], "own_dataset": own_dataset["id"],
        "issue": issue["id"], "dataset": dataset["id"], "chart": chart["id"],
        "resources": [res_a, res_b], "view": view["id"],
        "collaborator": collaborator["id"],
        "curator": pilot["TH-22"]["editor"], "other_curator": pilot["TH-13"]["editor"],
    }


@pytest.fixture(scope="module")
def _records():
    return {}


@pytest.fixture
def w(_records, with_plugins, reset_db):
    """The records (built on first use in this module, on a clean database)."""
    if not _records:
        reset_db()
        _records.update(_build())
    return _records


# Each path: (action, data_dict from the records, may a curator of TH-22 take it?).
# Curators may not take the paths CKAN keeps for sysadmins (purges, moving a dataset to
# another organization) or for organization admins (collaborators), nor write to the
# outsider's own records.

def _group_paths(target):
    """Write paths to the group ``target(w)`` (a province or a strategic issue)."""
    return [
        ("group_update", lambda w: {"id": target(w), "title": "แก้"}, True),
        ("group_patch", lambda w: {"id": target(w), "title": "แก้"}, True),
        ("group_change_state", lambda w: {"id": target(w), "state": "deleted"}, True),
        ("organization_update", lambda w: {"id": target(w), "title": "แก้"}, True),
        ("organization_patch", lambda w: {"id": target(w), "title": "แก้"}, True),
        ("group_edit_permissions", lambda w: {"id": target(w)}, True),
        ("group_delete", lambda w: {"id": target(w)}, True),
        ("organization_delete", lambda w: {"id": target(w)}, True),
        ("group_purge", lambda w: {"id": target(w)}, False),
        ("organization_purge", lambda w: {"id": target(w)}, False),
        ("group_member_create", lambda w: {
            "id": target(w), "username": w["outsider"]["name"], "role": "editor"}, True),
        ("organization_member_create", lambda w: {
            "id": target(w), "username": w["outsider"]["name"], "role": "admin"}, True),
        ("group_member_delete", lambda w: {
            "id": target(w), "username": w["record_admin"]["name"]}, True),
        ("organization_member_delete", lambda w: {
            "id": target(w), "username": w["record_admin"]["name"]}, True),
        ("member_create", lambda w: {
            "id": target(w), "object": w["outsider"]["id"], "object_type": "user",
            "capacity": "admin"}, True),
        ("member_create", lambda w: {
            "id": target(w), "object": w["dataset"], "object_type": "package",
            "capacity": "public"}, True),
        ("member_delete", lambda w: {
            "id": target(w), "object": w["record_admin"]["id"], "object_type": "user"},
         True),
        ("user_invite", lambda w: {
            "email": "new@example.com", "group_id": target(w), "role": "editor"}, True),
        ("bulk_update_private", lambda w: {
            "org_id": target(w), "datasets": [w["dataset"]]}, True),
        ("bulk_update_public", lambda w: {
            "org_id": target(w), "datasets": [w["dataset"]]}, True),
        ("bulk_update_delete", lambda w: {
            "org_id": target(w), "datasets": [w["dataset"]]}, True),
        # a groups list adds a membership to the group it names
        ("package_patch", lambda w: {
            "id": w["own_dataset"], "groups": [{"id": target(w)}]}, False),
        ("organization_create", lambda w: {
            "name": "outsiders-second-org", "groups": [{"id": target(w)}]}, True),
    ]


PROVINCE_PATHS = [
    ("group_create", lambda w: {"type": "province", "name": "chanthaburi-2",
                                "title": "จันทบุรี", "province_code": "TH-22"}, False),
    ("organization_create", lambda w: {"type": "province", "name": "chanthaburi-org",
                                       "title": "จันทบุรี", "province_code": "TH-22"},
     False),
] + _group_paths(lambda w: "chanthaburi")

ISSUE = {"type": "strategic_issue", "title": "ประเด็น", "province": "TH-22",
         "plan_period": "2566-2570", "issue_number": 7}
ISSUE_PATHS = [
    ("group_create", lambda w: dict(ISSUE, name="outsiders-issue"), True),
    ("organization_create", lambda w: dict(ISSUE, name="outsiders-issue-org"), False),
] + _group_paths(lambda w: w["issue"])

CHART_PATHS = [
    ("package_create", lambda w: {"type": "stats_chart", "name": "outsiders-chart",
                                  "title": "ผัง", "province": "TH-22",
                                  "plan_period": "2566-2570"}, True),
    ("package_update", lambda w: {"id": w["chart"], "title": "แก้", "province": "TH-22",
                                  "plan_period": "2566-2570"}, True),
    ("package_patch", lambda w: {"id": w["chart"], "title": "แก้"}, True),
    ("package_change_state", lambda w: {"id": w["chart"], "state": "deleted"}, True),
    ("package_revise", lambda w: {"match": {"id": w["chart"]},
                                  "update": {"id": w["chart"], "title": "แก้"}}, True),
    ("package_delete", lambda w: {"id": w["chart"]}, True),
    ("dataset_purge", lambda w: {"id": w["chart"]}, False),
    ("package_resource_reorder", lambda w: {"id": w["chart"],
                                            "order": w["resources"][::-1]}, True),
    ("package_owner_org_update", lambda w: {"id": w["chart"],
                                            "organization_id": w["own_org"]}, False),
    ("package_collaborator_create", lambda w: {
        "id": w["chart"], "user_id": w["outsider"]["id"], "capacity": "editor"}, False),
    ("package_collaborator_delete", lambda w: {
        "id": w["chart"], "user_id": w["collaborator"]}, False),
    ("package_relationship_create", lambda w: {
        "subject": w["own_dataset"], "object": w["chart"], "type": "links_to"}, False),
    ("package_relationship_update", lambda w: {
        "subject": w["chart"], "object": w["dataset"], "type": "depends_on",
        "comment": "แก้"}, True),
    ("package_relationship_delete", lambda w: {
        "subject": w["chart"], "object": w["dataset"], "type": "depends_on"}, True),
    ("resource_create", lambda w: {"package_id": w["chart"], "name": "c",
                                   "url": "http://example.com/c.csv"}, True),
    ("resource_update", lambda w: {"id": w["resources"][0], "name": "แก้",
                                   "url": "http://example.com/a.csv"}, True),
    ("resource_patch", lambda w: {"id": w["resources"][0], "name": "แก้"}, True),
    ("resource_delete", lambda w: {"id": w["resources"][0]}, True),
    ("resource_view_create", lambda w: {"resource_id": w["resources"][0],
                                        "view_type": "image_view", "title": "x"}, True),
    ("resource_view_update", lambda w: {
        "id": w["view"], "resource_id": w["resources"][0], "view_type": "image_view",
        "title": "แก้"}, True),
    # (the action asks auth with resource_id, the API takes id)
    ("resource_view_reorder", lambda w: {"id": w["resources"][0],
                                         "resource_id": w["resources"][0],
                                         "order": [w["view"]]}, True),
    ("resource_view_delete", lambda w: {"id": w["view"]}, True),
    # the chart added to / removed from a group or organization the outsider runs
    ("member_create", lambda w: {"id": w["own_org"], "object": w["chart"],
                                 "object_type": "package", "capacity": "public"}, False),
    ("member_delete", lambda w: {"id": w["own_group"], "object": w["chart"],
                                 "object_type": "package"}, False),
    ("bulk_update_private", lambda w: {"org_id": w["own_org"],
                                       "datasets": [w["chart"]]}, False),
    ("bulk_update_public", lambda w: {"org_id": w["own_org"],
                                      "datasets": [w["chart"]]}, False),
    ("bulk_update_delete", lambda w: {"org_id": w["own_org"],
                                      "datasets": [w["chart"]]}, False),
]

# Auth functions with no action of their own: the request that reaches them.
VIA = {
    "group_change_state": "group_patch",     # a state change in an update
    "package_change_state": "package_patch",
}


def _params(kind, paths, only_curator_may=False):
    return [pytest.param(action, data, id=f"{kind}-{action}-{i}")
            for i, (action, data, curator_may) in enumerate(paths)
            if curator_may or not only_curator_may]


ALL_PATHS = (_params("province", PROVINCE_PATHS) + _params("issue", ISSUE_PATHS)
             + _params("chart", CHART_PATHS))


def _allowed(action, user, data):
    context = {"user": user, "model": model}
    if action == "package_relationship_delete":
        context["relationship"] = model.Session.query(model.PackageRelationship).first()
    try:
        return call_auth(action, context, **data)
    except tk.NotAuthorized:
        return False


def _fingerprint():
    digest = hashlib.sha256()
    for table in TABLES:
        rows = model.Session.execute(
            f'SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
            f'FROM "{table}" t').scalar()
        digest.update(f"{table}:{rows};".encode())
    return digest.hexdigest()


@pytest.mark.ckan_config("ckan.plugins", PATH_PLUGINS)
@pytest.mark.ckan_config("ckan.auth.allow_dataset_collaborators", "true")
class TestEveryWritePath:
    @pytest.mark.parametrize("action, data", ALL_PATHS)
    def test_call_auth_refuses_a_registered_non_member(self, w, action, data):
        assert not _allowed(action, w["outsider"]["name"], data(w))

    @pytest.mark.parametrize("action, data", ALL_PATHS)
    def test_api_refuses_a_registered_non_member_and_changes_nothing(
            self, w, app, action, data):
        before = _fingerprint()
        if action == "group_edit_permissions":  # a page, not an action
            group = model.Group.get(data(w)["id"])
            response = app.get(f"/{group.type}/manage_members/{group.name}",
                               headers={"Authorization": w["token"]})
        else:
            response = app.post(f"/api/3/action/{VIA.get(action, action)}",
                                json=data(w), headers={"Authorization": w["token"]})
            assert response.json["error"]["__type"] == "Authorization Error"
        assert response.status_code == 403, (response.status_code, response.body[:300])
        model.Session.remove()
        assert _fingerprint() == before

    @pytest.mark.parametrize("action, data", _params("province", PROVINCE_PATHS))
    def test_the_province_records_own_admin_is_refused_too(self, w, action, data):
        assert not _allowed(action, w["record_admin"]["name"], data(w))

    @pytest.mark.parametrize("action, data", _params("issue", ISSUE_PATHS, True)
                             + _params("chart", CHART_PATHS, True))
    def test_a_curator_of_another_province_is_refused(self, w, action, data):
        assert not _allowed(action, w["other_curator"], data(w))

    @pytest.mark.parametrize("action, data", _params("issue", ISSUE_PATHS, True)
                             + _params("chart", CHART_PATHS, True))
    def test_the_provinces_curator_may(self, w, action, data):
        assert _allowed(action, w["curator"], data(w))
