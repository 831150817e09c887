"""`ckan provincialstats demo load` (run by `make run`) queues every demo CSV, and the
worker loads them with their Thai headers and types."""
import pytest
from ckan.tests.helpers import call_action

from ckanext.provincialstats.demo import content
from ckanext.provincialstats.demo.loader import load
from ckanext.provincialstats.vocab.loader import load_provinces
from tests.datastore.conftest import DS_PLUGINS


@pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_demo_csvs_are_in_the_datastore_after_the_demo_load(queue):
    load_provinces()
    load()
    expected = sum(len(ds["resources"]) for ds in content.DATASETS)
    assert len(queue) == expected == 4
    queue.run()
    rice = call_action("package_show", id="main-season-rice-chanthaburi")["resources"][0]
    assert rice["datastore_active"] is True
    result = call_action("datastore_search", resource_id=rice["id"],
                         filters={"ปี พ.ศ.": 2558})
    assert result["total"] == 1 and result["records"][0]["จังหวัด"] == "จันทบุรี"
    # A second demo load (every `make run`) queues nothing.
    load()
    assert queue == []


@pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_resource_create_puts_a_job_on_ckans_rq_queue(tmp_path, dataset, sysadmin):
    """Without the test queue: the real RQ queue gets a job the worker can run."""
    import ckan.lib.jobs as ckan_jobs

    from tests.datastore.conftest import upload
    queue = ckan_jobs.get_queue()
    queue.empty()
    path = tmp_path / "t.csv"
    path.write_text("จังหวัด,ค่า\nจันทบุรี,1\n", encoding="utf-8")
    resource = upload(dataset, path, sysadmin)
    mine = [j for j in queue.jobs if j.args == [resource["id"]]]
    assert len(mine) == 1
    assert mine[0].func_name == "ckanext.provincialstats.datastore.jobs.load_resource"
    mine[0].perform()  # what `ckan jobs worker` does with it
    queue.empty()
    assert call_action("datastore_search", resource_id=resource["id"])["total"] == 1


@pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_resources_made_before_the_loader_can_be_queued_once(queue):
    """An existing catalogue (demo loaded before this loader): enqueue_unloaded queues
    each table resource that was never queued, and only those."""
    from ckanext.provincialstats.datastore import jobs, status
    load_provinces()
    load()
    ids = [rid for rid, _ in queue]
    queue.clear()
    for rid in ids[1:]:
        ckan_model_status_delete(rid)
    assert sorted(jobs.enqueue_unloaded()) == sorted(ids[1:])
    assert status.get(ids[0])["state"] == "pending"


def ckan_model_status_delete(resource_id):
    import ckan.model as model

    from ckanext.provincialstats.datastore import status
    model.Session.query(model.TaskStatus).filter_by(
        entity_id=resource_id, task_type=status.TASK_TYPE).delete()
    model.Session.commit()
