"""Harvest benchmark: this extension's harvesters side by side with the stock ones
(prints figures; not a test).

    .venv/bin/python bench/harvest_bench.py --datasets 30          # quick check
    .venv/bin/python bench/harvest_bench.py                        # 2,000 datasets

Sources, both on loopback:

- CKAN: a real second CKAN (the same virtualenv, its own database ``ckan_hbench_src``,
  served by ``ckan run`` on ``--port``) holding ``--datasets`` GD Catalog datasets (Thai
  titles naming provinces, one CSV resource each), for ``ckan`` (ckanext-harvest's) and
  ``provincialstats_ckan``;
- DCAT: a plain DCAT-AP Turtle feed of as many datasets (``bench/harvest_feed.py``,
  served by ``python -m http.server`` on ``--feed-port``), for ``dcat_rdf``
  (ckanext-dcat's) and ``provincialstats_dcat``. ``dcat_rdf`` into this site's GD
  Catalog schema imports nothing (every record fails validation); ``dcat_rdf@dcat_ap_full``
  runs it on a site whose dataset schema is ckanext-dcat's own ``dcat_ap_full``, so its
  speed can be compared.

The harvesting CKAN has its own database (``ckan_hbench_dst``), reset for each harvester.
Both databases are created when missing (as the ``postgres`` user, through ``runuser``:
run as root) and wiped at every run of the bench: never point them at a database you
care about.

For each harvester, three jobs run through the real queues (Redis db ``--redis-db``):
one gather consumer and ``--fetch-consumers`` fetch consumers (separate processes, like
``make run``, started before the job and ready: waiting on their queue), the job created
with ``harvest_job_create`` and finished by ``harvest_jobs_run`` polled every 0.5 s:

1. first harvest of an empty catalogue: datasets imported per second;
2. the same again with nothing changed: time (and % of the first), datasets written
   (``metadata_modified`` moved), new activity rows, harvest objects created;
3. after ``--changed-percent`` of the source datasets were edited: the same figures.

By default each job gets freshly started consumers, so every job pays a consumer's
first-record costs (PyThaiNLP's dictionaries are built on the first dataset a process
indexes: seconds); with ``--keep-consumers`` one set of consumers runs the harvester's three
jobs, as the long-running consumers of a site do (``make run``): the first harvest pays
those costs, the re-runs do not. Peak memory is then each job's own (``VmHWM`` reset
through ``/proc/PID/clear_refs`` before the job).

Also printed: new PostgreSQL sessions on the harvesting database during the job
(``pg_stat_database.sessions``); peak memory, the largest ``VmHWM`` (peak resident set)
of the consumer processes, read from ``/proc`` before they are stopped; the machine's
1-minute load average during the job (mean/max; the machine is shared). The job time is
ckanext-harvest's own ``finished - created`` of the job; ``gather`` its gather stage
alone (``gather_finished - gather_started``: ckanext-harvest queues the objects for the
fetch consumers only once the gather stage has returned). Under each harvester's rows,
where the CPU went during each job: seconds used by the consumers, by PostgreSQL (its
processes alive when the job ended), by the source (the second CKAN and the feed server)
and by the whole machine, against the job's wall time times the cores.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harvest_feed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CKAN = os.path.join(ROOT, ".venv", "bin", "ckan")
PY = os.path.join(ROOT, ".venv", "bin", "python")
BASE = "activity provincialstats_search provincialstats scheming_datasets scheming_groups"
SRC_PLUGINS = BASE
DST_PLUGINS = BASE + (" dcat harvest ckan_harvester provincialstats_ckan dcat_rdf_harvester"
                      " provincialstats_dcat")
# The harvesting site's schema for a harvester written ``kind@schema`` (ckanext-dcat's
# own schemas: the stock dcat_rdf harvester imports nothing into the GD Catalog schema).
OTHER_SCHEMAS = {"dcat_ap_full": "ckanext.dcat.schemas:dcat_ap_full.yaml"}
FEED_DEFAULTS = {"data_category": "ข้อมูลสาธารณะ", "data_type": "ข้อมูลสถิติ",
                 "data_source": "หน่วยงานต้นทาง", "maintainer": "กลุ่มสถิติ",
                 "maintainer_email": "stat@example.go.th", "license_id": "Open Data Common"}
DB_URL = "postgresql://ckan_default:pass@localhost/{}"
PROVINCES = [("จันทบุรี", "TH-22"), ("ลพบุรี", "TH-16"), ("ปทุมธานี", "TH-13"),
             ("Chiang Mai", "TH-50"), ("ขอนแก่น", "TH-40"), ("Songkhla", "TH-90")]
TOPICS = ["ผลผลิตทุเรียน", "ประชากรกลางปี", "ผู้ป่วยนอก", "ปริมาณน้ำฝน", "นักท่องเที่ยว",
          "แรงงานนอกระบบ", "อุบัติเหตุทางถนน", "ราคายางพารา"]


# ---------------------------------------------------------------- set-up

def _ini(path, db, plugins, redis_db, site_url, schema=None):
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
    if schema:
        text = re.sub(r"(?m)^scheming\.dataset_schemas = .*$",
                      f"scheming.dataset_schemas = {schema}", text)
        text = text.replace("[app:main]\n", "[app:main]\nckanext.dcat.rdf.profiles = "
                            "euro_dcat_ap_2 euro_dcat_ap_scheming\n", 1)
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
    """The receiving organization and the harvest source (the configuration each
    harvester needs for this source: ours name the organization, the DCAT one the
    defaults of the GD Catalog fields a plain feed lacks)."""
    app = _app(ini)
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        context = _site_context()
        tk.get_action("organization_create")(dict(context), {
            "name": "receiving-office", "title": "สำนักงานสถิติจังหวัด"})
        config = {
            "provincialstats_ckan": {"receiving_organization": "receiving-office"},
            "provincialstats_dcat": {"receiving_organization": "receiving-office",
                                     "defaults": FEED_DEFAULTS},
            "dcat_rdf": {"rdf_format": "text/turtle"},
        }.get(kind, {})
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


def _load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


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
        loads = [_load()]
        while True:
            time.sleep(0.5)
            loads.append(_load())
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
        gather = ((obj.gather_finished - obj.gather_started).total_seconds()
                  if obj.gather_started and obj.gather_finished else None)
        print(json.dumps({
            "status": obj.status,
            "seconds": (finished - obj.created).total_seconds(),
            # the gather stage alone (fetch consumers get nothing before it ends)
            "gather_seconds": gather,
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
            # 1-minute load average of the machine (shared with other work) during the job
            "load_max": max(loads), "load_mean": sum(loads) / len(loads),
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


def _ticks(pid):
    """CPU seconds (user + system) a live process has used, 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _postgres_pids():
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() == "postgres":
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def _machine_busy():
    """CPU seconds the whole machine has been busy (every core), from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _cpu_snapshot(consumer_pids, source_pids):
    """Where the CPU went: the consumers, the source servers, PostgreSQL (its processes
    alive at the time; a backend that exited during the job is not counted) and the
    machine as a whole (every process, including other work)."""
    postgres = {pid: _ticks(pid) for pid in _postgres_pids()}
    return {"consumers": sum(_ticks(pid) for pid in consumer_pids),
            "source": sum(_ticks(pid) for pid in source_pids),
            "postgres": postgres, "machine": _machine_busy(), "wall": time.time()}


def _cpu_used(before, after):
    pg = sum(t - before["postgres"].get(pid, 0.0) for pid, t in after["postgres"].items())
    return {"consumers_cpu": after["consumers"] - before["consumers"],
            "source_cpu": after["source"] - before["source"], "postgres_cpu": pg,
            "machine_cpu": after["machine"] - before["machine"],
            "wall_cpu": after["wall"] - before["wall"]}


def _waiting_consumers(redis_db):
    """Clients blocked in BLPOP on the queues' Redis db: consumers that are ready."""
    import redis
    clients = redis.Redis(port=6379, db=redis_db).client_list()
    return sum(1 for c in clients if c.get("cmd") == "blpop" and int(c.get("db", -1)) == redis_db)


class Consumers:
    def __init__(self, ini, fetchers, logdir, redis_db):
        self.ini, self.fetchers, self.logdir = ini, fetchers, logdir
        self.redis_db = redis_db
        self.procs = []

    def __enter__(self):
        kinds = ["gather-consumer"] + ["fetch-consumer"] * self.fetchers
        before = _waiting_consumers(self.redis_db)
        for n, kind in enumerate(kinds):
            log = open(os.path.join(self.logdir, f"{kind}-{n}.log"), "a")
            self.procs.append(subprocess.Popen([CKAN, "-c", self.ini, "harvester", kind],
                                               stdout=log, stderr=subprocess.STDOUT))
        # CKAN's start-up (10 s and more on a loaded machine) is not the job's time:
        # the job is created once every consumer waits on its queue
        deadline = time.time() + 180
        while _waiting_consumers(self.redis_db) < before + len(kinds):
            if time.time() > deadline:
                sys.exit("the harvest consumers did not start within 180 s")
            time.sleep(0.5)
        return self

    def peak_mb(self):
        return max(_peak_mb(p.pid) for p in self.procs)

    def reset_peak(self):
        """Start the consumers' peak resident set (VmHWM) again from their current size
        (``/proc/PID/clear_refs``), so each job's peak is its own."""
        for p in self.procs:
            try:
                with open(f"/proc/{p.pid}/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                pass

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
    parser.add_argument("--feed-port", type=int, default=5094,
                        help="port of the loopback server of the DCAT feed")
    parser.add_argument("--harvesters",
                        default="provincialstats_ckan,ckan,provincialstats_dcat,"
                                "dcat_rdf@dcat_ap_full,dcat_rdf",
                        help="comma-separated harvester types to compare; kind@schema runs "
                             "it on a site with that schema (dcat_ap_full: ckanext-dcat's)")
    parser.add_argument("--keep-consumers", action="store_true",
                        help="start the consumers once per harvester and keep them for its "
                             "three jobs, as long-running consumers (make run) are; "
                             "default: fresh consumers for every job")
    parser.add_argument("--timeout", type=int, default=3600,
                        help="seconds to wait for one job")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="harvest-bench-")
    site = f"http://127.0.0.1:{args.port}"
    feed_dir = os.path.join(workdir, "feed")
    feed_url = f"http://127.0.0.1:{args.feed_port}/{harvest_feed.FILE}"
    src_ini = _ini(os.path.join(workdir, "src.ini"), "ckan_hbench_src", SRC_PLUGINS,
                   args.redis_db, site)
    for db in ("ckan_hbench_src", "ckan_hbench_dst"):
        _ensure_db(db)
    print(f"work dir {workdir}; source CKAN {site}; DCAT feed {feed_url}", flush=True)
    print(f"load average at the start: {_load_text()}", flush=True)
    specs = args.harvesters.split(",")
    ckan_source = any("dcat" not in spec for spec in specs)  # only DCAT: no CKAN needed
    if ckan_source:
        _fresh_db(src_ini)
        made = _child("--populate", src_ini, str(args.datasets))
        print(f"source: {made['datasets']} datasets created in {made['seconds']:.0f} s",
              flush=True)
    harvest_feed.write(feed_dir, args.datasets)
    server_log = open(os.path.join(workdir, "source-server.log"), "w")
    servers = [subprocess.Popen([PY, "-m", "http.server", str(args.feed_port), "--bind",
                                 "127.0.0.1", "--directory", feed_dir],
                                stdout=server_log, stderr=subprocess.STDOUT)]
    if ckan_source:
        servers.append(subprocess.Popen([CKAN, "-c", src_ini, "run", "-H", "127.0.0.1",
                                         "-p", str(args.port), "-t", "-r"],
                                        stdout=server_log, stderr=subprocess.STDOUT))
    results = {}
    step = max(1, round(100 / args.changed_percent))
    try:
        if ckan_source:
            _wait_http(site + "/api/3/action/status_show")
        _wait_http(feed_url)
        for round_, spec in enumerate(specs):
            kind, _, schema = spec.partition("@")
            dst_ini = _ini(os.path.join(workdir, f"dst-{round_}.ini"), "ckan_hbench_dst",
                           DST_PLUGINS, args.redis_db, "http://127.0.0.1:5092",
                           schema=OTHER_SCHEMAS[schema] if schema else None)
            is_feed = "dcat" in kind
            if is_feed:
                harvest_feed.write(feed_dir, args.datasets)
            _fresh_db(dst_ini)
            _ckan(dst_ini, "harvester", "purge-queues")
            source_id = _child("--setup-target", dst_ini, kind,
                               feed_url if is_feed else site)["source_id"]
            rows = []
            kept = None
            if args.keep_consumers:  # one set of consumers for the three jobs
                kept = Consumers(dst_ini, args.fetch_consumers, workdir,
                                 args.redis_db).__enter__()
            try:
                for phase in ("first", "unchanged", "changed"):
                    if phase == "changed":
                        changed = (harvest_feed.write(feed_dir, args.datasets, round_, step)
                                   if is_feed else
                                   _child("--change", src_ini, str(args.changed_percent),
                                          f"{round_}")["changed"])
                    sources = [server.pid for server in servers]
                    if kept is not None:
                        kept.reset_peak()
                        pids = [p.pid for p in kept.procs]
                        before = _cpu_snapshot(pids, sources)
                        row = _child("--run-job", dst_ini, source_id, str(args.timeout))
                        row.update(_cpu_used(before, _cpu_snapshot(pids, sources)))
                        peak = kept.peak_mb()
                    else:
                        with Consumers(dst_ini, args.fetch_consumers, workdir,
                                       args.redis_db) as consumers:
                            pids = [p.pid for p in consumers.procs]
                            before = _cpu_snapshot(pids, sources)
                            row = _child("--run-job", dst_ini, source_id, str(args.timeout))
                            row.update(_cpu_used(before, _cpu_snapshot(pids, sources)))
                        peak = consumers.peak
                    row["peak_mb"] = peak
                    row["phase"] = phase
                    if phase == "changed":
                        row["changed_at_source"] = changed
                    rows.append(row)
                    print(f"{spec} {phase}: {json.dumps(row, ensure_ascii=False)}", flush=True)
            finally:
                if kept is not None:
                    kept.__exit__(None, None, None)
            results[spec] = rows
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"load average at the end: {_load_text()}")
    _report(results, args)


def _load_text():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3]) + f" (1, 5, 15 min; {os.cpu_count()} cores)"


def _report(results, args):
    print(f"\nHarvest of a {args.datasets}-dataset CKAN (ckan kinds) and a {args.datasets}-"
          f"dataset DCAT feed (dcat kinds), {args.fetch_consumers} fetch consumer(s) + 1 "
          f"gather consumer, {os.cpu_count()} cores shared with other work (load: 1-minute "
          "load average during the job, mean/max)")
    print(f"{'harvester':28} {'run':9} {'seconds':>8} {'gather':>6} {'ds/s':>6} {'% first':>7} "
          f"{'written':>7} {'activ.':>6} {'objects':>7} {'datasets':>8} {'sessions':>8} "
          f"{'peak MB':>7} {'load':>9}  report")
    for kind, rows in results.items():
        first = rows[0]["seconds"] or 1
        for row in rows:
            # first run: datasets imported per second (0 when the harvester imported none)
            rate = (row["datasets"] / row["seconds"]) if row["phase"] == "first" and \
                row["seconds"] else None
            load = f"{row['load_mean']:.1f}/{row['load_max']:.1f}"
            gather = row.get("gather_seconds")
            print(f"{kind:28} {row['phase']:9} {row['seconds']:8.1f} "
                  f"{(f'{gather:.1f}' if gather is not None else '-'):>6} "
                  f"{(f'{rate:.1f}' if rate is not None else '-'):>6} "
                  f"{100 * row['seconds'] / first:6.0f}% {row['written']:7d} "
                  f"{row['new_activities']:6d} {row['new_objects']:7d} "
                  f"{row['datasets']:8d} {row['new_db_sessions']:8d} {row['peak_mb']:7.0f} "
                  f"{load:>9}  {row['report']}")
            if row.get("consumers_cpu") is not None:
                per = 1000 / row["written"] if row["written"] else None
                print(f"{'':38} CPU seconds: consumers {row['consumers_cpu']:.1f}, "
                      f"PostgreSQL {row['postgres_cpu']:.1f}, source {row['source_cpu']:.1f}, "
                      f"machine {row['machine_cpu']:.1f} of {row['wall_cpu']:.1f} s wall "
                      f"x {os.cpu_count()} cores" + (
                          f"; per dataset written: consumers "
                          f"{row['consumers_cpu'] * per:.0f} ms, PostgreSQL "
                          f"{row['postgres_cpu'] * per:.0f} ms" if per else ""))
            if row["gather_errors"]:
                print(f"{'':38} gather errors: {row['gather_errors']}")
            if row.get("object_errors"):
                print(f"{'':38} record errors (first kinds): {row['object_errors']}")


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
