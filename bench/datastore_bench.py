"""Benchmark of the DataStore loader and dumps (prints figures; not a test).

    .venv/bin/python bench/datastore_bench.py --ckan-ini .dev/test-pe.ini
    .venv/bin/python bench/datastore_bench.py --ckan-ini .dev/test-pe.ini --rows 100000 --runs 3

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

Stock ckanext-xloader is not run side by side: 2.6.0 does not install beside the
pinned stack (it requires requests>=2.34.2, CKAN 2.11.6 pins requests==2.33.0), and a
second complete CKAN in its own venv was not set up. Its published figure is the anchor:
about 5,000 rows/s (1 M rows queryable in 206 s, all columns text), plus 21 minutes for
column indexes.
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
    print(json.dumps({"seconds": queryable["seconds"], "rows": queryable["rows"],
                      "seconds_full_text": full, "q_matches": found,
                      "encoding": summary["encoding"], "rss_before_mb": before,
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


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker-load":
        return worker_load(*sys.argv[2:5])
    if len(sys.argv) > 1 and sys.argv[1] == "--worker-dump":
        return worker_dump(*sys.argv[2:4])
    parser = argparse.ArgumentParser()
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tis-mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--files", default="utf8,tis620",
                        help="which files: utf8, tis620 or both (comma-separated)")
    parser.add_argument("--fts-index-method", choices=["gist", "gin"],
                        help="ckan.datastore.default_fts_index_method (default: the ini's)")
    args = parser.parse_args()
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
        for label, path, rows in files:
            mb = os.path.getsize(path) / 1024 / 1024
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
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
