"""The harvest objects' own states with fewer commits (``pipeline._defer_state_saves``):
each object still ends COMPLETE or ERROR with its report status and times, committed; a
consumer stopped in the middle of a record leaves that record unfinished (not COMPLETE,
no dataset), the records before it done, and the record is imported when delivered
again. Through ckanext-harvest's own ``fetch_and_import_stages``, as a fetch consumer."""
import ckan.model as model
import ckan.plugins as p
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.provincialstats.harvest import pipeline
from tests.harvest.ckan_server import RemoteCKAN, gdc_package
from tests.harvest.pipeline_helpers import (  # noqa: F401 (clean_db: fixture)
    HARVEST_PLUGINS,
    clean_db,
    create_source,
)

pytestmark = [pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]


class Stop(BaseException):
    """The consumer process stopped (not an error a stage could catch)."""


def _committed():
    """{guid: (state, report_status, current, package_id, fetch_finished,
    import_started, import_finished)} as committed, read on a connection of its own."""
    with model.meta.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT guid, state, report_status, current, package_id, fetch_finished, "
            "import_started, import_finished FROM harvest_object"))
        return {row[0]: tuple(row[1:]) for row in rows}


def _gathered(server, org):
    source = create_source(server.url, {"receiving_organization": org["name"]})
    job_dict = call_action("harvest_job_create", {"ignore_auth": True},
                           source_id=source["id"], run=False)
    harvester = p.get_plugin("provincialstats_ckan")
    ids = queue.gather_stage(harvester, HarvestJob.get(job_dict["id"]))
    model.Session.remove()
    return source, harvester, ids


def _consume(harvester, object_id):
    """What ``fetch_callback`` does with one object (its session removed after it)."""
    try:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    finally:
        model.Session.remove()


@pytest.fixture
def org():
    return factories.Organization(name="stat-office")


def test_final_states_and_report_committed_in_fewer_commits(org):
    packages = [gdc_package("rain", "ปริมาณน้ำฝน"),
                gdc_package("broken", "ข้อมูลเสีย", data_type="ไม่มีประเภทนี้")]
    commits = []

    def committed(session):
        commits.append(session)

    with RemoteCKAN(packages) as server:
        source, harvester, ids = _gathered(server, org)
        sa.event.listen(sa.orm.Session, "after_commit", committed)
        try:
            _consume(harvester, ids[0])
            per_record = len(commits)
            _consume(harvester, ids[1])
        finally:
            sa.event.remove(sa.orm.Session, "after_commit", committed)
    # the FETCH state, the dataset (with the object's IMPORT state and its being
    # current), the dataset's activity, the final state with the report: 4 commits,
    # where ckanext-harvest's own saves alone made 5 after the FETCH one
    assert per_record == 4
    states = _committed()
    good, bad = states[packages[0]["id"]], states[packages[1]["id"]]
    assert good[:3] == ("COMPLETE", "added", True) and good[3]
    assert all(good[4:]), "fetch finished, import started and finished are recorded"
    assert bad[:4] == ("ERROR", "errored", False, None)
    # the times of a record refused by validation survive the rollback of its write
    assert all(bad[4:])
    errors = call_action("provincialstats_harvest_errors", id=source["id"])
    assert [e["guid"] for e in errors["results"]] == [packages[1]["id"]]
    assert "data_type" in errors["results"][0]["message"]


def test_a_consumer_stopped_in_the_middle_of_a_record(org, monkeypatch):
    packages = [gdc_package(f"set-{i}", f"ชุดข้อมูล {i}") for i in range(3)]
    with RemoteCKAN(packages) as server:
        source, harvester, ids = _gathered(server, org)
        _consume(harvester, ids[0])

        real = pipeline._create

        def stopping(obj, *args):
            if obj.guid == packages[1]["id"]:
                raise Stop()
            return real(obj, *args)

        monkeypatch.setattr(pipeline, "_create", stopping)
        with pytest.raises(Stop):
            _consume(harvester, ids[1])
        states = _committed()
        assert states[packages[0]["id"]][:3] == ("COMPLETE", "added", True)
        # the stopped record: started, not finished, no dataset, not current
        assert states[packages[1]["id"]][0] == "FETCH"
        assert states[packages[1]["id"]][2:4] == (False, None)
        assert states[packages[2]["id"]][0] == "WAITING"
        progress = call_action("provincialstats_harvest_progress", id=source["id"])
        assert (progress["done"], progress["total"]) == (1, 3)

        monkeypatch.setattr(pipeline, "_create", real)
        for object_id in ids[1:]:  # delivered again, and the rest
            _consume(harvester, object_id)
    states = _committed()
    assert [states[pkg["id"]][:3] for pkg in packages] == [("COMPLETE", "added", True)] * 3
    names = {name for (name,) in model.Session.query(model.Package.name).filter(
        model.Package.type == "dataset")}
    assert names == {"set-0", "set-1", "set-2"}
    progress = call_action("provincialstats_harvest_progress", id=source["id"])
    assert (progress["done"], progress["total"]) == (3, 3)
