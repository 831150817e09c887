"""Harvest benchmark: stock ``ckan`` harvester vs ``provincialstats_ckan`` (prints
figures; not a test).

    .venv/bin/python bench/harvest_bench.py --datasets 200          # quick check
    .venv/bin/python bench/harvest_bench.py                         # 2,000 datasets

A real second CKAN is the source: the same virtualenv, its own database
(``ckan_hbench_src``), served by ``ckan run`` on another loopback port (``--port``),
holding ``--datasets`` GD Catalog datasets (Thai titles naming provinces, one CSV
resource each). The harvesting CKAN has its own database (``ckan_hbench_dst``), reset
for each harvester. Both databases are created when missing (as the ``postgres`` user,
through ``runuser``: run as root) and wiped at every run of the bench: never point them
at a database you care about.

For each harvester, three jobs run through the real queues (Redis db ``--redis-db``):
one gather consumer and ``--fetch-consumers`` fetch consumers (separate processes, like
``make run``), the job created with ``harvest_job_create`` and finished by
``harvest_jobs_run`` polled every 0.5 s:

1. first harvest of an empty catalogue: datasets/s;
2. the same again with nothing changed: time (and % of the first), datasets written
   (``metadata_modified`` moved), new activity rows, harvest objects created;
3. after ``--changed-percent`` of the source datasets were edited: the same figures.

Peak memory is the largest ``VmHWM`` (peak resident set) of the consumer processes,
read from ``/proc`` before they are stopped. The job time is ckanext-harvest's own
``finished - created`` of the job.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CKAN = os.path.join(ROOT, ".venv", "bin", "ckan")
PY = os.path.join(ROOT, ".venv", "bin", "python")
BASE = "activity provincialstats_search provincialstats scheming_datasets scheming_groups"
SRC_PLUGINS = BASE
DST_PLUGINS = BASE + " harvest ckan_harvester provincialstats_ckan"
DB_URL = "postgresql://ckan_default:pass@localhost/{}"
PROVINCES = [("จันทบุรี", "TH-22"), ("ลพบุรี", "TH-16"), ("ปทุมธานี", "TH-13"),
             ("Chiang Mai", "TH-50"), ("ขอนแก่น", "TH-40"), ("Songkhla", "TH-90")]
TOPICS = ["ผลผลิตทุเรียน", "ประชากรกลางปี", "ผู้ป่วยนอก", "ปริมาณน้ำฝน", "นักท่องเที่ยว",
          "แรงงานนอกระบบ", "อุบัติเหตุทางถนน", "ราคายางพารา"]


# ---------------------------------------------------------------- set-up

def _ini(path, db, plugins, redis_db, site_url):
    """A configuration for the bench from the project's test.ini."""
    with open(os.path.join(ROOT, "test.ini"), encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {DB_URL.format(db)}", text)
    text = re.sub(r"(?m)^ckan\.datastore\..*\n", "", text)
    text = re.sub(r"(?m)^ckan\.redis\.url = .*$",
                  f"ckan.redis.url = redis://localhost:6379/{redis_db}", text)
    text = re.sub(r"(?m)^ckan\.harvest\.mq\.redis_db = .*$",
                  f"ckan.harvest.mq.redis_db = {redis_db}", text)
    text = re.sub(r"(?m)^ckan\.plugins = .*$", f"ckan.plugins = {plugins}", text)
    text = re.sub(r"(?m)^ckan\.site_url = .*$", f"ckan.site_url = {site_url}", text)
    text = re.sub(r"(?m)^testing = .*$", "testing = false", text)
    text = re.sub(r"(?m)^WTF_CSRF_ENABLED = .*$", "WTF_CSRF_ENABLED = false", text)
    text = text.replace("[logger_ckan]\nqualname = ckan\nhandlers =\nlevel = INFO",
                        "[logger_ckan]\nqualname = ckan\nhandlers =\nlevel = WARN")
    text = text.replace("[logger_ckanext]\nqualname = ckanext\nhandlers =\nlevel = INFO",
                        "[logger_ckanext]\nqualname = ckanext\nhandlers =\nlevel = WARN")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def _ensure_db(name):
    exists = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-Atc",
         f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "psql", "-c",
             f"CREATE DATABASE {name} OWNER ckan_default ENCODING 'UTF8' "
             "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"],
            check=True, capture_output=True)


def _ckan(ini, *args, quiet=True):
    out = subprocess.run([CKAN, "-c", ini, *args], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"ckan {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def _fresh_db(ini):
    _ckan(ini, "db", "clean", "--yes")
    _ckan(ini, "db", "init")
    _ckan(ini, "db", "upgrade", "-p", "provincialstats_search")
    _ckan(ini, "provincialstats", "vocab", "load")


def _child(*args):
    out = subprocess.run([PY, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{args[0]} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _app(ini):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    return make_app(load_config(ini))


def _site_context():
    import ckan.plugins.toolkit as tk
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


# ---------------------------------------------------------------- children

def populate(ini, count):
    """The source catalogue: ``count`` GD Catalog datasets."""
    app = _app(ini)
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        context = _site_context()
        tk.get_action("organization_create")(dict(context), {
            "name": "source-agency", "title": "หน่วยงานต้นทาง"})
        started = time.time()
        for i in range(count):
            place, code = PROVINCES[i % len(PROVINCES)]
            topic = TOPICS[i % len(TOPICS)]
            tk.get_action("package_create")(dict(context), {
                "name": f"bench-{i:06d}", "title": f"{topic} จังหวัด{place} ชุดที่ {i}",
                "owner_org": "source-agency", "data_type": "ข้อมูลสถิติ",
                "maintainer": "กลุ่มสถิติ", "maintainer_email": "stat@example.go.th",
                "tag_string": "สถิติ,bench", "notes": f"{topic} รายปี จังหวัด{place}",
                "objective": ["พันธกิจหน่วยงาน"], "update_frequency_unit": "ปี",
                "update_frequency_interval": "1", "geo_coverage": "จังหวัด",
                "data_source": "สำนักงานสถิติจังหวัด", "data_format": ["CSV"],
                "data_category": "ข้อมูลสาธารณะ", "license_id": "Open Data Common",
                "province": [code], "first_year_of_data": "2560",
                "last_year_of_data": "2566",
                "resources": [{"name": "ตาราง", "format": "CSV",
                               "url": f"https://data.example.go.th/bench/{i}.csv"}],
            })
    print(json.dumps({"datasets": count, "seconds": time.time() - started}))


def change(ini, percent, round_):
    """Edit ``percent`` % of the source datasets (their description)."""
    app = _app(ini)
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        import ckan.plugins.toolkit as tk
        names = [n for (n,) in model.Session.query(model.Package.name)
                 .filter(model.Package.type == "dataset").order_by(model.Package.name)]
        step = max(1, round(100 / percent))
        chosen = names[::step]
        for name in chosen:
            tk.get_action("package_patch")(_site_context(), {
                "id": name, "notes": f"แก้ไขรอบที่ {round_}: {name}"})
    print(json.dumps({"changed": len(chosen)}))


def setup_target(ini, kind, source_url):
    app = _app(ini)
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        context = _site_context()
        tk.get_action("organization_create")(dict(context), {
            "name": "receiving-office", "title": "สำนักงานสถิติจังหวัด"})
        config = {"receiving_organization": "receiving-office"} if kind == "provincialstats_ckan" \
            else {}
        source = tk.get_action("harvest_source_create")(dict(context), {
            "name": f"bench-{kind}".replace("_", "-"), "title": f"bench {kind}",
            "url": source_url, "source_type": kind, "owner_org": "receiving-office",
            "frequency": "MANUAL", "config": json.dumps(config) if config else ""})
    print(json.dumps({"source_id": source["id"]}))


def _counts(model):
    from ckanext.activity.model import Activity
    from ckanext.harvest.model import HarvestObject
    sessions = model.Session.execute(model.sa.text(
        "SELECT sessions FROM pg_stat_database WHERE datname = current_database()")).scalar()
    return {
        "sessions": int(sessions or 0),
        "activities": model.Session.query(Activity).count(),
        "objects": model.Session.query(HarvestObject).count(),
        "datasets": model.Session.query(model.Package).filter(
            model.Package.type == "dataset", model.Package.state == "active").count(),
    }


def run_job(ini, source_id, timeout):
    """Create a job (sent to the gather queue), wait until harvest_jobs_run finishes it."""
    import datetime
    app = _app(ini)
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        import ckan.plugins.toolkit as tk
        from ckanext.harvest.model import HarvestJob, HarvestObject
        before = _counts(model)
        started = datetime.datetime.utcnow()
        job = tk.get_action("harvest_job_create")(_site_context(), {
            "source_id": source_id, "run": True})
        deadline = time.time() + timeout
        last_run = time.time()
        while True:
            time.sleep(0.5)
            model.Session.remove()
            obj = HarvestJob.get(job["id"])
            pending = model.Session.query(HarvestObject).filter(
                HarvestObject.harvest_job_id == obj.id,
                HarvestObject.state.notin_(["COMPLETE", "ERROR"])).count()
            # harvest_jobs_run as a cron would call it (each minute), and once the job
            # looks done (calling it more often re-sends objects a consumer already took)
            if (obj.gather_finished and not pending) or time.time() - last_run > 60:
                tk.get_action("harvest_jobs_run")(_site_context(), {"source_id": source_id})
                last_run = time.time()
                model.Session.remove()
                obj = HarvestJob.get(job["id"])
            if obj.status == "Finished" or time.time() > deadline:
                break
        after = _counts(model)
        written = model.Session.query(model.Package).filter(
            model.Package.type == "dataset",
            model.Package.metadata_modified >= started).count()
        statuses = dict(model.Session.query(HarvestObject.report_status,
                                            model.sa.func.count(HarvestObject.id))
                        .filter(HarvestObject.harvest_job_id == obj.id)
                        .group_by(HarvestObject.report_status).all())
        gather_errors = [e.message[:300] for e in obj.gather_errors]
        from ckanext.harvest.model import HarvestObjectError
        object_errors = [m[:200] for (m,) in model.Session.query(HarvestObjectError.message)
                         .join(HarvestObject).filter(HarvestObject.harvest_job_id == obj.id)
                         .distinct().limit(3)]
        finished = obj.finished or datetime.datetime.utcnow()
        print(json.dumps({
            "status": obj.status,
            "seconds": (finished - obj.created).total_seconds(),
            "written": written,
            "new_activities": after["activities"] - before["activities"],
            "new_objects": after["objects"] - before["objects"],
            # new PostgreSQL connections to the harvesting site's database during the
            # job (pg_stat_database.sessions): consumers, this poller, harvest_jobs_run
            "new_db_sessions": after["sessions"] - before["sessions"],
            "datasets": after["datasets"],
            "report": {str(k): v for k, v in statuses.items()},
            "gather_errors": gather_errors,
            "object_errors": object_errors,
        }))


# ---------------------------------------------------------------- orchestration

def _peak_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Consumers:
    def __init__(self, ini, fetchers, logdir):
        self.ini, self.fetchers, self.logdir = ini, fetchers, logdir
        self.procs = []

    def __enter__(self):
        kinds = ["gather-consumer"] + ["fetch-consumer"] * self.fetchers
        for n, kind in enumerate(kinds):
            log = open(os.path.join(self.logdir, f"{kind}-{n}.log"), "a")
            self.procs.append(subprocess.Popen([CKAN, "-c", self.ini, "harvester", kind],
                                               stdout=log, stderr=subprocess.STDOUT))
        time.sleep(4)  # CKAN start-up
        return self

    def peak_mb(self):
        return max(_peak_mb(p.pid) for p in self.procs)

    def __exit__(self, *exc):
        self.peak = self.peak_mb()
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _wait_http(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the source CKAN did not answer at {url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=2000,
                        help="datasets in the source CKAN (default 2000)")
    parser.add_argument("--changed-percent", type=float, default=5,
                        help="share of source datasets edited before the third run")
    parser.add_argument("--fetch-consumers", type=int, default=2,
                        help="fetch consumer processes (default 2: both cores)")
    parser.add_argument("--port", type=int, default=5091, help="port of the source CKAN")
    parser.add_argument("--redis-db", type=int, default=14, help="Redis db of the queues")
    parser.add_argument("--harvesters", default="ckan,provincialstats_ckan",
                        help="comma-separated harvester types to compare")
    parser.add_argument("--timeout", type=int, default=3600,
                        help="seconds to wait for one job")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="harvest-bench-")
    site = f"http://127.0.0.1:{args.port}"
    src_ini = _ini(os.path.join(workdir, "src.ini"), "ckan_hbench_src", SRC_PLUGINS,
                   args.redis_db, site)
    dst_ini = _ini(os.path.join(workdir, "dst.ini"), "ckan_hbench_dst", DST_PLUGINS,
                   args.redis_db, "http://127.0.0.1:5092")
    for db in ("ckan_hbench_src", "ckan_hbench_dst"):
        _ensure_db(db)
    print(f"work dir {workdir}; source CKAN {site}", flush=True)
    _fresh_db(src_ini)
    made = _child("--populate", src_ini, str(args.datasets))
    print(f"source: {made['datasets']} datasets created in {made['seconds']:.0f} s",
          flush=True)
    server_log = open(os.path.join(workdir, "source-server.log"), "w")
    server = subprocess.Popen([CKAN, "-c", src_ini, "run", "-H", "127.0.0.1", "-p",
                               str(args.port), "-t", "-r"],
                              stdout=server_log, stderr=subprocess.STDOUT)
    results = {}
    try:
        _wait_http(site + "/api/3/action/status_show")
        for round_, kind in enumerate(args.harvesters.split(",")):
            _fresh_db(dst_ini)
            _ckan(dst_ini, "harvester", "purge-queues")
            source_id = _child("--setup-target", dst_ini, kind, site)["source_id"]
            rows = []
            for phase in ("first", "unchanged", "changed"):
                if phase == "changed":
                    changed = _child("--change", src_ini, str(args.changed_percent),
                                     f"{round_}")["changed"]
                with Consumers(dst_ini, args.fetch_consumers, workdir) as consumers:
                    row = _child("--run-job", dst_ini, source_id, str(args.timeout))
                row["peak_mb"] = consumers.peak
                row["phase"] = phase
                if phase == "changed":
                    row["changed_at_source"] = changed
                rows.append(row)
                print(f"{kind} {phase}: {json.dumps(row, ensure_ascii=False)}", flush=True)
            results[kind] = rows
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    _report(results, args)


def _report(results, args):
    print(f"\nHarvest of a CKAN with {args.datasets} datasets, {args.fetch_consumers} fetch "
          f"consumer(s) + 1 gather consumer, {os.cpu_count()} cores")
    print(f"{'harvester':22} {'run':10} {'seconds':>8} {'ds/s':>7} {'% first':>8} "
          f"{'written':>8} {'activities':>10} {'objects':>8} {'datasets':>8} "
          f"{'peak MB':>8}  report")
    for kind, rows in results.items():
        first = rows[0]["seconds"] or 1
        for row in rows:
            rate = (args.datasets / row["seconds"]) if row["phase"] == "first" and \
                row["seconds"] else None
            print(f"{kind:22} {row['phase']:10} {row['seconds']:8.1f} "
                  f"{(f'{rate:.1f}' if rate else '-'):>7} "
                  f"{100 * row['seconds'] / first:7.0f}% {row['written']:8d} "
                  f"{row['new_activities']:10d} {row['new_objects']:8d} "
                  f"{row['datasets']:8d} {row['peak_mb']:8.0f}  {row['report']}")
            if row["gather_errors"]:
                print(f"{'':33} gather errors: {row['gather_errors']}")
            if row.get("object_errors"):
                print(f"{'':33} record errors (first kinds): {row['object_errors']}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--populate":
        populate(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--change":
        change(sys.argv[2], float(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) > 1 and sys.argv[1] == "--setup-target":
        setup_target(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) > 1 and sys.argv[1] == "--run-job":
        run_job(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
