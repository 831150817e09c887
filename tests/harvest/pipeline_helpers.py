"""Set-up for the harvest pipeline tests: harvest sources created through
``harvest_source_create`` as a sysadmin would, jobs run through ckanext-harvest's own
stages in-process (``ckanext.harvest.tests.lib.run_harvest_job``: gather, then fetch and
import of every object, then ``harvest_jobs_run``), as the consumers would."""
import json

import ckan.model as model
import ckan.plugins as p
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.harvest.tests.lib import run_harvest_job

from tests.logic.helpers import PLUGINS

HARVEST_PLUGINS = ("activity " + PLUGINS
                   + " harvest provincialstats_ckan provincialstats_dcat provincialstats_sheet")


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's ``clean_db`` plus the activity and harvest tables (import it by name into a
    test module to use it there)."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")


def site_user():
    return call_action("get_site_user", {"ignore_auth": True})["name"]


def create_source(url, config=None, owner_org=None, name=None, kind="provincialstats_ckan",
                  user=None):
    user = user or factories.Sysadmin()["name"]
    data = {"url": url, "source_type": kind, "title": name or "แหล่งข้อมูลทดสอบ",
            "name": name or "test-source", "frequency": "MANUAL",
            "config": json.dumps(config, ensure_ascii=False) if config is not None else ""}
    if owner_org:
        data["owner_org"] = owner_org
    return call_action("harvest_source_create", {"user": user}, **data)


def run(source, kind="provincialstats_ckan"):
    """One harvest job of ``source``, all stages; returns (job, results by guid)."""
    job_dict = call_action("harvest_job_create", {"user": site_user()},
                           source_id=source["id"], run=False)
    job = HarvestJob.get(job_dict["id"])
    results = run_harvest_job(job, p.get_plugin(kind))
    model.Session.remove()
    return HarvestJob.get(job_dict["id"]), results


def harvested(source_id):
    """{guid: package dict} of the current datasets of a source."""
    out = {}
    objects = model.Session.query(HarvestObject).filter_by(harvest_source_id=source_id,
                                                            current=True)
    for obj in objects:
        out[obj.guid] = call_action("package_show", {"ignore_auth": True},
                                    id=obj.package_id)
    return out


def activity_count():
    from ckanext.activity.model import Activity
    return model.Session.query(Activity).count()


def harvest_object_count(source_id):
    return model.Session.query(HarvestObject).filter_by(harvest_source_id=source_id).count()
