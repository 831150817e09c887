"""Peak memory of the web process serving one DCAT catalogue page, per format and page
size, the stock ``euro_dcat_ap_3`` profile beside ``euro_dcat_ap_3 provincialstats``.

    flock -s /tmp/bench.lock .venv/bin/python bench/dcat_memory.py
    .venv/bin/python bench/dcat_memory.py --sizes 100 1000 --formats ttl rdf

On the database of ``bench/dcat_bench.py`` (``--db``, default ``ckan_dcat_bench``, 10,000
datasets; made by ``dcat_bench.py``, not here: this script only reads it), for each page
size (``ckanext.dcat.datasets_per_page``) and format it starts one fresh ``ckan run``
web process per variant (both at once, inis written by ``dcat_bench.write_ini`` with the
suffix ``-mem``), asks each an empty page past the end (untimed: the profiles, templates
and search are loaded), reads its resident set (``VmRSS``, the ``before`` column),
resets its peak (``VmHWM``) to that through ``/proc/PID/clear_refs``, asks it
``/catalog.<fmt>?page=1`` and reads its peak again (``peak``; ``grew`` is peak - before).
A fresh process for each page: a page's memory, once taken, stays with the process
(Python's allocator keeps it), so the next page would not show its own peak.

Variants: ``stock`` (ckanext-dcat's own path: the page's whole graph, serialised at once)
and ``provincial`` (``euro_dcat_ap_3 provincialstats``, Turtle cache off: Turtle in
chunks from ``dcat/turtle_cache.py``, RDF/XML and JSON-LD in chunks from
``dcat/rdf_stream.py``). ``ckan.search.rows_max`` is raised to the largest page size
(CKAN's default, 1,000, silently cuts ckanext-dcat's single search for a larger page: the
``datasets`` column counts the ``dcat:Dataset`` nodes of the page as served).

RSS hardly depends on the machine's load; the ``s`` column (client wall time of the
page) does, and is printed for orientation only: it is not the verdict on speed
(``bench/dcat_bench.py`` is). Prints figures; not a test.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dcat_bench  # noqa: E402  (bench/ is not a package)
import search_bench  # noqa: E402

VARIANTS = ("stock", "provincial")
FORMATS = ("ttl", "rdf", "jsonld")
PARSERS = {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld"}


def write_ini(db: str, variant: str, page_size: int) -> str:
    """dcat_bench's ini for ``variant`` (suffix ``-mem``), with ``ckan.search.rows_max``
    at least the page size."""
    path = dcat_bench.write_ini(db, variant, page_size, suffix="-mem")
    with open(path, encoding="utf-8") as stream:
        lines = [line for line in stream.read().splitlines()
                 if not line.startswith("ckan.search.rows_max")]
    at = next(i for i, line in enumerate(lines) if line.startswith("ckan.plugins")) + 1
    lines.insert(at, "ckan.search.rows_max = %d" % max(1000, page_size))
    with open(path, "w", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    return path


def reset_peak(pid: int) -> None:
    with open("/proc/%d/clear_refs" % pid, "w") as stream:
        stream.write("5")  # VmHWM := VmRSS


def count_datasets(body: bytes, fmt: str) -> int:
    import rdflib

    g = rdflib.Graph().parse(data=body, format=PARSERS[fmt])
    return len(set(g.subjects(rdflib.RDF.type,
                              rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset"))))


def one_page(server: dcat_bench.Server, fmt: str, size: int, datasets: int) -> dict:
    pid = server.process.pid
    # a page just past the end: loads the profiles, templates and search, untimed
    server.get("/catalog.jsonld?page=%d" % (-(-datasets // size) + 1))
    before = dcat_bench.rss_mb(pid)
    reset_peak(pid)
    started = time.perf_counter()
    body = server.get("/catalog.%s?page=1" % fmt)
    seconds = time.perf_counter() - started
    peak = dcat_bench.rss_mb(pid, "VmHWM")
    return {"before": before, "peak": peak, "seconds": seconds, "kb": len(body) / 1024,
            "body": body}


def measure(db: str, size: int, fmt: str, variants: list[str], datasets: int) -> dict:
    """Both variants' fresh processes at once; each serves its page (in parallel: RSS is
    per process)."""
    servers = {}
    try:
        for variant in variants:
            servers[variant] = dcat_bench.Server(write_ini(db, variant, size))
        with ThreadPoolExecutor(len(servers)) as pool:
            futures = {v: pool.submit(one_page, s, fmt, size, datasets) for v, s in servers.items()}
            results = {v: f.result() for v, f in futures.items()}
    finally:
        for server in servers.values():
            server.stop()
    for found in results.values():  # parsed after the processes are gone
        found["datasets"] = count_datasets(found.pop("body"), fmt)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="ckan_dcat_bench",
                        help="dcat_bench.py's database (read only)")
    parser.add_argument("--datasets", type=int, default=10000,
                        help="datasets the database must hold")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000],
                        help="page sizes (ckanext.dcat.datasets_per_page)")
    parser.add_argument("--formats", nargs="+", default=list(FORMATS),
                        choices=list(PARSERS), help="catalogue formats")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS),
                        choices=list(VARIANTS))
    args = parser.parse_args()
    if not search_bench.reusable(args.db, args.datasets):
        raise SystemExit("database %s does not hold %d indexed datasets: make it with "
                         "bench/dcat_bench.py --datasets %d --db %s" % (
                             args.db, args.datasets, args.datasets, args.db))
    print("%s: %d datasets; load average %s; %s UTC" % (
        args.db, args.datasets, dcat_bench.loadavg(),
        time.strftime("%H:%M:%S", time.gmtime())), flush=True)
    print("%-7s %6s %-11s %9s %8s %8s %8s %8s %8s" % (
        "format", "size", "variant", "datasets", "before", "peak", "grew", "KB", "s*"))
    for size in args.sizes:
        for fmt in args.formats:
            results = measure(args.db, size, fmt, args.variants, args.datasets)
            for variant in args.variants:
                r = results[variant]
                print("%-7s %6d %-11s %9d %7.0fM %7.0fM %7.0fM %8.0f %8.1f" % (
                    fmt, size, variant, r["datasets"], r["before"], r["peak"],
                    r["peak"] - r["before"], r["kb"], r["seconds"]), flush=True)
    print("load average %s; %s UTC" % (dcat_bench.loadavg(),
                                       time.strftime("%H:%M:%S", time.gmtime())))
    print("* client wall time of the page, both variants served at once on a shared "
          "machine: for orientation, not the verdict on speed (bench/dcat_bench.py)")


if __name__ == "__main__":
    main()
