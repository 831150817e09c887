"""The shared harvest pipeline, through the CKAN source: a remote CKAN served on loopback,
real ckanext-harvest sources, jobs, objects and stages."""
import copy
import datetime

import ckan.model as model
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from tests.harvest.ckan_server import RemoteCKAN, gdc_package
from tests.harvest.pipeline_helpers import (  # noqa: F401 (clean_db: fixture)
    HARVEST_PLUGINS,
    activity_count,
    clean_db,
    create_source,
    harvest_object_count,
    harvested,
    run,
)

pytestmark = [pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]


def three_packages():
    return [
        gdc_package("durian-chanthaburi", "ผลผลิตทุเรียน จังหวัดจันทบุรี"),
        gdc_package("rice-lopburi", "Rice production, Lop Buri province",
                    license_id="cc-by"),
        gdc_package("fisheries", "สถิติการประมง"),
    ]


@pytest.fixture
def org():
    return factories.Organization(name="agri-office", title="สำนักงานเกษตรจังหวัด")


@pytest.fixture
def remote():
    with RemoteCKAN(three_packages()) as server:
        yield server


def _source(remote, org, **config):
    config.setdefault("default_provinces", ["TH-13"])
    config.setdefault("receiving_organization", org["name"])
    return create_source(remote.url, config, owner_org=org["id"])


def _modified(datasets):
    return {guid: d["metadata_modified"] for guid, d in datasets.items()}


class TestFirstAndRepeatedRuns:
    def test_first_run_imports_with_provinces_licence_and_resources(self, remote, org):
        source = _source(remote, org)
        job, results = run(source)
        assert job.status == "Finished"
        assert sorted(r["report_status"] for r in results.values()) == ["added"] * 3
        datasets = harvested(source["id"])
        by_name = {d["name"]: d for d in datasets.values()}
        assert set(by_name) == {"durian-chanthaburi", "rice-lopburi", "fisheries"}
        assert by_name["durian-chanthaburi"]["province"] == ["TH-22"]
        assert by_name["rice-lopburi"]["province"] == ["TH-16"]
        assert by_name["fisheries"]["province"] == ["TH-13"]  # the source's default
        assert by_name["rice-lopburi"]["license_id"] == "Creative Commons Attributions"
        assert all(d["owner_org"] == org["id"] for d in datasets.values())
        durian = by_name["durian-chanthaburi"]
        assert durian["resources"][0]["url"].endswith("/durian-chanthaburi/data.csv")
        # never the remote ids: local ids are the site's own
        remote_ids = {p["id"] for p in remote.packages}
        assert not remote_ids & {d["id"] for d in datasets.values()}

    def test_harvested_datasets_are_listed_under_their_source(self, remote, org):
        # ckanext-harvest lists a source's datasets (its source page, the API) by
        # searching harvest_source_id, which it adds when the dataset is indexed: the
        # dataset must be linked to its harvest object when it is indexed (on creation)
        source = _source(remote, org)
        run(source)
        found = call_action("package_search", fq=f'+harvest_source_id:"{source["id"]}"',
                            rows=10)
        assert found["count"] == 3
        assert {d["name"] for d in found["results"]} == {
            "durian-chanthaburi", "rice-lopburi", "fisheries"}
        for dataset in found["results"]:
            extras = {e["key"]: e["value"] for e in dataset.get("extras") or []}
            assert extras["harvest_source_id"] == source["id"], extras
            assert extras["harvest_source_title"] == "แหล่งข้อมูลทดสอบ"

    def test_unchanged_run_writes_nothing(self, remote, org):
        source = _source(remote, org)
        run(source)
        before = _modified(harvested(source["id"]))
        activities, objects = activity_count(), harvest_object_count(source["id"])
        job, results = run(source)
        assert job.status == "Finished"
        assert results == {}  # nothing to fetch or import
        assert _modified(harvested(source["id"])) == before
        assert activity_count() == activities
        assert harvest_object_count(source["id"]) == objects
        progress = call_action("provincialstats_harvest_progress", id=source["id"])
        assert (progress["done"], progress["total"], progress["unchanged_at_gather"]) == (
            3, 3, 3)

    def test_changed_record_updated_in_place_keeping_resource_ids(self, remote, org):
        source = _source(remote, org)
        run(source)
        before = harvested(source["id"])
        activities = activity_count()
        changed = remote.packages[1]
        changed["notes"] = "ปรับปรุงคำอธิบาย: ผลผลิตข้าวนาปีรายอำเภอ"
        changed["resources"].append({"id": "remote-new", "name": "แผนภูมิ",
                                     "url": "https://data.example.go.th/chart.png",
                                     "format": "PNG"})
        job, results = run(source)
        assert [r["report_status"] for r in results.values()] == ["updated"]
        after = harvested(source["id"])
        assert set(after) == set(before)
        for guid in before:
            if guid == changed["id"]:
                assert after[guid]["notes"] == changed["notes"]
                assert after[guid]["id"] == before[guid]["id"]
                assert after[guid]["name"] == before[guid]["name"]
                old_ids = [r["id"] for r in before[guid]["resources"]]
                new_ids = [r["id"] for r in after[guid]["resources"]]
                assert new_ids[0] == old_ids[0]  # same URL: same resource
                assert len(new_ids) == 2 and "remote-new" not in new_ids
            else:
                assert after[guid]["metadata_modified"] == before[guid]["metadata_modified"]
        assert activity_count() == activities + 1

    def test_a_record_twice_in_one_run_is_imported_once(self, remote, org):
        remote.packages.append(copy.deepcopy(remote.packages[0]))
        source = _source(remote, org)
        job, results = run(source)
        assert len(results) == 3
        assert len(harvested(source["id"])) == 3
        progress = call_action("provincialstats_harvest_progress", id=source["id"])
        assert progress["duplicates"] == 1

    def test_an_object_delivered_twice_is_imported_once(self, remote, org):
        # ckanext-harvest's harvest_jobs_run re-sends WAITING objects a consumer already
        # took: the second delivery must not create a second dataset
        import ckan.plugins as p
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob
        source = _source(remote, org)
        job_dict = call_action("harvest_job_create", {"ignore_auth": True},
                               source_id=source["id"], run=False)
        job = HarvestJob.get(job_dict["id"])
        harvester = p.get_plugin("provincialstats_ckan")
        ids = queue.gather_stage(harvester, job)
        assert len(ids) == 3
        for _ in range(2):
            for obj_id in ids:
                queue.fetch_and_import_stages(harvester, HarvestObject.get(obj_id))
        datasets = model.Session.query(model.Package).filter(
            model.Package.type == "dataset").count()
        assert datasets == 3
        assert all(HarvestObject.get(i).current for i in ids)

    def test_paging_reads_every_page(self, remote, org):
        remote.packages = [gdc_package(f"series-{i}", f"สถิติชุดที่ {i}") for i in range(7)]
        source = _source(remote, org)
        with pytest.MonkeyPatch.context() as mp:
            from ckan.plugins import toolkit as tk
            mp.setitem(tk.config, "ckanext.provincialstats.harvest.page_size", 3)
            run(source)
        assert len(harvested(source["id"])) == 7
        assert sum("package_search" in r for r in remote.requests) == 3


class TestWithdrawal:
    def _age_missing(self, guid, days):
        obj = model.Session.query(HarvestObject).filter_by(guid=guid, current=True).one()
        extra = model.Session.query(HarvestObjectExtra).filter_by(
            harvest_object_id=obj.id, key="missing_since").one()
        extra.value = (datetime.datetime.utcnow() - datetime.timedelta(days=days)).isoformat()
        model.Session.commit()

    def test_withdrawn_after_grace_then_restored(self, remote, org):
        source = _source(remote, org, withdraw={"action": "private", "grace_days": 3})
        run(source)
        gone = remote.packages.pop(2)
        run(source)
        dataset = harvested(source["id"])[gone["id"]]
        assert dataset["private"] is False  # within the grace period
        self._age_missing(gone["id"], 4)
        run(source)
        dataset = harvested(source["id"])[gone["id"]]
        assert dataset["private"] is True and dataset["state"] == "active"
        others = [d for g, d in harvested(source["id"]).items() if g != gone["id"]]
        assert all(d["private"] is False for d in others)

        remote.packages.append(gone)
        run(source)
        restored = harvested(source["id"])[gone["id"]]
        assert restored["private"] is False
        assert restored["id"] == dataset["id"]

    def test_delete_policy_deletes_not_purges(self, remote, org):
        source = _source(remote, org, withdraw={"action": "delete", "grace_days": 0})
        run(source)
        gone = remote.packages.pop(0)
        run(source)
        dataset = harvested(source["id"])[gone["id"]]
        assert dataset["state"] == "deleted"
        remote.packages.append(gone)
        run(source)
        assert harvested(source["id"])[gone["id"]]["state"] == "active"

    def test_a_source_that_fails_midway_changes_nothing(self, remote, org):
        source = _source(remote, org, withdraw={"action": "private", "grace_days": 0})
        with pytest.MonkeyPatch.context() as mp:
            from ckan.plugins import toolkit as tk
            mp.setitem(tk.config, "ckanext.provincialstats.harvest.page_size", 2)
            run(source)
            before = _modified(harvested(source["id"]))
            remote.packages[0]["notes"] = "เปลี่ยนแล้ว"
            remote.broken_after = 2  # the second page is junk
            job, results = run(source)
        assert results == {}
        assert job.status == "Finished"
        assert _modified(harvested(source["id"])) == before
        assert all(not d["private"] for d in harvested(source["id"]).values())
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        assert errors["count"] == 1
        assert errors["results"][0]["stage"] == "Gather"
        assert "not a CKAN package_search result" in errors["results"][0]["message"]
        assert "ไม่มีการเปลี่ยนแปลง" in errors["results"][0]["message"]


class TestOwnership:
    def test_two_sources_with_the_same_dataset_name_both_survive(self, org):
        with RemoteCKAN([gdc_package("population", "ประชากร ชุดที่ 1")]) as one, \
                RemoteCKAN([gdc_package("population", "ประชากร ชุดที่ 2")]) as two:
            first = create_source(one.url, {"receiving_organization": org["name"]},
                                  name="ministry-a")
            second = create_source(two.url + "/catalog", {"receiving_organization": org["name"]},
                                   name="ministry-b")
            run(first)
            run(second)
            a = list(harvested(first["id"]).values())
            b = list(harvested(second["id"]).values())
        assert a[0]["name"] == "population"
        assert b[0]["name"] == "population-ministry-b"
        assert (a[0]["title"], b[0]["title"]) == ("ประชากร ชุดที่ 1", "ประชากร ชุดที่ 2")

    def test_a_name_taken_at_the_same_moment_is_not_an_error(self, org):
        # another consumer's dataset of that name is written but not yet committed when
        # this one writes under it: this one's INSERT waits, then breaks the unique
        # name; the record is imported under another name, not failed
        import threading

        import sqlalchemy as sa
        other = sa.create_engine(model.meta.engine.url)
        conn = other.connect()
        pending = conn.begin()
        conn.execute(sa.text("INSERT INTO package (id, name, type, state) "
                             "VALUES ('other-consumer', 'population', 'dataset', 'active')"))
        timer = threading.Timer(1.5, pending.commit)
        try:
            with RemoteCKAN([gdc_package("population", "ประชากร")]) as remote:
                source = create_source(remote.url, {"receiving_organization": org["name"]},
                                       name="ministry-b")
                timer.start()
                job, results = run(source)
                datasets = list(harvested(source["id"]).values())
        finally:
            timer.cancel()
            timer.join()
            conn.close()
            other.dispose()
        assert [r["report_status"] for r in results.values()] == ["added"]
        assert call_action("provincialstats_harvest_errors", id=source["id"])["count"] == 0
        assert datasets[0]["name"].startswith("population-ministry-b")
        assert datasets[0]["title"] == "ประชากร"

    def test_a_source_cannot_overwrite_a_curators_dataset(self, org):
        from tests.schemas.test_dataset import statistical
        curator = factories.User()
        call_action("organization_member_create", {"ignore_auth": True}, id=org["id"],
                    username=curator["name"], role="editor")
        mine = call_action("package_create", {"user": curator["name"]},
                           **statistical(owner_org=org["id"], title="ของผู้ดูแล"))
        # the remote record claims the curator's dataset's id and name
        intruder = gdc_package(mine["name"], "ชุดข้อมูลจากภายนอก", id=mine["id"])
        with RemoteCKAN([intruder]) as server:
            source = create_source(server.url, {"receiving_organization": org["name"]})
            run(source)
            server.packages[0]["title"] = "ชุดข้อมูลจากภายนอก (แก้ไข)"
            run(source)
        after = call_action("package_show", id=mine["id"])
        assert after["title"] == "ของผู้ดูแล"
        assert after["metadata_modified"] == mine["metadata_modified"]
        harvested_one = list(harvested(source["id"]).values())[0]
        assert harvested_one["id"] != mine["id"]
        assert harvested_one["name"] != mine["name"]
        assert harvested_one["title"] == "ชุดข้อมูลจากภายนอก (แก้ไข)"


    def test_a_dataset_deleted_by_a_curator_stays_deleted(self, remote, org):
        source = _source(remote, org)
        run(source)
        target = harvested(source["id"])[remote.packages[0]["id"]]
        call_action("package_delete", {"user": factories.Sysadmin()["name"]},
                    id=target["id"])
        remote.packages[0]["notes"] = "แก้ที่ต้นทาง"
        job, results = run(source)
        assert results == {}
        assert call_action("package_show", id=target["id"])["state"] == "deleted"
        names = [n for (n,) in model.Session.query(model.Package.name).filter(
            model.Package.type == "dataset", model.Package.state == "active")]
        assert len(names) == 2


class TestErrors:
    def test_one_malformed_record_among_good_ones(self, remote, org, app):
        bad = gdc_package("broken", "ข้อมูลเสีย", maintainer_email="not-an-email",
                          maintainer=None, data_type=None, notes=None)
        remote.packages.insert(1, bad)
        source = _source(remote, org)
        job, results = run(source)
        assert len(harvested(source["id"])) == 3
        assert results[bad["id"]]["state"] == "ERROR"
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        assert errors["count"] == 1
        row = errors["results"][0]
        assert row["guid"] == bad["id"] and row["stage"] == "Import"
        assert "the dataset was refused by validation" in row["message"]
        assert "ระบบไม่รับชุดข้อมูล" in row["message"]
        assert "data_type" in row["message"]

        response = app.get(f"/harvest/{source['id']}/errors.csv")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        lines = text.lstrip("\ufeff").splitlines()
        assert lines[0].split(",")[:4] == ["job_id", "created", "stage", "guid"]
        assert len(lines) == 2 and bad["id"] in lines[1]

        admin = factories.SysadminWithToken()
        page = app.get(f"/harvest/admin/{source['name']}",
                       headers={"Authorization": admin["token"]})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "4 of 4 records done" in html
        assert bad["id"] in html and "ระบบไม่รับชุดข้อมูล" in html
        assert f"/harvest/{source['id']}/errors.csv" in html

    def test_errors_are_all_listed_in_pages(self, org):
        bad = [gdc_package(f"bad-{i}", f"เสีย {i}", data_type="ไม่มีประเภทนี้")
               for i in range(25)]
        with RemoteCKAN(bad) as server:
            source = create_source(server.url, {"receiving_organization": org["name"]})
            run(source)
        first = call_action("provincialstats_harvest_errors", id=source["id"], limit=20)
        rest = call_action("provincialstats_harvest_errors", id=source["id"], limit=20,
                           offset=20)
        assert first["count"] == 25
        guids = {r["guid"] for r in first["results"] + rest["results"]}
        assert guids == {p["id"] for p in bad}

    def test_failed_records_are_tried_again_next_run(self, remote, org):
        remote.packages[0]["data_type"] = "ไม่มีประเภทนี้"
        source = _source(remote, org)
        run(source)
        assert len(harvested(source["id"])) == 2
        remote.packages[0]["data_type"] = "ข้อมูลสถิติ"
        job, results = run(source)
        assert [r["report_status"] for r in results.values()] == ["added"]
        assert len(harvested(source["id"])) == 3


class TestUpkeep:
    def test_old_harvest_objects_are_pruned_keeping_the_current_ones(self, remote, org):
        source = _source(remote, org)
        for n in range(4):
            remote.packages[0]["notes"] = f"รอบที่ {n}"
            run(source)
        # keep_jobs = 2: the current objects plus the objects of the last two jobs
        objects = model.Session.query(HarvestObject).filter_by(
            harvest_source_id=source["id"]).all()
        current = [o for o in objects if o.current]
        assert len(current) == 3
        assert len(objects) <= 3 + 1
        assert len(harvested(source["id"])) == 3

    def test_prune_and_check_commands(self, remote, org):
        from click.testing import CliRunner

        from ckanext.provincialstats.harvest.cli import harvest_check, harvest_prune
        cli = CliRunner()
        source = _source(remote, org)
        for n in range(3):
            remote.packages[0]["notes"] = f"รอบที่ {n}"
            run(source)
        result = cli.invoke(harvest_prune, ["--keep-jobs", "1"])
        assert result.exit_code == 0, result.output
        assert "Pruned 1 harvest object(s) of 1 source(s)." in result.output
        assert harvest_object_count(source["id"]) == 3  # the current ones
        result = cli.invoke(harvest_check, [])
        assert result.exit_code == 0, result.output
        assert "0 stalled job(s)" in result.output

    @pytest.mark.ckan_config("ckanext.provincialstats.harvest.stalled_minutes", "5")
    def test_harvester_run_finds_a_stalled_job_within_minutes(self, remote, org, app):
        """``ckan harvester run`` (cron, every few minutes) marks a job with no progress
        for the configured minutes finished, with a reason on the API and the source
        page; a job that moved within them is left running."""
        from ckanext.harvest.model import HarvestJob
        from ckanext.harvest.utils import run_harvester

        source = _source(remote, org)
        now = datetime.datetime.utcnow()

        def running_job(source_id, minutes_ago):
            job = call_action("harvest_job_create", {"ignore_auth": True},
                              source_id=source_id, run=False)
            obj = HarvestJob.get(job["id"])
            obj.status = "Running"
            obj.created = obj.gather_started = now - datetime.timedelta(minutes=minutes_ago)
            obj.save()
            # an object a fetch consumer never finished (the consumer died)
            waiting = HarvestObject(guid=f"waiting-{minutes_ago}", job=obj,
                                    harvest_source_id=source_id, state="WAITING",
                                    gathered=obj.created, content="{}")
            waiting.save()
            return obj.id, waiting.id

        stalled_job, stalled_object = running_job(source["id"], 6)
        other = create_source(remote.url + "/other", {"receiving_organization": org["name"]},
                              owner_org=org["id"], name="other-source")
        alive_job, _ = running_job(other["id"], 4)

        run_harvester()  # what `ckan harvester run` does
        model.Session.remove()

        assert HarvestJob.get(stalled_job).status == "Finished"
        assert HarvestObject.get(stalled_object).state == "ERROR"
        assert HarvestJob.get(alive_job).status == "Running"
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        message = errors["results"][0]["message"]
        assert "the harvest job stalled: no progress for 5 minutes" in message
        assert "งานเก็บเกี่ยวหยุดนิ่ง" in message
        admin = factories.SysadminWithToken()
        page = app.get(f"/harvest/admin/{source['name']}",
                       headers={"Authorization": admin["token"]})
        assert "no progress for 5 minutes" in page.get_data(as_text=True)

    def test_a_stalled_job_is_marked_finished(self, remote, org):
        from ckanext.harvest.model import HarvestJob

        from ckanext.provincialstats.harvest.progress import mark_stalled_jobs
        source = _source(remote, org)
        job = call_action("harvest_job_create", {"ignore_auth": True},
                          source_id=source["id"], run=False)
        obj = HarvestJob.get(job["id"])
        obj.status = "Running"
        obj.created = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        obj.save()
        assert mark_stalled_jobs(30) == []
        assert mark_stalled_jobs(15) == [job["id"]]
        model.Session.remove()
        assert HarvestJob.get(job["id"]).status == "Finished"
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        assert "stalled" in errors["results"][0]["message"]
