"""A stock CKAN harvests this catalogue's live ``/catalog.ttl`` with ckanext-dcat's
``dcat_rdf`` harvester (prints figures and every difference found; not a test).

    .venv/bin/python bench/dcat_stock_harvest.py                  # 300 datasets
    .venv/bin/python bench/dcat_stock_harvest.py --datasets 1000 --page-size 100
    .venv/bin/python bench/dcat_stock_harvest.py --clean-tags     # target munges tags

Source: the database of ``bench/dcat_bench.py`` for that size (``--source-db``,
generated when missing: realistic GD Catalog datasets), served by ``ckan run`` on
127.0.0.1 with the catalogue's configuration (``euro_dcat_ap_3 provincialstats``, Turtle
cache on), ``--page-size`` datasets per page, so the harvester follows the hydra paging.

Target: another CKAN in the same virtualenv with its own database (``--target-db``,
recreated), its own site URL and Redis database, and only stock plugins: ``dcat
dcat_rdf_harvester harvest`` with no scheming and no schema of this extension. CKAN
without Solr cannot index a dataset, so the target also runs ``provincialstats_search``
as its search backend (a plain CKAN search index; it knows nothing provincial). The
source is created with ``ckan harvester source create`` and harvested with ``ckan
harvester run-test`` (gather, fetch and import in one process, no queues).

Printed: the source's public datasets, the harvest job's counts and errors (gather and
object errors, grouped by message), the datasets found on the target, and for every
source dataset whether its title, its resources (URLs) and its province
(``dct:spatial``, read by the stock profile as ``spatial_uri``) arrived unchanged.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dcat_bench  # noqa: E402
import search_bench  # noqa: E402

TARGET_PLUGINS = "provincialstats_search dcat dcat_rdf_harvester harvest"
TARGET_REDIS_DB = 9
SOURCE_REDIS_DB = 10  # not dcat_bench's: its cache is left alone
TARGET_SITE = "http://harvester.test"


def write_target_ini(db: str, clean_tags: bool) -> str:
    with open(os.path.join(search_bench.ROOT, "test.ini"), encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    out = []
    for line in lines:
        key = line.split("=", 1)[0].strip()
        if key.startswith("scheming.") or key.startswith("ckanext.dcat."):
            continue
        if key == "sqlalchemy.url":
            line = "sqlalchemy.url = postgresql://ckan_default:pass@localhost/%s" % db
        elif key == "ckan.plugins":
            line = "ckan.plugins = " + TARGET_PLUGINS
            if clean_tags:
                line += "\nckanext.dcat.clean_tags = true"
        elif key == "ckan.redis.url":
            line = "ckan.redis.url = redis://localhost:6379/%d" % TARGET_REDIS_DB
        elif key == "ckan.harvest.mq.redis_db":
            line = "ckan.harvest.mq.redis_db = %d" % TARGET_REDIS_DB
        elif key == "ckan.site_url":
            line = "ckan.site_url = " + TARGET_SITE
        elif key == "ckan.site_id":
            line = "ckan.site_id = harvester.test"
        elif key == "ckan.storage_path":
            line = "ckan.storage_path = /tmp/provincialstats-stock-harvest-storage"
        out.append(line)
    path = os.path.join(search_bench.OUT, "%s.ini" % db)
    with open(path, "w", encoding="utf-8") as stream:
        stream.write("\n".join(out) + "\n")
    return path


def api(server: dcat_bench.Server, action: str, **params) -> dict:
    query = urllib.parse.urlencode(params)
    return json.loads(server.get("/api/3/action/%s?%s" % (action, query)))["result"]


def all_datasets(server: dcat_bench.Server) -> list[dict]:
    out, start = [], 0
    while True:
        page = api(server, "package_search", q="*:*", rows=1000, start=start,
                   sort="name asc")
        out += page["results"]
        start += len(page["results"])
        if not page["results"] or start >= page["count"]:
            return out


_READ_TARGET = """
import json, sys
from ckan.cli import load_config
from ckan.config.middleware import make_app
import ckan.plugins.toolkit as tk
app = make_app(load_config(sys.argv[1]))
flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app
with flask_app.test_request_context():
    act = lambda name, **data: tk.get_action(name)({"ignore_auth": True}, data)
    job = act("harvest_source_show", id="provincial")["status"]["last_job"]
    report = act("harvest_job_report", id=job["id"])
    datasets, start = [], 0
    while True:
        page = act("package_search", q="*:*", rows=1000, start=start, sort="name asc")
        datasets += page["results"]
        start += len(page["results"])
        if not page["results"] or start >= page["count"]:
            break
print(json.dumps({"job": job, "report": report, "datasets": datasets}, default=str))
"""


def read_target(ini: str) -> dict:
    """The target's last harvest job, its report and its datasets (actions run in a
    process of the target's configuration, as the site user would)."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", _READ_TARGET, ini], capture_output=True,
                          text=True)
    if done.returncode:
        raise SystemExit("reading the target failed:\n" + done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def extra(dataset: dict, key: str):
    if key in dataset:
        return dataset[key]
    return next((e["value"] for e in dataset.get("extras") or [] if e["key"] == key), None)


def compare(source: list[dict], target: list[dict], base: str) -> dict:
    """Per source dataset: found on the target (by its DCAT URI), same title, same
    resource URLs, its provinces' URIs in spatial_uri."""
    by_uri = {extra(d, "uri"): d for d in target}
    found = {"found": 0, "title": 0, "resources": 0, "spatial": 0, "problems": []}
    for dataset in source:
        uri = "%s/dataset/%s" % (base, dataset["id"])
        harvested = by_uri.get(uri)
        if harvested is None:
            found["problems"].append("%s: not on the target" % dataset["name"])
            continue
        found["found"] += 1
        if harvested["title"] == dataset["title"]:
            found["title"] += 1
        else:
            found["problems"].append("%s: title %r" % (dataset["name"], harvested["title"]))
        urls = sorted(r["url"] for r in dataset["resources"])
        if sorted(r["url"] for r in harvested["resources"]) == urls:
            found["resources"] += 1
        else:
            found["problems"].append("%s: resources %s" % (
                dataset["name"], [r["url"] for r in harvested["resources"]]))
        wanted = {"%s/vocab/provinces/%s" % (base, code)
                  for code in dataset.get("province") or []}
        spatial = extra(harvested, "spatial_uri")
        got = set(json.loads(spatial)) if spatial and spatial.startswith("[") else \
            {spatial} if spatial else set()
        if got and got <= wanted:
            found["spatial"] += 1
        else:
            found["problems"].append("%s: spatial_uri %r, provinces %s" % (
                dataset["name"], spatial, sorted(wanted)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=300, help="source catalogue size")
    parser.add_argument("--page-size", type=int, default=100,
                        help="ckanext.dcat.datasets_per_page of the source")
    parser.add_argument("--source-db", default="ckan_dcat_bench_pb_small")
    parser.add_argument("--target-db", default="ckan_dcat_stock_target")
    parser.add_argument("--clean-tags", action="store_true",
                        help="the target sets ckanext-dcat's stock option "
                             "ckanext.dcat.clean_tags = true (munges keywords into tags "
                             "CKAN's tag validator accepts)")
    args = parser.parse_args()

    print("== source: %d datasets, database %s (load average %s)" % (
        args.datasets, args.source_db, dcat_bench.loadavg()), flush=True)
    dcat_bench.prepare(args.source_db, args.datasets, reuse=True)
    source_ini = dcat_bench.write_ini(args.source_db, "provincial+cache", args.page_size,
                                      SOURCE_REDIS_DB, "-harvested")
    # the source's public URL is where it is served, so that its dataset URIs and
    # hydra paging links are the ones the harvester can follow
    port = dcat_bench.free_port()
    base = "http://127.0.0.1:%d" % port
    with open(source_ini, encoding="utf-8") as stream:
        text = stream.read().replace("ckan.site_url = http://test.ckan.net",
                                     "ckan.site_url = " + base)
    assert base in text, "no ckan.site_url line to replace in " + source_ini
    with open(source_ini, "w", encoding="utf-8") as stream:
        stream.write(text)
    dcat_bench.flush_cache(SOURCE_REDIS_DB)
    source = dcat_bench.Server(source_ini, port)
    target_ini = write_target_ini(args.target_db, args.clean_tags)
    try:
        url = "http://127.0.0.1:%d/catalog.ttl" % source.port
        print("== target: stock CKAN (%s%s), database %s" % (
            TARGET_PLUGINS, "; ckanext.dcat.clean_tags = true" if args.clean_tags else "",
            args.target_db), flush=True)
        search_bench.recreate_database(args.target_db)
        search_bench._run_ckan(target_ini, ["db", "init"])
        search_bench._run_ckan(target_ini, ["db", "upgrade", "-p", "provincialstats_search"])
        search_bench._run_ckan(target_ini, [
            "harvester", "source", "create", "provincial", url, "dcat_rdf",
            "Provincial statistics catalogue", "true", "", "MANUAL"])
        print("   harvesting %s with dcat_rdf (ckan harvester run-test) ..." % url,
              flush=True)
        seconds = search_bench._run_ckan(target_ini, ["harvester", "run-test", "provincial"])
        source_datasets = all_datasets(source)
    finally:
        source.stop()

    target = read_target(target_ini)
    job, report, target_datasets = target["job"], target["report"], target["datasets"]

    stats = job.get("stats") or {}
    print("\nharvest job: status %s, %.1f s (%.1f datasets/s, load average %s)" % (
        job["status"], seconds, len(target_datasets) / seconds, dcat_bench.loadavg()))
    print("job stats: %s" % json.dumps(stats, sort_keys=True))
    print("gather errors: %d, object errors: %d" % (
        len(report.get("gather_errors") or []), len(report.get("object_errors") or {})))
    for error in (report.get("gather_errors") or [])[:5]:
        print("   gather: %s" % error.get("message"))
    kinds = collections.Counter(
        re.sub(r'"[^"]*"', '"..."', e["message"])[:160]
        for obj in (report.get("object_errors") or {}).values() for e in obj["errors"])
    for kind, count in kinds.most_common(10):
        print("   %4d x %s" % (count, kind))
    found = compare(source_datasets, target_datasets, base)
    n = len(source_datasets)
    print("source public datasets: %d; on the target: %d" % (n, len(target_datasets)))
    print("of the source's datasets: %d found, %d same title, %d same resource URLs, "
          "%d with their province URI as spatial_uri" % (
              found["found"], found["title"], found["resources"], found["spatial"]))
    for problem in found["problems"][:10]:
        print("   " + problem)
    if target_datasets:
        sample = target_datasets[0]
        print("a harvested dataset: %s" % json.dumps({
            "title": sample["title"], "spatial_uri": extra(sample, "spatial_uri"),
            "spatial_text": extra(sample, "spatial_text"),
            "frequency": extra(sample, "frequency"),
            "resources": [(r["url"], r.get("format")) for r in sample["resources"]]},
            ensure_ascii=False))


if __name__ == "__main__":
    main()
