"""The quality score: MQA dimensions from the dataset dict, URL checks from the
background job's stored results, the provincial dimension."""
import datetime
import http.server
import threading

import pytest
from ckan.tests.helpers import call_action

from ckanext.provincialstats.quality import jobs, score
from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical

ANON = {"user": "", "ignore_auth": False}


def _checks(result, dimension):
    return {c["name"]: c for c in result["dimensions"][dimension]["checks"]}


def test_mqa_dimensions_add_up_to_405_and_an_empty_dataset_is_bad():
    empty = score.score_dataset({"id": "x", "name": "x", "resources": []},
                                checks={}, charted=False)
    maxima = {n: d["max"] for n, d in empty["dimensions"].items()}
    assert maxima == {"findability": 100, "accessibility": 100, "interoperability": 110,
                      "reusability": 75, "contextuality": 20, "provincial": 100}
    assert empty["max"] == 405
    assert empty["total"] == 0 and empty["rating"] == "bad"
    assert empty["dimensions"]["provincial"]["in_total"] is False


def test_resource_checks_score_in_proportion_and_unchecked_urls_score_nothing():
    pkg = {"id": "d", "name": "d", "resources": [
        {"id": "r1", "url": "https://example.org/a.csv", "format": "CSV"},
        {"id": "r2", "url": "https://example.org/page", "format": "PDF"},
    ]}
    unchecked = score.score_dataset(pkg, checks={}, charted=False)
    access = _checks(unchecked, "accessibility")
    assert access["access_url_accessible"] == {
        "name": "access_url_accessible", "score": 0, "max": 50, "status": "not_checked"}
    assert access["download_url"]["score"] == 10  # one of two has a file URL
    interop = _checks(unchecked, "interoperability")
    assert interop["machine_readable"]["score"] == 10  # CSV yes, PDF no
    assert interop["non_proprietary"]["score"] == 20
    checked = score.score_dataset(pkg, charted=False, checks={
        "r1": {"https://example.org/a.csv": {"ok": True, "media_type": "text/csv",
                                             "byte_size": 10}},
        "r2": {"https://example.org/page": {"ok": False, "media_type": None,
                                            "byte_size": None}}})
    access = _checks(checked, "accessibility")
    assert access["access_url_accessible"]["score"] == 25
    assert access["access_url_accessible"]["status"] == "partial"
    assert access["download_url_accessible"]["score"] == 30  # the one download URL works
    assert _checks(checked, "interoperability")["media_type"]["score"] == 5


class _Server(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path.endswith(".csv") else 404)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", "42")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()


def _rice(editor, org, url, **extra):
    data = statistical(owner_org=org, province=["TH-22"], first_year_of_data="2560",
                       last_year_of_data="2566", resources=[
                           {"name": "ข้อมูล", "url": url, "format": "CSV"}])
    data.update(extra)
    return call_action("package_create", {"user": editor, "ignore_auth": False}, **data)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "url_check_table")
class TestStoredChecks:
    def test_private_address_is_not_fetched(self, local_server):
        pilot = pilot_provinces(all_provinces=False)
        pkg = _rice(pilot["TH-22"]["editor"], pilot["TH-22"]["org"],
                    local_server + "/rice.csv")
        before = call_action("provincialstats_quality_show", dict(ANON), id=pkg["name"])
        assert _checks(before, "accessibility")["access_url_accessible"]["status"] == \
            "not_checked"
        assert jobs.check_dataset_urls(pkg["id"]) == 1
        after = call_action("provincialstats_quality_show", dict(ANON), id=pkg["name"])
        access = _checks(after, "accessibility")["access_url_accessible"]
        assert access["status"] == "failed" and access["score"] == 0

    @pytest.mark.ckan_config("ckanext.provincialstats.datastore.allow_private_urls", "true")
    def test_job_results_feed_the_score(self, local_server):
        pilot = pilot_provinces(all_provinces=False)
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        good = _rice(editor, org, local_server + "/rice.csv")
        broken = _rice(editor, org, local_server + "/gone.txt", name="gone")
        jobs.check_dataset_urls(good["id"])
        jobs.check_dataset_urls(broken["id"])
        result = call_action("provincialstats_quality_show", dict(ANON), id=good["name"])
        access = _checks(result, "accessibility")
        assert access["access_url_accessible"]["score"] == 50
        assert access["download_url_accessible"]["score"] == 30
        assert _checks(result, "interoperability")["media_type"]["score"] == 10
        assert _checks(result, "contextuality")["file_size"]["score"] == 5
        gone = call_action("provincialstats_quality_show", dict(ANON), id="gone")
        assert _checks(gone, "accessibility")["access_url_accessible"]["score"] == 0
        assert result["total"] > gone["total"]

    def test_provincial_dimension(self):
        pilot = pilot_provinces(all_provinces=False)
        editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
        issue = strategic_issue("TH-22", 1)["name"]
        today = datetime.date.today().isoformat()
        linked = _rice(editor, org, "https://example.org/rice.csv",
                       last_updated_date=today)
        stale = _rice(editor, org, "https://example.org/old.csv", name="stale",
                      first_year_of_data="2565", last_year_of_data="2566",
                      last_updated_date="2019-01-01")
        call_action("package_create", {"user": editor, "ignore_auth": False},
                    type="stats_chart", name="chart-22", title="ผังสถิติ",
                    province="TH-22", plan_period="2566-2570", owner_org=org,
                    chart_items=[{"strategic_issue": issue, "indicator": "ผลผลิต",
                                  "statistic": "ผลผลิตข้าว", "availability": "as_is",
                                  "dataset": linked["name"]}])
        good = _checks(call_action("provincialstats_quality_show", dict(ANON),
                                   id=linked["name"]), "provincial")
        assert {n: c["score"] for n, c in good.items()} == {
            "time_series_3_years": 40, "up_to_date": 30, "in_official_statistics_chart": 30}
        bad = _checks(call_action("provincialstats_quality_show", dict(ANON),
                                  id=stale["name"]), "provincial")
        assert {n: c["score"] for n, c in bad.items()} == {
            "time_series_3_years": 0, "up_to_date": 0, "in_official_statistics_chart": 0}

    def test_summary_per_organization_counts_what_the_caller_sees(self):
        pilot = pilot_provinces(all_provinces=False)
        _rice(pilot["TH-22"]["editor"], pilot["TH-22"]["org"], "https://example.org/a.csv")
        _rice(pilot["TH-22"]["editor"], pilot["TH-22"]["org"], "https://example.org/b.csv",
              name="private-one", private=True)
        _rice(pilot["TH-13"]["editor"], pilot["TH-13"]["org"], "https://example.org/c.csv",
              name="pathum", province=["TH-13"])
        public = call_action("provincialstats_quality_summary", dict(ANON), by="organization")
        assert public["count"] == 2
        assert {g["key"]: g["count"] for g in public["groups"]} == {
            pilot["TH-22"]["org"]: 1, pilot["TH-13"]["org"]: 1}
        member = call_action("provincialstats_quality_summary",
                             {"user": pilot["TH-22"]["editor"], "ignore_auth": False},
                             province="TH-22")
        assert member["count"] == 2
        assert member["max"] == 405
        assert 0 < member["mean_total"] <= 405
        assert sum(member["ratings"].values()) == 2

    def test_check_action_queues_a_job_for_editors_only(self):
        import ckan.plugins.toolkit as tk
        from ckan.lib import jobs as ckan_jobs
        pilot = pilot_provinces(all_provinces=False)
        pkg = _rice(pilot["TH-22"]["editor"], pilot["TH-22"]["org"],
                    "https://example.org/a.csv")
        with pytest.raises(tk.NotAuthorized):
            call_action("provincialstats_quality_check", dict(ANON), id=pkg["id"])
        queued = call_action("provincialstats_quality_check",
                             {"user": pilot["TH-22"]["editor"], "ignore_auth": False},
                             id=pkg["name"])
        job = ckan_jobs.job_from_id(queued["job_id"])
        assert job.args == [pkg["id"]]
        assert job.timeout == 600
        job.delete()


def _queued_for(package_id):
    from ckan.lib import jobs as ckan_jobs
    return [j for j in ckan_jobs.get_queue().jobs
            if j.func_name.endswith("check_dataset_urls") and j.args == [package_id]]


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "url_check_table")
class TestCheckOnUpdate:
    def test_new_urls_queue_a_check_and_metadata_edits_do_not(self):
        pilot = pilot_provinces(all_provinces=False)
        editor = pilot["TH-22"]["editor"]
        pkg = _rice(editor, pilot["TH-22"]["org"], "https://example.org/rice.csv")
        try:
            assert len(_queued_for(pkg["id"])) == 1
            jobs.check_dataset_urls(pkg["id"])  # as the worker would (the URL fails here)
            call_action("package_patch", {"user": editor, "ignore_auth": False},
                        id=pkg["id"], notes="แก้คำอธิบาย")
            assert len(_queued_for(pkg["id"])) == 1
            call_action("resource_patch", {"user": editor, "ignore_auth": False},
                        id=pkg["resources"][0]["id"], url="https://example.org/new.csv")
            assert len(_queued_for(pkg["id"])) == 2
        finally:
            for job in _queued_for(pkg["id"]):
                job.delete()


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "url_check_table")
class TestCommand:
    def test_quality_check_queues_only_datasets_not_checked_lately(self, cli):
        from ckanext.provincialstats.cli import get_commands
        [group] = get_commands()
        pilot = pilot_provinces(all_provinces=False)
        pkg = _rice(pilot["TH-22"]["editor"], pilot["TH-22"]["org"],
                    "https://example.org/rice.csv")
        for job in _queued_for(pkg["id"]):
            job.delete()

        def run(*args):
            result = cli.invoke(group, ["quality-check", *args])
            assert result.exit_code == 0, result.output
            return result.output
        assert "1 dataset(s) seen, 1 to check (dry run)" in run("--dry-run")
        assert _queued_for(pkg["id"]) == []
        jobs.check_dataset_urls(pkg["id"])
        assert "1 dataset(s) seen, 0 to check" in run("--dry-run")
        assert "0 to check" in run("--dry-run", "--province", "TH-13")
        try:
            assert "1 check job(s) queued" in run("--older-than", "0")
            assert len(_queued_for(pkg["id"])) == 1
        finally:
            for job in _queued_for(pkg["id"]):
                job.delete()


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestWithoutTheTable:
    def test_writes_work_and_urls_read_as_not_checked(self):
        """Before `ckan db upgrade -p provincialstats`: datasets are still saved (no
        job queued) and the score says not checked instead of failing."""
        from ckan import model
        model.Session.execute(model.sa.text(
            "DROP TABLE IF EXISTS provincialstats_url_check; "
            "DROP TABLE IF EXISTS provincialstats_alembic_version"))
        model.Session.commit()
        pilot = pilot_provinces(all_provinces=False)
        pkg = _rice(pilot["TH-22"]["editor"], pilot["TH-22"]["org"],
                    "https://example.org/rice.csv")
        queued = _queued_for(pkg["id"])
        for job in queued:
            job.delete()
        assert queued == []
        # saved AND indexed: the failed read of the missing table must not cost the
        # dataset its search index entry
        found = call_action("package_search", fq="name:%s" % pkg["name"])
        assert found["count"] == 1
        call_action("package_patch", {"ignore_auth": True}, id=pkg["id"], notes="ใหม่")
        found = call_action("package_search", q="name:%s" % pkg["name"])
        assert [d["notes"] for d in found["results"]] == ["ใหม่"]
        result = call_action("provincialstats_quality_show", dict(ANON), id=pkg["name"])
        assert _checks(result, "accessibility")["access_url_accessible"]["status"] == \
            "not_checked"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("ckanext.provincialstats.datastore.allow_private_urls", "true")
@pytest.mark.usefixtures("with_plugins", "url_check_table")
class TestThroughAWorker:
    def test_an_rq_worker_runs_the_queued_check(self, local_server):
        from ckan.lib import jobs as ckan_jobs
        pilot = pilot_provinces(all_provinces=False)
        pkg = _rice(pilot["TH-22"]["editor"], pilot["TH-22"]["org"],
                    local_server + "/rice.csv")
        for job in _queued_for(pkg["id"]):  # the one queued on create: run ours instead
            job.delete()
        queue = "provincialstats-quality-test"
        jobs.enqueue_dataset_check(pkg["id"], queue=queue)
        worker = ckan_jobs.Worker([queue])
        worker.execute_job = lambda *a, **k: worker.perform_job(*a, **k)  # no fork
        worker.work(burst=True)
        result = call_action("provincialstats_quality_show", dict(ANON), id=pkg["name"])
        assert _checks(result, "accessibility")["access_url_accessible"]["score"] == 50
