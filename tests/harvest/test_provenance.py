"""What the pipeline recorded on a harvested dataset (derived, defaulted and unmapped
values) survives a curator's edit through the dataset form (logged in, with the page's
CSRF token) and through ``package_update`` without extras; the harvester still knows the
dataset as its own afterwards, and its own updates decide those records."""
import json

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.harvest.ckan_server import RemoteCKAN, gdc_package
from tests.harvest.pipeline_helpers import (  # noqa: F401 (clean_db: fixture)
    HARVEST_PLUGINS,
    activity_count,
    clean_db,
    create_source,
    harvested,
    run,
)
from tests.views.browser import Browser

pytestmark = [pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]

PASSWORD = "RandomPassword123"
KEYS = ("harvest_derived", "harvest_defaulted", "harvest_unmapped")


def _provenance(dataset):
    return {e["key"]: e["value"] for e in dataset.get("extras", []) if e["key"] in KEYS}


@pytest.fixture
def harvested_dataset():
    """A harvested dataset whose record had a field the schema has no place for
    (unmapped) and no province (the source's default: defaulted)."""
    org = factories.Organization(name="fish-office")
    package = gdc_package("fisheries", "ประมงน้ำจืด", custom_field="kept")
    with RemoteCKAN([package]) as remote:
        source = create_source(remote.url, {"receiving_organization": org["name"],
                                            "default_provinces": ["TH-13"]},
                               owner_org=org["id"])
        run(source)
        (dataset,) = harvested(source["id"]).values()
        yield remote, source, dataset


def _check_recorded(dataset):
    recorded = _provenance(dataset)
    assert set(recorded) == set(KEYS)
    assert "province" in json.loads(recorded["harvest_defaulted"])
    assert json.loads(recorded["harvest_unmapped"])["custom_field"] == "kept"
    return recorded


class TestCuratorEdits:
    def test_form_edit_keeps_the_provenance(self, app, harvested_dataset):
        remote, source, dataset = harvested_dataset
        recorded = _check_recorded(dataset)
        user = factories.Sysadmin(password=PASSWORD)
        browser = Browser(app)
        browser.log_in(user["name"], PASSWORD)

        browser.submit(f"/dataset/edit/{dataset['name']}", {"title": "ประมงน้ำจืด (แก้ไข)"},
                       form={"id": "dataset-edit"}, button=("save", None), status=200)
        edited = call_action("package_show", id=dataset["id"])
        assert edited["title"] == "ประมงน้ำจืด (แก้ไข)"  # the edit was saved
        assert _provenance(edited) == recorded

    def test_package_update_without_extras_keeps_it(self, harvested_dataset):
        remote, source, dataset = harvested_dataset
        recorded = _check_recorded(dataset)
        data = {k: v for k, v in dataset.items() if k != "extras"}
        data["notes"] = "คำอธิบายของผู้ดูแล"
        curator = factories.Sysadmin()
        call_action("package_update", {"user": curator["name"]}, **data)
        edited = call_action("package_show", id=dataset["id"])
        assert edited["notes"] == "คำอธิบายของผู้ดูแล"
        assert _provenance(edited) == recorded
        # an update that names one decides: a curator may remove it on purpose
        data["extras"] = [{"key": "harvest_unmapped", "value": "", "deleted": True}]
        call_action("package_update", {"user": curator["name"]}, **data)
        edited = call_action("package_show", id=dataset["id"])
        assert set(_provenance(edited)) == {"harvest_derived", "harvest_defaulted"}

    def test_the_harvester_still_owns_the_edited_dataset(self, harvested_dataset):
        remote, source, dataset = harvested_dataset
        data = {k: v for k, v in dataset.items() if k != "extras"}
        data["title"] = "ชื่อของผู้ดูแล"
        call_action("package_update", {"user": factories.Sysadmin()["name"]}, **data)
        activities = activity_count()
        # unchanged at the source: nothing written, the curator's title stays
        job, results = run(source)
        assert results == {}
        assert activity_count() == activities
        assert call_action("package_show", id=dataset["id"])["title"] == "ชื่อของผู้ดูแล"
        # changed at the source, custom_field gone: the same dataset is updated (no
        # second one, no name clash) and the record decides the provenance
        remote.packages[0]["notes"] = "คำอธิบายใหม่จากต้นทาง"
        del remote.packages[0]["custom_field"]
        job, results = run(source)
        assert [r["report_status"] for r in results.values()] == ["updated"]
        (again,) = harvested(source["id"]).values()
        assert again["id"] == dataset["id"] and again["name"] == dataset["name"]
        assert again["notes"] == "คำอธิบายใหม่จากต้นทาง"
        assert "custom_field" not in json.loads(_provenance(again)["harvest_unmapped"])
