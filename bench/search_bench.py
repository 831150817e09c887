"""Benchmark of the PostgreSQL search backend: index rebuild rate and package_search latency.

    .venv/bin/python bench/search_bench.py                 # 5,000 then 50,000 datasets
    .venv/bin/python bench/search_bench.py --sizes 5000 --runs 20
    .venv/bin/python bench/search_bench.py --write bench/RESULTS.md

For each size it recreates the database ``ckan_bench`` (as the postgres superuser, like
scripts/dev.sh), creates CKAN's tables and the search tables, writes realistic datasets
(Thai and English titles and descriptions, tags, provinces, organizations, groups,
resources) straight into CKAN's tables with COPY, then, in a fresh CKAN process:

- times ``ckan.lib.search.rebuild()`` (what ``ckan search-index rebuild`` runs) over every
  dataset: datasets per second;
- runs each query below ``--runs`` times through the ``package_search`` action as an
  anonymous user (so permission labels apply) and reports median and p95 in ms.

It prints figures; it is not a test.  Nothing it does touches other databases.
"""
from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
CKAN = os.path.join(ROOT, ".venv", "bin", "ckan")

QUERIES = [
    ("Thai word: q=ทุเรียน", {"q": "ทุเรียน"}),
    ("two Thai words: q=ทุเรียน จันทบุรี", {"q": "ทุเรียน จันทบุรี"}),
    ("English word: q=population", {"q": "population"}),
    ("five facets, no q", {"facet.field": json.dumps(
        ["organization", "groups", "tags", "res_format", "license_id"])}),
    ("fq province + date range", {
        "fq": "province:TH-22 metadata_modified:[2024-01-01T00:00:00Z TO NOW]"}),
    ("sort by title", {"sort": "title_string asc"}),
]

PROVINCES = [
    ("TH-10", "กรุงเทพมหานคร", "Bangkok"), ("TH-22", "จันทบุรี", "Chanthaburi"),
    ("TH-21", "ระยอง", "Rayong"), ("TH-50", "เชียงใหม่", "Chiang Mai"),
    ("TH-13", "ปทุมธานี", "Pathum Thani"), ("TH-30", "นครราชสีมา", "Nakhon Ratchasima"),
    ("TH-40", "ขอนแก่น", "Khon Kaen"), ("TH-83", "ภูเก็ต", "Phuket"),
    ("TH-90", "สงขลา", "Songkhla"), ("TH-65", "พิษณุโลก", "Phitsanulok"),
    ("TH-23", "ตราด", "Trat"), ("TH-80", "นครศรีธรรมราช", "Nakhon Si Thammarat"),
    ("TH-57", "เชียงราย", "Chiang Rai"), ("TH-34", "อุบลราชธานี", "Ubon Ratchathani"),
    ("TH-20", "ชลบุรี", "Chon Buri"), ("TH-41", "อุดรธานี", "Udon Thani"),
]
TOPICS = [
    ("การผลิตทุเรียน", "durian production", "เกษตร", "agriculture"),
    ("การผลิตมังคุด", "mangosteen production", "เกษตร", "agriculture"),
    ("ประชากรตามทะเบียนบ้าน", "registered population", "ประชากร", "population"),
    ("นักท่องเที่ยว", "tourist arrivals", "ท่องเที่ยว", "tourism"),
    ("ผลิตภัณฑ์มวลรวมจังหวัด", "gross provincial product", "เศรษฐกิจ", "economy"),
    ("ปริมาณน้ำฝน", "rainfall", "สิ่งแวดล้อม", "environment"),
    ("ผู้ป่วยโรคไข้เลือดออก", "dengue fever patients", "สาธารณสุข", "health"),
    ("นักเรียนและครู", "students and teachers", "การศึกษา", "education"),
    ("อุบัติเหตุทางถนน", "road accidents", "ความปลอดภัย", "safety"),
    ("การใช้ไฟฟ้า", "electricity consumption", "พลังงาน", "energy"),
    ("แรงงานและการจ้างงาน", "labour force and employment", "แรงงาน", "labour"),
    ("พื้นที่ป่าไม้", "forest area", "สิ่งแวดล้อม", "environment"),
    ("การส่งออกผลไม้", "fruit exports", "การค้า", "trade"),
    ("ราคายางพารา", "rubber prices", "เกษตร", "agriculture"),
]
AGENCIES = ["สำนักงานสถิติจังหวัด", "สำนักงานเกษตรจังหวัด", "สำนักงานสาธารณสุขจังหวัด",
            "สำนักงานพาณิชย์จังหวัด", "สำนักงานท่องเที่ยวและกีฬาจังหวัด"]
LICENSES = ["cc-by", "cc-by-sa", "odc-by", "other-open", "notspecified"]
FORMATS = ["CSV", "XLSX", "PDF", "JSON", "API"]


def as_postgres(*args: str, check: bool = True) -> str:
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else [
        "sudo", "-u", "postgres"]
    return subprocess.run(runner + list(args), check=check, capture_output=True,
                          text=True).stdout


def recreate_database(db: str) -> None:
    as_postgres("dropdb", "--if-exists", db)
    as_postgres("createdb", "-O", "ckan_default", "-E", "UTF8", "--lc-ctype=C.UTF-8",
                "--lc-collate=C.UTF-8", "-T", "template0", db)
    as_postgres("psql", "-qd", db, "-c", "create extension if not exists pg_trgm")


def write_ini(db: str) -> str:
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "bench.ini")
    with open(os.path.join(ROOT, "test.ini"), encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("sqlalchemy.url"):
            line = "sqlalchemy.url = postgresql://ckan_default:pass@localhost/%s" % db
        elif line.startswith("ckan.redis.url"):
            line = "ckan.redis.url = redis://localhost:6379/5"
        elif line.startswith("ckan.plugins"):
            line = "ckan.plugins = provincialstats_search"
        elif line.startswith("ckan.harvest.mq.redis_db"):
            line = "ckan.harvest.mq.redis_db = 5"
        elif line.startswith("level = INFO"):
            line = "level = WARN"
        out.append(line)
    with open(path, "w", encoding="utf-8") as stream:
        stream.write("\n".join(out) + "\n")
    return path


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert("COPY %s (%s) FROM STDIN" % (table, ", ".join(columns)), buffer)


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


def generate(db: str, size: int, seed: int = 7) -> None:
    """Datasets written straight into CKAN's tables (package, package_extra, resource,
    tag, package_tag, group, member): COPY, no CKAN actions."""
    import psycopg2

    rnd = random.Random(seed)
    now = datetime.datetime(2025, 11, 1)
    orgs = [(str(uuid.uuid4()), "org-%02d" % i,
             "%s%s" % (AGENCIES[i % len(AGENCIES)], PROVINCES[i % len(PROVINCES)][1]))
            for i in range(40)]
    groups = [(str(uuid.uuid4()), "theme-%s" % t[3], "หมวด%s" % t[2]) for t in TOPICS[:10]]
    groups = list({g[1]: g for g in groups}.values())
    tag_names = sorted({t[2] for t in TOPICS} | {t[3] for t in TOPICS}
                       | {"สถิติ", "statistics", "open-data", "ข้อมูลเปิด", "รายปี",
                          "annual", "monthly", "รายเดือน"}
                       | {"year-%d" % y for y in range(2015, 2026)})
    tags = {name: str(uuid.uuid4()) for name in tag_names}

    packages, extras, resources, package_tags, members = [], [], [], [], []
    for i in range(size):
        pid = str(uuid.uuid4())
        topic = TOPICS[rnd.randrange(len(TOPICS))]
        province = PROVINCES[rnd.randrange(len(PROVINCES))]
        year = rnd.randint(2015, 2025)
        org = orgs[rnd.randrange(len(orgs))]
        english = rnd.random() < 0.3
        if english:
            title = "%s statistics, %s province %d" % (topic[1].capitalize(), province[2],
                                                        year)
            notes = ("Annual %s figures for %s collected by the provincial statistics "
                     "office, by district and month." % (topic[1], province[2]))
        else:
            title = "สถิติ%sจังหวัด%s ปี %d" % (topic[0], province[1], year + 543)
            notes = ("ข้อมูล%sของจังหวัด%s จำแนกรายอำเภอและรายเดือน จัดทำโดย%s "
                     "(%s statistics)" % (topic[0], province[1], org[2], topic[1]))
        modified = now - datetime.timedelta(minutes=rnd.randrange(60 * 24 * 365 * 8))
        private = rnd.random() < 0.05
        packages.append((pid, "dataset-%06d" % i, title, notes, "active", "dataset",
                         org[0], private, rnd.choice(LICENSES), modified - datetime.timedelta(
                             days=rnd.randrange(400)), modified, "1.0"))
        codes = [province[0]] + ([PROVINCES[rnd.randrange(len(PROVINCES))][0]]
                                 if rnd.random() < 0.2 else [])
        extras.append((str(uuid.uuid4()), pid, "province", json.dumps(sorted(set(codes))),
                       "active"))
        extras.append((str(uuid.uuid4()), pid, "stat_sector", topic[3], "active"))
        for name in {topic[2], topic[3], "year-%d" % year,
                     rnd.choice(["สถิติ", "statistics", "annual", "รายเดือน"])}:
            package_tags.append((str(uuid.uuid4()), pid, tags[name], "active"))
        for position in range(rnd.randint(1, 3)):
            fmt = rnd.choice(FORMATS)
            resources.append((str(uuid.uuid4()), pid,
                              "https://data.example.go.th/%s/%d.%s" % (pid[:8], position,
                                                                       fmt.lower()),
                              fmt, "%s %s" % (topic[0], fmt), "ตาราง%s ปี %d" % (topic[0],
                                                                             year + 543),
                              position, "active", modified, modified))
        if rnd.random() < 0.4:
            group = groups[rnd.randrange(len(groups))]
            members.append((str(uuid.uuid4()), group[0], pid, "active", "package", "public"))

    created = now - datetime.timedelta(days=3000)
    conn = psycopg2.connect("dbname=%s user=ckan_default password=pass host=localhost" % db)
    with conn, conn.cursor() as cursor:
        _copy(cursor, '"group"', ["id", "name", "title", "description", "created", "state",
                                  "type", "approval_status", "is_organization"],
              [(o[0], o[1], o[2], "", created, "active", "organization", "approved", True)
               for o in orgs] +
              [(g[0], g[1], g[2], "", created, "active", "group", "approved", False)
               for g in groups])
        _copy(cursor, "tag", ["id", "name"], [(tid, name) for name, tid in tags.items()])
        _copy(cursor, "package", ["id", "name", "title", "notes", "state", "type",
                                  "owner_org", "private", "license_id", "metadata_created",
                                  "metadata_modified", "version"], packages)
        _copy(cursor, "package_extra", ["id", "package_id", "key", "value", "state"], extras)
        _copy(cursor, "package_tag", ["id", "package_id", "tag_id", "state"], package_tags)
        _copy(cursor, "resource", ["id", "package_id", "url", "format", "name",
                                   "description", "position", "state", "created",
                                   "metadata_modified"], resources)
        _copy(cursor, "member", ["id", "group_id", "table_id", "state", "table_name",
                                 "capacity"], members)
        cursor.execute("ANALYZE")
    conn.close()


def measure(ini: str, runs: int) -> dict:
    """Runs inside a fresh CKAN process: rebuild, then the queries."""
    import logging

    logging.disable(logging.INFO)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    import sqlalchemy as sa

    flask_app = app.apps["flask_app"]._wsgi_app if hasattr(app, "apps") else app._wsgi_app
    with flask_app.test_request_context():
        model.Session.execute(sa.text("ANALYZE provincialstats_search_index"))
        model.Session.commit()

        figures = []
        for label, params in QUERIES:
            timings, hits = [], None
            for i in range(runs + 3):
                context = {"user": "", "ignore_auth": False}
                started = time.perf_counter()
                result = tk.get_action("package_search")(context, dict(params, rows=20))
                elapsed = (time.perf_counter() - started) * 1000
                hits = result["count"]
                if i >= 3:  # warm-up runs not counted
                    timings.append(elapsed)
            timings.sort()
            figures.append({
                "query": label, "hits": hits,
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[max(0, int(round(0.95 * len(timings))) - 1)], 1),
            })
    return {"queries": figures}


def timed_rebuild(ini: str, db: str, command: list[str]) -> float:
    """Empty the index, run a rebuild command, check every dataset is back: seconds."""
    as_postgres("psql", "-qd", db, "-c", "TRUNCATE provincialstats_search_index CASCADE")
    started = time.perf_counter()
    subprocess.run([CKAN, "-c", ini] + command, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    indexed = int(as_postgres("psql", "-tAd", db, "-c",
                              "SELECT count(*) FROM provincialstats_search_index"))
    datasets = int(as_postgres("psql", "-tAd", db, "-c", "SELECT count(*) FROM package"))
    assert indexed == datasets, (command, indexed, datasets)
    return seconds


def run_size(size: int, db: str, runs: int, serial_max: int) -> dict:
    print("== %d datasets: database %s" % (size, db), flush=True)
    recreate_database(db)
    ini = write_ini(db)
    subprocess.run([CKAN, "-c", ini, "db", "init"], check=True, capture_output=True)
    subprocess.run([CKAN, "-c", ini, "db", "upgrade", "-p", "provincialstats_search"],
                   check=True, capture_output=True)
    started = time.perf_counter()
    generate(db, size)
    print("   generated in %.1f s" % (time.perf_counter() - started), flush=True)
    result = {"datasets": size, "rebuild": {}}
    commands = [("parallel", ["provincialstats-search", "rebuild"])]
    if size <= serial_max:
        commands.append(("serial", ["search-index", "rebuild", "-q"]))
    for kind, command in commands:
        seconds = timed_rebuild(ini, db, command)
        result["rebuild"][kind] = {"seconds": round(seconds, 1), "rate": round(size / seconds)}
        print("   rebuild (ckan %s): %d datasets in %.1f s = %d datasets/s"
              % (" ".join(command), size, seconds, size / seconds), flush=True)
    output = subprocess.run([sys.executable, __file__, "--measure", ini, "--runs", str(runs)],
                            check=True, capture_output=True, text=True).stdout
    result.update(json.loads(output.strip().splitlines()[-1]))
    for q in result["queries"]:
        print("   %-45s hits %6d  median %6.1f ms  p95 %6.1f ms"
              % (q["query"], q["hits"], q["median_ms"], q["p95_ms"]))
    return result


def markdown(results: list[dict], runs: int, command: str) -> str:
    lines = [
        "# Search backend benchmark",
        "",
        "Measured %s on this machine: %d CPU cores, %s, Python %s, PostgreSQL %s." % (
            datetime.date.today().isoformat(), os.cpu_count(), platform.platform(),
            platform.python_version(),
            as_postgres("psql", "-tAc", "show server_version").strip()),
        "",
        "Command: `%s`. Datasets are written straight into CKAN's tables (COPY), the "
        "rebuild commands are timed as subprocesses (CKAN start-up included) from an "
        "empty index, then each query runs %d times through `package_search` as an "
        "anonymous user (permission labels applied), rows=20, after 3 warm-up runs; p95 "
        "is the 95th percentile of those runs." % (command, runs),
        "",
        "| | " + " | ".join("%d datasets" % r["datasets"] for r in results) + " |",
        "|---|" + "---|" * len(results),
        "| rebuild, `ckan provincialstats-search rebuild` (%d workers, from empty) | "
        % os.cpu_count() + " | ".join(
            "%d datasets/s (%s s)" % (r["rebuild"]["parallel"]["rate"],
                                      r["rebuild"]["parallel"]["seconds"])
            for r in results) + " |",
        "| rebuild, stock `ckan search-index rebuild` (serial, from empty) | " + " | ".join(
            "%d datasets/s (%s s)" % (r["rebuild"]["serial"]["rate"],
                                      r["rebuild"]["serial"]["seconds"])
            if "serial" in r["rebuild"] else "not run (--serial-max)"
            for r in results) + " |",
    ]
    for i, (label, _) in enumerate(QUERIES):
        lines.append("| %s | " % label + " | ".join(
            "median %.1f ms, p95 %.1f ms (%d hits)" % (
                r["queries"][i]["median_ms"], r["queries"][i]["p95_ms"],
                r["queries"][i]["hits"]) for r in results) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000],
                        help="dataset counts to benchmark, in order")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query")
    parser.add_argument("--db", default="ckan_bench", help="database to (re)create")
    parser.add_argument("--serial-max", type=int, default=5000,
                        help="also time the serial stock rebuild up to this size")
    parser.add_argument("--write", metavar="FILE",
                        help="also write the table as Markdown to FILE")
    parser.add_argument("--measure", metavar="INI", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return
    results = [run_size(size, args.db, args.runs, args.serial_max) for size in args.sizes]
    table = markdown(results, args.runs, " ".join(["bench/search_bench.py"] + sys.argv[1:]))
    print()
    print(table)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as stream:
            stream.write(table)


if __name__ == "__main__":
    main()
