"""The national GD Catalog harvests agency catalogues with ckanext-harvest's stock CKAN
harvester (`ckan`) onto a site with the same GD Catalog dataset schema.  Harvesting this
catalogue that way must bring every GD Catalog field of a public dataset, and of its
resources, across unchanged: no mapping on the national side.

The stock harvester talks to this catalogue's real action API (``package_search``,
answered by the test app with the PostgreSQL search backend); gather runs against the
published datasets, then they are purged and the harvester's fetch and import stages
create them again from what the API said, through the dataset schema's validation.  The
field list is the GD Catalog schema's own (``../shared/reference/thai-gdc``)."""
import json
import os
from urllib.parse import urlsplit

import ckan.model as model
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action
from ckanext.harvest import queue
from ckanext.harvest.harvesters.ckanharvester import CKANHarvester
from ckanext.harvest.tests.factories import HarvestJobObj, HarvestSourceObj

from tests.dcat import datasets
from tests.logic.helpers import PLUGINS

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "reference",
                         "thai-gdc", "ckan_dataset_v2.2.4.json")
# provincial fields the national catalogue also receives (same names on both sides)
PROVINCIAL = ["province", "strategic_issue", "stat_sector"]


def gd_catalog_fields():
    if not os.path.exists(REFERENCE):
        pytest.skip("the GD Catalog schema is not in ../shared/reference")
    with open(REFERENCE, encoding="utf-8") as stream:
        schema = json.load(stream)
    dataset = [f["field_name"] for f in schema["dataset_fields"]
               if f["field_name"] not in ("tag_string",)]  # compared as tags below
    return dataset, [f["field_name"] for f in schema["resource_fields"]]


def comparable(value):
    if isinstance(value, list):
        return sorted(json.dumps(v, sort_keys=True) if isinstance(v, dict) else str(v)
                      for v in value)
    return None if value in (None, "", []) else str(value)


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    reset_db()
    migrate_db_for("harvest")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " harvest ckan_harvester")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_stock_ckan_harvester_gets_every_gd_catalog_field_unchanged(app, monkeypatch):
    dataset_fields, resource_fields = gd_catalog_fields()
    published = [call_action("package_show", id=d["id"])
                 for d in datasets.create_rich_catalogue()]
    assert all(d["allow_harvest"] == "True" for d in published)

    def from_this_catalogue(self, url):  # the stock harvester's HTTP GET
        parts = urlsplit(url)
        response = app.get(parts.path + ("?" + parts.query if parts.query else ""),
                           status=200)
        return response.body

    monkeypatch.setattr(CKANHarvester, "_get_content", from_this_catalogue)
    # the agency's organization exists on the national side under the same name
    config = {"api_version": 3, "remote_orgs": "only_local"}
    source = HarvestSourceObj(url="http://provincial-catalogue.example/",
                              config=json.dumps(config), source_type="ckan")
    job = HarvestJobObj(source=source, run=False)
    job.status = "Running"
    job.save()
    harvester = CKANHarvester()
    object_ids = queue.gather_stage(harvester, job)
    assert len(object_ids) == len(published)

    for dataset in published:  # the national side starts without them
        call_action("dataset_purge", id=dataset["id"])
    model.Session.remove()

    errors = []
    for object_id in object_ids:
        harvest_object = model.Session.query(queue.HarvestObject).get(object_id)
        queue.fetch_and_import_stages(harvester, harvest_object)
        errors.extend(e.message for e in harvest_object.errors)
    assert not errors, errors

    wrong = []
    for original in published:
        harvested = tk.get_action("package_show")({"ignore_auth": True},
                                                  {"id": original["id"]})
        for field in dataset_fields + PROVINCIAL:  # owner_org included
            if comparable(harvested.get(field)) != comparable(original.get(field)):
                wrong.append("%s.%s: published %r, harvested %r" % (
                    original["name"], field, original.get(field), harvested.get(field)))
        if sorted(t["name"] for t in harvested["tags"]) != sorted(
                t["name"] for t in original["tags"]):
            wrong.append("%s.tags" % original["name"])
        by_url = {r["url"]: r for r in harvested["resources"]}
        for resource in original["resources"]:
            got = by_url.get(resource["url"])
            if got is None:
                wrong.append("%s: resource %s missing" % (original["name"], resource["url"]))
                continue
            for field in resource_fields:
                if comparable(got.get(field)) != comparable(resource.get(field)):
                    wrong.append("%s resource %s.%s: published %r, harvested %r" % (
                        original["name"], resource["url"], field, resource.get(field),
                        got.get(field)))
    assert not wrong, "\n".join(wrong)
