"""Benchmark of the DataStore loader and dumps (prints figures; not a test).

    .venv/bin/python bench/datastore_bench.py --ckan-ini .dev/test-pe.ini
    .venv/bin/python bench/datastore_bench.py --ckan-ini .dev/test-pe.ini --rows 100000 --runs 3
    .venv/bin/python bench/datastore_bench.py --ckan-ini .dev/test-pe.ini --xloader
    .venv/bin/python bench/datastore_bench.py --ckan-ini .dev/test-pe.ini --xloader \
        --rows 50000 --tis-mb 5        # small, to check it runs

Uses the CKAN and DataStore databases of the given ini (a *test* ini: it creates a
dataset and resources there; the test suite resets those databases anyway). In a temp
dir it writes

- a UTF-8 CSV of ``--rows`` rows (1,000,000 by default, about 100 MB): Thai province,
  district and note columns, Buddhist Era years, BE dates (dd/mm/yyyy), integers with
  thousands separators, decimals;
- a TIS-620 CSV of about ``--tis-mb`` MB (50 by default) from the same generator.

For each file and run, a fresh worker process (like ``ckan jobs worker`` running one
job) hashes the file, loads it (``jobs.load_file``: detection, type pass, COPY) and
counts it through ``datastore_search``: rows/s until queryable, and the worker's peak
RSS (``ru_maxrss``) next to its RSS before the load (CKAN itself). Then a fresh process
streams ``/datastore/dump/<id>`` (CSV with BOM) through Flask's test client: MB/s,
rows/s and its peak RSS. Medians over ``--runs``.

With ``--xloader``, the same files also go through stock ckanext-xloader, side by side,
in a second complete CKAN that the bench sets up itself (``bench/xloader_side.py`` has the
details): a virtualenv ``bench/out/xloader-venv`` (git-ignored) built the way
``scripts/check-install-into-site.sh`` builds a site (``pip install
'ckan[requirements]==2.11.6'``, then ``pip install ckanext-xloader``, newest release, or
``--xloader-version``; pip lets it raise CKAN's own pins, e.g. requests, as it would in a
site), its own databases ``xlbench_ckan``, ``xlbench_datastore``, ``xlbench_jobs``
(created as the postgres superuser with ``runuser``, owned by ckan_default), Redis db
``--xloader-redis-db`` (12), a config from ``ckan generate config`` with only what it
needs to run, and a deployment's two processes (``ckan run`` for xloader's callbacks,
``ckan jobs worker``, the RQ worker, which runs the job in a forked work horse). Timed
from ``resource_create`` of a CSV link resource (served over loopback) to: every row
counted by ``datastore_search``; ``datastore_active``; the job's end. Also printed: the
columns and types it made, whether the Thai headers survived, whether Thai cells did,
its log lines on encoding and errors. Needs root (runuser), network access to PyPI the
first time, gcc and libpq-dev for psycopg2. ``--no-ours`` runs only the xloader side.
xloader's published figure is the anchor: about 5,000 rows/s (1 M rows queryable in
206 s, all columns text), plus 21 minutes for column indexes.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = "provincialstats_search provincialstats scheming_datasets scheming_groups datastore"

PROVINCES = ["กรุงเทพมหานคร", "จันทบุรี", "ปทุมธานี", "เชียงใหม่", "ขอนแก่น", "สงขลา",
             "นครราชสีมา", "ภูเก็ต", "ตราด", "ระยอง"]
DISTRICTS = ["อำเภอเมือง", "อำเภอท่าใหม่", "อำเภอลาดหลุมแก้ว", "อำเภอสันทราย",
             "อำเภอหาดใหญ่", "อำเภอปากช่อง", "อำเภอกะทู้", "อำเภอแหลมงอบ"]
NOTES = ["ข้อมูลเบื้องต้น", "ปรับปรุงแล้ว", "ประมาณการ", "", "ข้อมูลจากสำนักงานสถิติจังหวัด"]
HEADER = ["ลำดับ", "จังหวัด", "อำเภอ", "ปี พ.ศ.", "วันที่", "จำนวน (คน)", "มูลค่า (บาท)",
          "หมายเหตุ"]


def _rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb():
    """VmHWM: this process's own peak RSS (ru_maxrss can carry the parent's over)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _thai_cells(cells):
    """(cells that are one of the generated province names, cells looked at)."""
    return [sum(c in PROVINCES for c in cells), len(cells)]


def generate(path, rows, encoding, max_bytes=None):
    rnd = random.Random(42)
    written = 0
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(",".join(HEADER) + "\n")
        for i in range(1, rows + 1):
            year = rnd.randint(2540, 2567)
            line = (f'{i},{rnd.choice(PROVINCES)},{rnd.choice(DISTRICTS)},{year},'
                    f'{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{year},'
                    f'"{rnd.randint(0, 9_999_999):,}",{rnd.randint(0, 99_999_999) / 100},'
                    f'{rnd.choice(NOTES)}\n')
            f.write(line)
            if max_bytes:
                written += len(line.encode(encoding))
                if written >= max_bytes:
                    return i
    return rows


def _app(ini):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    config = load_config(ini)
    config["ckan.plugins"] = PLUGINS
    if os.environ.get("FTS_INDEX_METHOD"):
        config["ckan.datastore.default_fts_index_method"] = os.environ["FTS_INDEX_METHOD"]
    config["ckan.datastore.search.rows_max"] = "32000"
    app = make_app(config)
    from ckanext.provincialstats.datastore import jobs
    jobs.enqueue = lambda *a, **kw: None  # the bench runs loads itself
    return app


def worker_load(ini, resource_id, path):
    """Child process: one load, as the worker would run it."""
    app = _app(ini)
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk

        from ckanext.provincialstats.datastore import fetch, jobs
        # A running worker has CKAN loaded and warm: first calls are not counted.
        tk.get_action("get_site_user")({"ignore_auth": True}, {})
        try:
            tk.get_action("datastore_search")({"ignore_auth": True},
                                              {"resource_id": resource_id, "limit": 0})
        except tk.ObjectNotFound:
            pass
        before = _rss_mb()
        t0 = time.monotonic()
        queryable = {}

        def on_queryable(rows):
            # What a user can do at this point: count, filter and sort on typed columns.
            search = tk.get_action("datastore_search")
            queryable["rows"] = search({"ignore_auth": True}, {
                "resource_id": resource_id, "limit": 0})["total"]
            search({"ignore_auth": True}, {"resource_id": resource_id, "limit": 10,
                                          "filters": {"ปี พ.ศ.": 2560},
                                          "sort": "มูลค่า (บาท) desc"})
            queryable["seconds"] = time.monotonic() - t0

        fetch._hash_file(path)
        summary = jobs.load_file(path, "csv", resource_id, on_queryable=on_queryable)
        full = time.monotonic() - t0
        found = tk.get_action("datastore_search")({"ignore_auth": True}, {
            "resource_id": resource_id, "q": "จันทบุรี", "limit": 0})["total"]
        sample = tk.get_action("datastore_search")({"ignore_auth": True}, {
            "resource_id": resource_id, "limit": 200})
    print(json.dumps({"seconds": queryable["seconds"], "rows": queryable["rows"],
                      "seconds_full_text": full, "q_matches": found,
                      "encoding": summary["encoding"], "rss_before_mb": before,
                      "fields": [f["id"] for f in sample["fields"] if f["id"] != "_id"],
                      "thai_cells": _thai_cells([r.get(HEADER[1]) for r in
                                                 sample["records"]]),
                      "peak_mb": _peak_mb(),
                      "types": [c["type"] for c in summary["columns"]]}))


def worker_dump(ini, resource_id):
    app = _app(ini)
    client = app._wsgi_app.test_client()
    before = _rss_mb()
    t0 = time.monotonic()
    response = client.get(f"/datastore/dump/{resource_id}", buffered=False)
    size, lines = 0, 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.monotonic() - t0
    print(json.dumps({"seconds": seconds, "bytes": size, "lines": lines,
                      "status": response.status_code, "rss_before_mb": before,
                      "peak_mb": _peak_mb()}))


def _child(*args):
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _resource(ini, name):
    app = _app(ini)
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckan.tests import factories
        user = factories.Sysadmin()
        context = {"user": user["name"], "ignore_auth": True}
        org = factories.Organization(user=user)
        import uuid
        pkg = tk.get_action("package_create")(context, {
            "type": "dataset", "name": f"bench-{uuid.uuid4().hex[:8]}", "title": name,
            "owner_org": org["id"], "data_type": "ข้อมูลสถิติ", "maintainer": "bench",
            "maintainer_email": "bench@example.invalid", "tag_string": "bench",
            "notes": "bench", "objective": ["พันธกิจหน่วยงาน"],
            "update_frequency_unit": "ปี", "update_frequency_interval": "1",
            "geo_coverage": "จังหวัด", "data_source": "bench", "data_format": ["CSV"],
            "data_category": "ข้อมูลสาธารณะ", "license_id": "Open Data Common"})
        res = tk.get_action("resource_create")(context, {
            "package_id": pkg["id"], "name": name, "format": "CSV",
            "url": "http://example.invalid/bench.csv"})
        return res["id"]


XL_VENV = os.path.join(ROOT, "bench", "out", "xloader-venv")
XL_INI = os.path.join(ROOT, "bench", "out", "xloader-bench.ini")
XL_DBS = ("xlbench_ckan", "xlbench_datastore", "xlbench_jobs")
XL_PG = "postgresql://{user}:pass@localhost/{db}"


def _run(cmd, **kw):
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return out.stdout


def xloader_venv(ckan_version, xloader_version):
    """The separate site: CKAN, then ckanext-xloader, as pip installs them (once)."""
    py, pip = (os.path.join(XL_VENV, "bin", n) for n in ("python", "pip"))
    if not os.path.exists(os.path.join(XL_VENV, "bin", "ckan")):
        print(f"creating {os.path.relpath(XL_VENV, ROOT)} (CKAN {ckan_version}, "
              f"ckanext-xloader {xloader_version or 'newest'}): a few minutes")
        _run(["python3.11", "-m", "venv", XL_VENV])
        _run([pip, "-q", "install", "--upgrade", "pip"])
        _run([pip, "-q", "install", f"ckan[requirements]=={ckan_version}"])
    want = f"ckanext-xloader=={xloader_version}" if xloader_version else "ckanext-xloader"
    have = subprocess.run([pip, "show", "ckanext-xloader"], capture_output=True, text=True)
    if have.returncode or (xloader_version and f"Version: {xloader_version}\n"
                           not in have.stdout):
        before = set(_run([pip, "freeze", "--all"]).split())
        _run([pip, "-q", "install", want])
        after = set(_run([pip, "freeze", "--all"]).split())
        print("ckanext-xloader install changed: "
              + ", ".join(sorted(after - before)) + " (was: "
              + ", ".join(sorted(before - after)) + ")")
    versions = _run([py, "-c", "from importlib.metadata import version as v; "
                     "print(v('ckan'), v('ckanext-xloader'), v('requests'))"]).split()
    check = subprocess.run([pip, "check"], capture_output=True, text=True).stdout.strip()
    print(f"xloader site: CKAN {versions[0]}, ckanext-xloader {versions[1]}, requests "
          f"{versions[2]}; pip check: {check.splitlines()[-1] if check else '?'}")
    return versions


def _psql(sql, db="postgres"):
    return _run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-At",
                 "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql], cwd="/")


def xloader_site(redis_db):
    """Its own databases and a config from ``ckan generate config`` (stock options)."""
    for db in XL_DBS:
        if not _psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'").strip():
            _psql(f"CREATE DATABASE {db} OWNER ckan_default TEMPLATE template0 "
                  "ENCODING UTF8 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
    ckan = os.path.join(XL_VENV, "bin", "ckan")
    if os.path.exists(XL_INI):
        os.remove(XL_INI)
    _run([ckan, "generate", "config", XL_INI])
    _run([ckan, "config-tool", XL_INI,
          "sqlalchemy.url=" + XL_PG.format(user="ckan_default", db=XL_DBS[0]),
          "ckan.datastore.write_url=" + XL_PG.format(user="ckan_default", db=XL_DBS[1]),
          "ckan.datastore.read_url=" + XL_PG.format(user="datastore_ro", db=XL_DBS[1]),
          "ckanext.xloader.jobs_db.uri=" + XL_PG.format(user="ckan_default", db=XL_DBS[2]),
          f"ckan.redis.url=redis://localhost:6379/{redis_db}",
          "ckan.site_id=xlbench", "ckan.site_url=http://127.0.0.1:5999",
          "ckan.plugins=activity datastore xloader",
          "ckan.storage_path=" + os.path.join(ROOT, "bench", "out", "xloader-storage"),
          "ckanext.xloader.api_token=NOT_SET"])
    _run([ckan, "-c", XL_INI, "db", "init"])
    sql = _run([ckan, "-c", XL_INI, "datastore", "set-permissions"])
    _run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
          "-d", XL_DBS[1]], input=sql, cwd="/")


def xloader_load(path, rows):
    out = subprocess.run([os.path.join(XL_VENV, "bin", "python"),
                          os.path.join(ROOT, "bench", "xloader_side.py"), XL_INI, path,
                          str(rows)], capture_output=True, text=True)
    if out.returncode:
        sys.exit("xloader side failed:\n" + out.stderr[-4000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def ours_load(args, label, path, rows, mb):
    rid = _resource(args.ckan_ini, label)
    loads, dumps = [], []
    for _ in range(args.runs):
        loads.append(_child("--worker-load", args.ckan_ini, rid, path))
        dumps.append(_child("--worker-dump", args.ckan_ini, rid))
    load = {k: statistics.median(r[k] for r in loads)
            for k in ("seconds", "seconds_full_text", "peak_mb", "rss_before_mb")}
    dump = {k: statistics.median(r[k] for r in dumps)
            for k in ("seconds", "bytes", "peak_mb", "rss_before_mb")}
    assert all(r["rows"] == rows for r in loads), loads
    assert all(r["lines"] == rows + 1 for r in dumps), dumps
    print(f"\n{label}: {rows:,} rows, {mb:.1f} MB, encoding detected "
          f"{loads[0]['encoding']}, types {loads[0]['types']}")
    print(f"  load until queryable: median {load['seconds']:.1f} s = "
          f"{rows / load['seconds']:,.0f} rows/s ({len(loads)} run(s): "
          f"{[round(r['seconds'], 1) for r in loads]})")
    print(f"  with full text (_full_text filled, CKAN's indexes rebuilt): median "
          f"{load['seconds_full_text']:.1f} s = "
          f"{rows / load['seconds_full_text']:,.0f} rows/s; q=จันทบุรี matches "
          f"{loads[0]['q_matches']:,}")
    print(f"  worker RSS: {load['rss_before_mb']:.0f} MB before the load, "
          f"peak {load['peak_mb']:.0f} MB")
    print(f"  dump CSV: median {dump['seconds']:.1f} s, "
          f"{dump['bytes'] / 1024 / 1024 / dump['seconds']:.1f} MB/s, "
          f"{rows / dump['seconds']:,.0f} rows/s; RSS {dump['rss_before_mb']:.0f} MB "
          f"before, peak {dump['peak_mb']:.0f} MB")
    return {"load": load, "dump": dump, "types": loads[0]["types"],
            "encoding": loads[0]["encoding"], "fields": loads[0]["fields"],
            "thai_cells": loads[0]["thai_cells"]}


def print_xloader(label, rows, mb, xl):
    t = xl["seconds"]
    print(f"\n{label} through stock ckanext-xloader {xl['xloader_version']} (CKAN "
          f"{xl['ckan_version']}): {xl['rows']:,} of {rows:,} rows in the DataStore, "
          f"job {xl['status']}{': ' + str(xl['error']) if xl['error'] else ''}")
    if not xl["fields"]:
        print("  no DataStore table")
    for key, what in (("queryable", "until queryable (datastore_search counts every row)"),
                      ("active", "until datastore_active (set by datastore_create when "
                                 "the empty table is made, before the COPY)"),
                      ("complete", f"until the job ended ({xl['status']}; when "
                                   "complete, its column indexes are built)")):
        if key in t:
            print(f"  {what}: {t[key]:.1f} s = {rows / t[key]:,.0f} rows/s")
        else:
            print(f"  {what}: never")
    print(f"  worker RSS: {xl['worker_rss_before_mb']:.0f} MB idle before the job, peak "
          f"{xl['peak_mb']:.0f} MB (ru_maxrss of the worker and its work horse; the work "
          f"horse's VmHWM sampled while it ran: {xl['horse_hwm_sampled_mb']:.0f} MB)")
    print(f"  columns: {xl['fields']}")
    print(f"  Thai headers kept: {_headers_kept([f for f, _ in xl['fields']])} of "
          f"{len(HEADER)}; province cells that are the generated Thai names: "
          "%d of %d" % tuple(_thai_cells(xl["cells_col2"])))
    print(f"  first row: {xl['first_row']}")
    for line in xl["log_tail"]:
        print(f"  log: {line}")


def _headers_kept(fields):
    return sum(h in fields for h in HEADER)


def _types(types):
    names = {"text": "text", "int8": "int", "int4": "int", "numeric": "num",
             "date": "date", "timestamp": "ts", "float8": "float"}
    return ",".join(names.get(t, t) for t in types)


def print_table(table, versions):
    print(f"\nSide by side (ours: this work tree; xloader: stock ckanext-xloader "
          f"{versions[1]} on CKAN {versions[0]}, RQ worker 'ckan jobs worker')")
    head = (f"{'file':8} {'loader':8} {'queryable s':>11} {'rows/s':>9} {'done s':>8} "
            f"{'peak MB':>8} {'Thai hdr':>8} {'Thai cells':>10}  types")
    print(head)
    print("-" * len(head))
    for label, rows, mb, ours, xl in table:
        if ours:
            load = ours["load"]
            print(f"{label:8} {'ours':8} {load['seconds']:11.1f} "
                  f"{rows / load['seconds']:9,.0f} {load['seconds_full_text']:8.1f} "
                  f"{load['peak_mb']:8.0f} {_headers_kept(ours['fields']):>4}/"
                  f"{len(HEADER):<3} {'%d/%d' % tuple(ours['thai_cells']):>10}  "
                  f"{_types(ours['types'])}")
        if xl:
            t = xl["seconds"]
            q = t.get("queryable")
            done = t.get("complete")
            print(f"{label:8} {'xloader':8} {q if q else float('nan'):11.1f} "
                  f"{rows / q if q else float('nan'):9,.0f} "
                  + (f"{done:8.1f}" if done and xl["status"] == "complete"
                     else f"{str(xl['status']):>8}") + f" {xl['peak_mb']:8.0f} "
                  f"{_headers_kept([f for f, _ in xl['fields']]):>4}/{len(HEADER):<3} "
                  f"{'%d/%d' % tuple(_thai_cells(xl['cells_col2'])):>10}  "
                  f"{_types([ty for _, ty in xl['fields']])}")
    print("queryable: every row counted by datastore_search (ours: in the worker right "
          "after the COPY; xloader: polled from outside every 0.2 s, so up to about "
          "0.3 s late); done: ours with full text "
          "filled and CKAN's indexes rebuilt, xloader's job complete (its column indexes "
          "built); peak: the worker process's peak RSS, CKAN included")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker-load":
        return worker_load(*sys.argv[2:5])
    if len(sys.argv) > 1 and sys.argv[1] == "--worker-dump":
        return worker_dump(*sys.argv[2:4])
    parser = argparse.ArgumentParser()
    parser.add_argument("--ckan-ini", help="test ini for our loader (not with --no-ours)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tis-mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--files", default="utf8,tis620",
                        help="which files: utf8, tis620 or both (comma-separated)")
    parser.add_argument("--fts-index-method", choices=["gist", "gin"],
                        help="ckan.datastore.default_fts_index_method (default: the ini's)")
    parser.add_argument("--xloader", action="store_true",
                        help="also load the same files with stock ckanext-xloader")
    parser.add_argument("--no-ours", action="store_true",
                        help="with --xloader: skip our loader")
    parser.add_argument("--xloader-version", help="default: newest that installs")
    parser.add_argument("--xloader-ckan", default="2.11.6",
                        help="CKAN release of the xloader site")
    parser.add_argument("--xloader-redis-db", type=int, default=12)
    args = parser.parse_args()
    if not args.ckan_ini and not args.no_ours:
        parser.error("--ckan-ini is needed (or --xloader --no-ours)")
    if args.fts_index_method:
        os.environ["FTS_INDEX_METHOD"] = args.fts_index_method
    print("$ " + " ".join([os.path.relpath(sys.executable, ROOT)] + sys.argv))
    print(f"load average before: {os.getloadavg()}, cpus: {os.cpu_count()}")
    print("worker RSS 'before' is CKAN loaded and warm; the peak includes the dataset's "
          "re-index by datastore_create (the search plugin's Thai word segmentation)")
    with tempfile.TemporaryDirectory(prefix="datastore-bench-") as tmp:
        files = []
        t0 = time.monotonic()
        if "utf8" in args.files:
            utf8 = os.path.join(tmp, "utf8.csv")
            generate(utf8, args.rows, "utf-8")
            files.append(("UTF-8", utf8, args.rows))
        if "tis620" in args.files:
            tis = os.path.join(tmp, "tis620.csv")
            n = generate(tis, 10 ** 8, "tis_620", max_bytes=args.tis_mb * 1024 * 1024)
            files.append(("TIS-620", tis, n))
        print(f"generated in {time.monotonic() - t0:.1f} s")
        if args.xloader:
            xl_versions = xloader_venv(args.xloader_ckan, args.xloader_version)
            xloader_site(args.xloader_redis_db)
        table = []
        for label, path, rows in files:
            mb = os.path.getsize(path) / 1024 / 1024
            ours = None if args.no_ours else ours_load(args, label, path, rows, mb)
            xl = None
            if args.xloader:
                xl = xloader_load(path, rows)
                print_xloader(label, rows, mb, xl)
            table.append((label, rows, mb, ours, xl))
        if args.xloader:
            print_table(table, xl_versions)
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
