"""Benchmark of the PostgreSQL search backend: index rebuild rate and package_search latency.

    .venv/bin/python bench/search_bench.py                 # 5,000 then 50,000 datasets
    .venv/bin/python bench/search_bench.py --sizes 5000 --runs 20
    .venv/bin/python bench/search_bench.py --write bench/RESULTS.md

    .venv/bin/python bench/search_bench.py --sizes 50000 --reuse   # keep the database
    .venv/bin/python bench/search_bench.py --measure bench/out/ckan_bench.ini --only facets

For each size it recreates the database ``--db`` (default ``ckan_bench``, as the postgres
superuser, like scripts/dev.sh) with the catalogue's plugins (``PLUGINS``), creates
CKAN's tables and the search tables, creates one dataset through ``package_create`` and
the GD Catalog dataset schema as a template, then writes realistic datasets valid for
that schema (Thai and English titles and descriptions, authors, tags, provinces, sectors,
years, organizations, groups, resources) straight into CKAN's tables with COPY, then:

- times the parallel ``ckan provincialstats-search rebuild`` from an empty index, and the
  stock serial ``ckan search-index rebuild --only-missing`` over ``--serial-sample``
  datasets removed from the index: datasets per second, and their ratio;
- in a fresh CKAN process, runs each query of ``QUERIES`` ``--runs`` times through
  ``package_search`` (or ``package_autocomplete``) as an anonymous user (so permission
  labels apply; two facet queries as a sysadmin and on an organization page) and
  reports median and p95 in ms, first with the search result cache off (every run
  computes its answer), then on (repeated runs answered from Redis); a query the
  backend refuses is reported with its error.  For the facet queries it also says
  whether the facet summary answered them and whether its count, facets and page
  equal those counted over the matched datasets (the summary switched off); for the
  others, whether the count or ranked matches came from the doc table alone and equal
  those of joining every match to the index table ("doc table = joined").

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
from typing import Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
CKAN = os.path.join(ROOT, ".venv", "bin", "ckan")

# (label, action, parameters): package_search as an anonymous user unless said otherwise
QUERIES = [
    ("Thai word: q=ทุเรียน", "package_search", {"q": "ทุเรียน"}),
    ("two Thai words: q=ทุเรียน จันทบุรี", "package_search", {"q": "ทุเรียน จันทบุรี"}),
    ("English word: q=population", "package_search", {"q": "population"}),
    ("five facets, no q", "package_search", {"facet.field": json.dumps(
        ["organization", "groups", "tags", "res_format", "license_id"])}),
    ("facets incl. province, no q", "package_search", {"facet.field": json.dumps(
        ["organization", "tags", "res_format", "province", "stat_sector"])}),
    ("facets, signed in as sysadmin, include_private", "package_search", {
        "facet.field": json.dumps(["organization", "groups", "tags", "res_format",
                                   "license_id", "province"]),
        "include_private": True, "_user": "site"}),
    ("facets, organization page (fq=owner_org)", "package_search", {
        "facet.field": json.dumps(["organization", "groups", "tags", "res_format",
                                   "license_id", "province"]), "_org": True}),
    ("fq province + date range", "package_search", {
        "fq": "province:TH-22 metadata_modified:[2024-01-01T00:00:00Z TO NOW]"}),
    ("sort by title", "package_search", {"sort": "title_string asc"}),
    ("tokenised field: q=author:เกษตร", "package_search", {"q": "author:เกษตร"}),
    ("tokenised field: q=author:statistical", "package_search",
     {"q": "author:statistical"}),
    ("tokenised field: q=res_name:XLSX", "package_search", {"q": "res_name:XLSX"}),
    ("wildcard: q=title:rub*", "package_search", {"q": "title:rub*"}),
    ("wildcard: q=title:*rice*", "package_search", {"q": "title:*rice*"}),
    ("wildcard: q=text:*ทุเรียน*", "package_search", {"q": "text:*ทุเรียน*"}),
    ("autocomplete: package_autocomplete q=ทุเรียน", "package_autocomplete",
     {"q": "ทุเรียน", "limit": 10}),
    ("autocomplete: package_autocomplete q=mangos", "package_autocomplete",
     {"q": "mangos", "limit": 10}),
    ("date field: fq=last_updated_date:[NOW-1YEAR TO *]", "package_search",
     {"fq": "last_updated_date:[NOW-1YEAR TO *]"}),
    ("date field: sort=last_updated_date desc", "package_search",
     {"sort": "last_updated_date desc"}),
]

# The catalogue's own plugins (the rebuild and every query run through its dataset
# schema, validators and multi-valued fields).
PLUGINS = "provincialstats_search provincialstats scheming_datasets scheming_groups"

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
# values of the GD Catalog dataset schema's choice lists (schemas/dataset.yaml)
LICENSES = ["Open Data Common", "Creative Commons Attributions",
            "Creative Commons Attribution Share-Alike",
            "Creative Commons Attribution Non-Commercial",
            "Creative Commons Attribution No-Derivs"]
SECTORS = {"agriculture": "11", "population": "01", "tourism": "17", "economy": "10",
           "environment": "21", "health": "05", "education": "03", "safety": "09",
           "energy": "13", "labour": "02", "trade": "14"}
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
    path = os.path.join(OUT, "%s.ini" % db)
    with open(os.path.join(ROOT, "test.ini"), encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("sqlalchemy.url"):
            line = "sqlalchemy.url = postgresql://ckan_default:pass@localhost/%s" % db
        elif line.startswith("ckan.redis.url"):
            line = "ckan.redis.url = redis://localhost:6379/5"
        elif line.startswith("ckan.plugins"):
            line = "ckan.plugins = " + PLUGINS
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


def make_template(ini: str) -> dict:
    """Runs inside a CKAN process with the catalogue's plugins: creates one dataset of
    the demo catalogue's kind through ``package_create`` (so the dataset schema's
    validators fill in every field as they store it) and reads back its package columns
    and extras (``run_size`` then empties the tables).  ``generate`` gives every dataset
    those values."""
    import logging

    logging.disable(logging.INFO)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    from ckanext.provincialstats.demo import content

    app = make_app(load_config(ini))
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    flask_app = app.apps["flask_app"]._wsgi_app if hasattr(app, "apps") else app._wsgi_app
    with flask_app.test_request_context():
        user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        context = {"user": user, "ignore_auth": True}
        suffix = uuid.uuid4().hex[:8]
        org = tk.get_action("organization_create")(dict(context),
                                                   {"name": "bench-template-" + suffix})
        data = {k: v for k, v in content._rice("bench", "TH-22", "จันทบุรี", "Chanthaburi",
                                                None).items() if k != "resources"}
        data.update(name="bench-template-" + suffix, owner_org=org["id"],
                    tags=[{"name": t} for t in data["tags"]])
        created = tk.get_action("package_create")(dict(context), data)
        package = model.Package.get(created["id"])
        template = {
            "package": {c: getattr(package, c) for c in (
                "maintainer", "maintainer_email", "url", "version")},
            "extras": dict(package.extras),
        }
    return template


def _extras(template: dict, codes: list[str], sector: str, year: int) -> dict:
    """The template's extras with this dataset's provinces, sector and years (BE, and
    the CE years derived as logic/years.py derives them)."""
    extras = dict(template["extras"])
    first = year - (year % 3)
    extras.update(province=json.dumps(codes), stat_sector=sector,
                  first_year_of_data=str(first + 543), last_year_of_data=str(year + 543))
    derived = {"first_year_ce": str(first), "last_year_ce": str(year),
               "num_years": str(year - first + 1)}
    extras.update({k: v for k, v in derived.items() if k in extras})
    return extras


def generate(db: str, size: int, template: dict, seed: int = 7) -> None:
    """Datasets written straight into CKAN's tables (package, package_extra, resource,
    tag, package_tag, group, member): COPY, no CKAN actions; every field valid for the
    catalogue's dataset schema (the template's values, with varied titles, provinces,
    sectors, years, tags, resources, organizations and groups)."""
    import psycopg2

    rnd = random.Random(seed)
    # Dates relative to today, so that queries like last_updated_date:[NOW-1YEAR TO *]
    # match a realistic share of the catalogue whenever the bench runs.
    now = datetime.datetime.combine(datetime.date.today(), datetime.time())
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
        author = ("Provincial Statistical Office of %s" % province[2] if english
                  else "%s%s" % (AGENCIES[i % len(AGENCIES)], province[1]))
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
        core = template["package"]
        packages.append((pid, "dataset-%06d" % i, title, notes, "active", "dataset",
                         org[0], private, rnd.choice(LICENSES), modified - datetime.timedelta(
                             days=rnd.randrange(400)), modified, core["version"], author,
                         core["maintainer"], core["maintainer_email"], core["url"]))
        codes = [province[0]] + ([PROVINCES[rnd.randrange(len(PROVINCES))][0]]
                                 if rnd.random() < 0.2 else [])
        dataset_extras = _extras(template, sorted(set(codes)), SECTORS[topic[3]], year)
        # The schema's own date field (a date in CKAN's Solr schema: *_date).
        dataset_extras["last_updated_date"] = (modified - datetime.timedelta(
            days=rnd.randrange(30))).date().isoformat()
        for key, value in dataset_extras.items():
            extras.append((str(uuid.uuid4()), pid, key, value, "active"))
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
                                  "metadata_modified", "version", "author", "maintainer",
                                  "maintainer_email", "url"], packages)
        _copy(cursor, "package_extra", ["id", "package_id", "key", "value", "state"], extras)
        _copy(cursor, "package_tag", ["id", "package_id", "tag_id", "state"], package_tags)
        _copy(cursor, "resource", ["id", "package_id", "url", "format", "name",
                                   "description", "position", "state", "created",
                                   "metadata_modified"], resources)
        _copy(cursor, "member", ["id", "group_id", "table_id", "state", "table_name",
                                 "capacity"], members)
        cursor.execute("ANALYZE")
    conn.close()


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, int(round(share * len(sorted_values))) - 1)]


def _time_query(tk, action: str, params: dict, runs: int) -> dict:
    """Median and p95 of ``runs`` calls after 3 warm-up calls; a refused query (any
    error) is reported with its message instead of timings."""
    timings, hits = [], None
    params = _resolve(tk, params)
    user = params.pop("_user", "")
    for i in range(runs + 3):
        context = {"user": user, "ignore_auth": False}
        data = dict(params, rows=20) if action == "package_search" else dict(params)
        started = time.perf_counter()
        try:
            result = tk.get_action(action)(context, data)
        except Exception as error:  # noqa: BLE001 - reported, the bench goes on
            message = getattr(error, "error_dict", None) or str(error)
            return {"error": "%s: %s" % (type(error).__name__, message)}
        elapsed = (time.perf_counter() - started) * 1000
        hits = result["count"] if isinstance(result, dict) else len(result)
        if i >= 3:  # warm-up runs not counted
            timings.append(elapsed)
    timings.sort()
    return {"hits": hits, "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(_percentile(timings, 0.95), 1)}


def _resolve(tk, params: dict) -> dict:
    """``_user: site``: the site user (a sysadmin); ``_org``: filter on the organization
    with the most datasets (an organization page)."""
    params = dict(params)
    if params.get("_user") == "site":
        params["_user"] = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    if params.pop("_org", False):
        facets = tk.get_action("package_search")(
            {"ignore_auth": True}, {"rows": 0, "facet.field": json.dumps(["owner_org"]),
                                    "facet.limit": 1})["facets"]["owner_org"]
        params["fq"] = 'owner_org:"%s"' % next(iter(facets))
    return params


def facets_agree(tk, action: str, params: dict) -> Optional[bool]:
    """Whether the count and facets of a search the facet summary answers equal those
    counted over the matched datasets (the summary switched off); None: not a search
    the summary answers."""
    from ckanext.provincialstats.search import query, summary

    params = _resolve(tk, params)
    user = params.pop("_user", "")
    used = []
    real_statement, real_answers = query._summary_statement, summary.answers
    query._summary_statement = lambda *a, **kw: used.append(1) or real_statement(*a, **kw)
    try:
        summed = tk.get_action(action)({"user": user, "ignore_auth": False},
                                       dict(params, rows=20))
        summary.answers = lambda *a, **kw: False
        counted = tk.get_action(action)({"user": user, "ignore_auth": False},
                                        dict(params, rows=20))
    finally:
        query._summary_statement, summary.answers = real_statement, real_answers
    if not used:
        return None
    return (summed["count"], summed["facets"], [d["id"] for d in summed["results"]]) == (
        counted["count"], counted["facets"], [d["id"] for d in counted["results"]])


def doc_table_agrees(tk, params: dict) -> Optional[bool]:
    """Whether a search answered from the doc table alone (its count, or its ranked
    matches: ``query._signature_count``, ``query._doc_ranked_statement``) gives the same
    count and page as joining every match to the index table; None: not such a search."""
    from ckanext.provincialstats.search import query

    params = _resolve(tk, params)
    user = params.pop("_user", "")
    used = []
    real = query._signature_count, query._doc_ranked_statement
    query._signature_count = lambda *a: (lambda r: used.append(r) or r)(real[0](*a))
    query._doc_ranked_statement = lambda *a: (lambda r: used.append(r) or r)(real[1](*a))
    try:
        fast = tk.get_action("package_search")({"user": user, "ignore_auth": False},
                                               dict(params, rows=20))
        query._signature_count = query._doc_ranked_statement = lambda *a: None
        joined = tk.get_action("package_search")({"user": user, "ignore_auth": False},
                                                 dict(params, rows=20))
    finally:
        query._signature_count, query._doc_ranked_statement = real
    if not any(used):
        return None
    return (fast["count"], [d["id"] for d in fast["results"]]) == (
        joined["count"], [d["id"] for d in joined["results"]])


def measure(ini: str, runs: int, only: Optional[list[str]] = None) -> dict:
    """Runs inside a fresh CKAN process: the queries (``only``: labels containing one of
    these strings)."""
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
        model.Session.execute(sa.text("ANALYZE provincialstats_search_doc"))
        model.Session.commit()
        from ckan.lib.redis import connect_to_redis

        from ckanext.provincialstats.search import cache

        redis = connect_to_redis()
        figures = []
        for label, action, params in QUERIES:
            if only and not any(o in label for o in only):
                continue
            figure = {"query": label}
            # uncached: every run computes the answer (the figures of the query plans)
            tk.config["ckanext.provincialstats.search.cache_ttl"] = 0
            figure.update(_time_query(tk, action, params, runs))
            model.Session.rollback()
            # cached: the same search again, answered from the result cache (the first
            # warm-up run computes and stores it)
            for key in redis.scan_iter(cache.PREFIX + "*"):
                redis.delete(key)
            tk.config["ckanext.provincialstats.search.cache_ttl"] = 300
            cached = _time_query(tk, action, params, runs)
            model.Session.rollback()
            if "error" not in cached:
                figure.update(cached_median_ms=cached["median_ms"],
                              cached_p95_ms=cached["p95_ms"])
            if action == "package_search" and "facet.field" in params:
                tk.config["ckanext.provincialstats.search.cache_ttl"] = 0
                figure["summary_agrees"] = facets_agree(tk, action, params)
                model.Session.rollback()
            elif action == "package_search":
                tk.config["ckanext.provincialstats.search.cache_ttl"] = 0
                figure["doc_agrees"] = doc_table_agrees(tk, params)
                model.Session.rollback()
            figures.append(figure)
    return {"queries": figures}


def _run_ckan(ini: str, command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([CKAN, "-c", ini] + command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit("ckan %s failed:\n%s" % (" ".join(command), done.stderr[-3000:]))
    return time.perf_counter() - started


def timed_rebuild(ini: str, db: str) -> float:
    """Empty the index, run the parallel rebuild, check every dataset is back: seconds."""
    as_postgres("psql", "-qd", db, "-c", "TRUNCATE provincialstats_search_index CASCADE")
    seconds = _run_ckan(ini, ["provincialstats-search", "rebuild"])
    indexed = _count(db, "SELECT count(*) FROM provincialstats_search_index")
    datasets = _count(db, "SELECT count(*) FROM package")
    assert indexed == datasets, ("parallel rebuild", indexed, datasets)
    return seconds


def timed_serial_sample(ini: str, db: str, sample: int) -> float:
    """Remove ``sample`` datasets from the index and time the stock serial rebuild that
    puts them back (``ckan search-index rebuild --only-missing``): seconds.  A sample,
    because the serial rebuild of 50,000 datasets takes most of an hour here."""
    as_postgres("psql", "-qd", db, "-c",
                "DELETE FROM provincialstats_search_index WHERE id IN (SELECT id FROM "
                "provincialstats_search_index ORDER BY md5(id) LIMIT %d)" % sample)
    seconds = _run_ckan(ini, ["search-index", "rebuild", "--only-missing", "-q"])
    indexed = _count(db, "SELECT count(*) FROM provincialstats_search_index")
    datasets = _count(db, "SELECT count(*) FROM package")
    assert indexed == datasets, ("serial rebuild", indexed, datasets)
    return seconds


def _count(db: str, sql: str) -> int:
    out = as_postgres("psql", "-tAd", db, "-c", sql, check=False).strip()
    return int(out) if out.isdigit() else -1


def reusable(db: str, size: int) -> bool:
    """The database exists, holds ``size`` datasets, all of them indexed."""
    exists = as_postgres("psql", "-tAc", "SELECT 1 FROM pg_database WHERE datname = '%s'"
                         % db.replace("'", "")).strip() == "1"
    return exists and _count(db, "SELECT count(*) FROM package") == size and _count(
        db, "SELECT count(*) FROM provincialstats_search_index") == size


def run_size(size: int, db: str, runs: int, serial_sample: int,
             reuse: bool = False) -> dict:
    print("== %d datasets: database %s" % (size, db), flush=True)
    ini = write_ini(db)
    result = {"datasets": size, "rebuild": {}}
    if reuse and reusable(db, size):
        print("   reusing the database (--reuse): no generation, no rebuild", flush=True)
        _run_ckan(ini, ["db", "upgrade", "-p", "provincialstats_search"])
    else:
        recreate_database(db)
        _run_ckan(ini, ["db", "init"])
        _run_ckan(ini, ["db", "upgrade", "-p", "provincialstats_search"])
        started = time.perf_counter()
        template = json.loads(subprocess.run(
            [sys.executable, __file__, "--template", ini], check=True, capture_output=True,
            text=True).stdout.strip().splitlines()[-1])
        as_postgres("psql", "-qd", db, "-c", 'TRUNCATE package, "group", tag, activity, '
                    "provincialstats_search_index CASCADE")
        generate(db, size, template)
        print("   generated in %.1f s (fields from a package_create through the dataset "
              "schema)" % (time.perf_counter() - started), flush=True)
        seconds = timed_rebuild(ini, db)
        result["rebuild"]["parallel"] = {"datasets": size, "seconds": round(seconds, 1),
                                         "rate": round(size / seconds)}
        print("   rebuild (ckan provincialstats-search rebuild, %d workers): %d datasets "
              "in %.1f s = %.0f datasets/s" % (os.cpu_count(), size, seconds, size / seconds),
              flush=True)
        sample = min(serial_sample, size)
        if sample > 0:
            seconds = timed_serial_sample(ini, db, sample)
            result["rebuild"]["serial"] = {"datasets": sample, "seconds": round(seconds, 1),
                                           "rate": round(sample / seconds)}
            print("   rebuild (stock ckan search-index rebuild --only-missing, serial): %d "
                  "datasets in %.1f s = %.0f datasets/s; parallel / stock = %.1fx" % (
                      sample, seconds, sample / seconds,
                      result["rebuild"]["parallel"]["rate"] / (sample / seconds)),
                  flush=True)
    output = subprocess.run([sys.executable, __file__, "--measure", ini, "--runs", str(runs)],
                            check=True, capture_output=True, text=True).stdout
    result.update(json.loads(output.strip().splitlines()[-1]))
    for q in result["queries"]:
        print("   " + _figure_line(q))
    return result


def _figure_line(q: dict) -> str:
    if "error" in q:
        return "%-50s refused: %s" % (q["query"], q["error"][:200])
    return "%-50s hits %6d  median %6.1f ms  p95 %6.1f ms  cached: median %5.1f ms  " \
        "p95 %5.1f ms%s" % (q["query"], q["hits"], q["median_ms"], q["p95_ms"],
                            q.get("cached_median_ms", -1), q.get("cached_p95_ms", -1),
                            _agreement(q))


def _agreement(q: dict) -> str:
    """Whether the facet summary or the doc table alone answered, and agreed with
    counting the matches joined to the index table."""
    if "doc_agrees" in q:
        return {None: "", True: "; doc table = joined",
                False: "; DOC TABLE DIFFERS FROM JOINED"}[q["doc_agrees"]]
    if "summary_agrees" not in q:
        return ""
    return {None: "; counted (no summary)", True: "; summary = counted",
            False: "; SUMMARY DIFFERS FROM COUNTED"}[q["summary_agrees"]]


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
        "is the 95th percentile of those runs. First with the search result cache off "
        "(`cache_ttl = 0`: every run computes its answer), then with it on (the same "
        "search repeated with the index unchanged: the first warm-up run computes and "
        "stores the answer, the timed runs are answered from Redis)." % (command, runs),
        "",
        "| | " + " | ".join("%d datasets" % r["datasets"] for r in results) + " |",
        "|---|" + "---|" * len(results),
        "| rebuild, `ckan provincialstats-search rebuild` (%d workers, from empty) | "
        % os.cpu_count() + " | ".join(_rate(r, "parallel") for r in results) + " |",
        "| rebuild, stock `ckan search-index rebuild --only-missing` (serial, a sample "
        "removed from the index) | " + " | ".join(_rate(r, "serial") for r in results)
        + " |",
        "| parallel rebuild / stock rebuild, datasets per second | " + " | ".join(
            "%.1fx" % (r["rebuild"]["parallel"]["rate"] / r["rebuild"]["serial"]["rate"])
            if "serial" in r["rebuild"] and "parallel" in r["rebuild"] else "not run"
            for r in results) + " |",
    ]
    for i, (label, _, _) in enumerate(QUERIES):
        lines.append("| %s | " % label + " | ".join(
            _cell(r["queries"][i]) for r in results) + " |")
    return "\n".join(lines) + "\n"


def _rate(result: dict, kind: str) -> str:
    figure = result["rebuild"].get(kind)
    if figure is None:
        return "not run (--reuse or --serial-sample 0)"
    return "%d datasets/s (%d in %s s)" % (figure["rate"], figure["datasets"],
                                           figure["seconds"])


def _cell(q: dict) -> str:
    if "error" in q:
        return "refused: %s" % q["error"][:120].replace("|", "/")
    cell = "median %.1f ms, p95 %.1f ms (%d hits)" % (q["median_ms"], q["p95_ms"],
                                                      q["hits"])
    if "cached_p95_ms" in q:
        cell += "; cached: median %.1f ms, p95 %.1f ms" % (q["cached_median_ms"],
                                                          q["cached_p95_ms"])
    return cell + _agreement(q)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000],
                        help="dataset counts to benchmark, in order")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query")
    parser.add_argument("--db", default="ckan_bench", help="database to (re)create")
    parser.add_argument("--serial-sample", type=int, default=2000,
                        help="datasets removed from the index and put back by the stock "
                             "serial rebuild, to compare its rate (0: skip)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the database if it already holds exactly that many "
                             "indexed datasets (skips generation and the rebuilds)")
    parser.add_argument("--write", metavar="FILE",
                        help="also write the table as Markdown to FILE")
    parser.add_argument("--only", nargs="+", metavar="TEXT",
                        help="with --measure: only the queries whose label contains TEXT")
    parser.add_argument("--measure", metavar="INI",
                        help="only time the queries against the database of this "
                             "config (bench/out/<db>.ini), printing JSON")
    parser.add_argument("--template", metavar="INI", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.template:
        print(json.dumps(make_template(args.template), default=str))
        return
    if args.measure:
        figures = measure(args.measure, args.runs, args.only)
        for q in figures["queries"]:
            print(_figure_line(q), file=sys.stderr)
        print(json.dumps(figures, ensure_ascii=False))
        return
    results = [run_size(size, args.db, args.runs, args.serial_sample, args.reuse)
               for size in args.sizes]
    table = markdown(results, args.runs, " ".join(["bench/search_bench.py"] + sys.argv[1:]))
    print()
    print(table)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as stream:
            stream.write(table)


if __name__ == "__main__":
    main()
