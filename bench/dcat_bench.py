"""Benchmark of the DCAT catalogue: ``/catalog.ttl`` per page and a full paged crawl, the
stock ``euro_dcat_ap_3`` profile beside ``euro_dcat_ap_3 provincialstats`` (with and
without the per-dataset Turtle cache), on the same data and search backend.

    .venv/bin/python bench/dcat_bench.py                       # 10,000 datasets
    .venv/bin/python bench/dcat_bench.py --datasets 300        # a quick look
    .venv/bin/python bench/dcat_bench.py --datasets 10000 --reuse --crawls 3

It (re)creates the database ``--db`` (default ``ckan_dcat_bench``) and fills it like
``bench/search_bench.py`` (its generator: realistic GD Catalog datasets written with COPY
after one ``package_create`` through the dataset schema, then the parallel index
rebuild). For each variant it writes an ini (``bench/out/<db>-<variant>.ini``), starts
``ckan run`` (one web process, 127.0.0.1), reads the process's RSS before any RDF request,
then crawls ``/catalog.ttl?page=1..N`` ``--crawls`` times over HTTP, timing each page
(client-side wall time: CKAN, search, dcat, profile and serialisation), and reads the
RSS after every page and the process's peak RSS (``VmHWM``, the ``RSSmax`` column)
(the first, untimed request is an empty JSON-LD page past the end,
so page 1 does not carry the process's first-request costs). All variants' web
processes run at once and each page is asked of every variant in turn (order rotating),
so that they see the same load of the shared machine; the load average is printed
before and after each crawl. Variants:

- ``stock``: ``ckanext.dcat.rdf.profiles = euro_dcat_ap_3`` (ckanext-dcat's own path);
- ``provincial``: ``euro_dcat_ap_3 provincialstats``, cache off (the richer graph alone);
- ``provincial+cache``: the same with ``ckanext.provincialstats.dcat.cache_ttl`` on (its
  Redis keys are deleted before the first crawl: the first crawl is cold).

``--pages 1-20,97-100`` crawls only those pages (a quick relative run; on 10,000
datasets pages 97-100 are past the end, empty). After the table it prints, per crawl, on
how many pages each of our variants took longer than stock on the same page, and more than
0.9 of stock's time, the largest and the median ratio.

A single crawl measures each page once per variant, so which pages come out slower
changes from run to run. ``--page-repeats N`` then asks each page (of ``--pages``) N more
times of every variant, cold each time (a cached variant's Turtle cache emptied, untimed,
before each of its samples; the order of the variants alternating from sample to
sample), and prints per page the median of its samples per variant and the ratio of the
medians (how many pages slower, over 0.9x, the largest), beside the single samples
compared pair by pair. Processes stay up, so ckanext-dcat's process-wide organization
cache and PostgreSQL's buffers are warm for these samples in both variants.

Redis database 8 (cache keys ``test.ckan.net:provincialstats:dcat:*``); nothing else
is touched. It prints figures;
it is not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import search_bench  # noqa: E402  (bench/ is not a package)

CKAN = search_bench.CKAN
OUT = search_bench.OUT
PLUGINS = ("provincialstats_search provincialstats scheming_datasets scheming_groups dcat")
REDIS_DB = 8
SITE_ID = "test.ckan.net"  # search_bench's ini (the index rows carry it)
VARIANTS = {
    "stock": ("euro_dcat_ap_3", 0),
    "provincial": ("euro_dcat_ap_3 provincialstats", 0),
    "provincial+cache": ("euro_dcat_ap_3 provincialstats", 86400),
}


def write_ini(db: str, variant: str, page_size: int, redis_db: int = REDIS_DB,
              suffix: str = "") -> str:
    profiles, ttl = VARIANTS[variant]
    base = search_bench.write_ini(db)
    with open(base, encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("ckan.plugins"):
            line = "ckan.plugins = " + PLUGINS
        elif line.startswith("ckan.redis.url"):
            line = "ckan.redis.url = redis://localhost:6379/%d" % redis_db
        elif line.startswith("ckanext.dcat."):
            continue
        out.append(line)
        if line.startswith("ckan.plugins"):
            out += ["ckanext.dcat.rdf.profiles = " + profiles,
                    "ckanext.dcat.datasets_per_page = %d" % page_size,
                    "ckanext.provincialstats.dcat.cache_ttl = %d" % ttl,
                    # no search result cache: the variants share a database and a Redis,
                    # so the one asked second would get the page's search from the cache
                    "ckanext.provincialstats.search.cache_ttl = 0"]
    path = os.path.join(OUT, "%s-%s%s.ini" % (db, variant.replace("+", "-"), suffix))
    with open(path, "w", encoding="utf-8") as stream:
        stream.write("\n".join(out) + "\n")
    return path


def flush_cache(redis_db: int = REDIS_DB) -> int:
    import redis

    client = redis.Redis(db=redis_db)
    keys = list(client.scan_iter("%s:provincialstats:dcat:*" % SITE_ID, count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])
    return len(keys)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process now (``VmRSS``) or at its peak (``VmHWM``), MB."""
    with open("/proc/%d/status" % pid, encoding="ascii") as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    def __init__(self, ini: str, port: int | None = None):
        self.port = port or free_port()
        self.log = open(ini + ".log", "w")
        self.process = subprocess.Popen(
            [CKAN, "-c", ini, "run", "-H", "127.0.0.1", "-p", str(self.port), "-r"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while True:
            try:
                self.get("/api/3/action/status_show")
                return
            except OSError:
                if self.process.poll() is not None or time.time() > deadline:
                    raise SystemExit("ckan run did not start; see %s.log" % ini)
                time.sleep(0.5)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path),
                                    timeout=600) as response:
            return response.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _summary(times: list[float], sizes: list[int], found: int) -> dict:
    return {"pages": len(times), "datasets": found, "total_s": sum(times),
            "median_ms": statistics.median(times) * 1000, "p95_ms": _p95(times) * 1000,
            "max_ms": max(times) * 1000, "kb_per_page": statistics.mean(sizes) / 1024,
            "page_ms": [round(t * 1000, 1) for t in times]}


def loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as stream:
        return " ".join(stream.read().split()[:3])


def parse_pages(spec: str | None, pages: int) -> list[int]:
    """``"1-20,97-100"`` -> those page numbers; None: 1 .. ``pages``."""
    if not spec:
        return list(range(1, pages + 1))
    out = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


def page_samples(servers: dict, numbers: list[int], repeats: int) -> dict:
    """Each page's cold time ``repeats`` times per variant: for each page, ``repeats``
    rounds in which every variant is asked the page once (the order alternating from
    round to round and page to page), the Turtle cache of a cached variant emptied just
    before each of its samples (untimed), so every sample of every variant is a cold
    page. ``{variant: {page: [seconds, ...]}}``."""
    out = {v: {page: [] for page in numbers} for v in servers}
    order = list(servers)
    for page in numbers:
        for round_ in range(repeats):
            for variant in order if (page + round_) % 2 == 0 else order[::-1]:
                if VARIANTS[variant][1]:
                    flush_cache()
                started = time.perf_counter()
                servers[variant].get("/catalog.ttl?page=%d" % page)
                out[variant][page].append(time.perf_counter() - started)
    return out


def run_variants(db: str, variants: list[str], size: int, page_size: int,
                 crawls: int, page_spec: str | None = None,
                 page_repeats: int = 0) -> list[dict]:
    """All variants' servers at once; each page is asked of every variant in turn (the
    order rotating from page to page), so that all variants see the same machine load
    (the machine is shared)."""
    servers, results = {}, {}
    try:
        for variant in variants:
            ini = write_ini(db, variant, page_size)
            if VARIANTS[variant][1]:
                flush_cache()
            servers[variant] = Server(ini)
        pages = -(-size // page_size)
        for variant, server in servers.items():
            results[variant] = {"variant": variant, "crawls": [],
                                "rss_start_mb": rss_mb(server.process.pid)}
            # Warm-up, untimed: an empty JSON-LD page past the end loads the profiles
            # and templates (and never touches the Turtle cache).
            server.get("/catalog.jsonld?page=%d" % (pages + 1000))
        for number in range(crawls):
            load_before = loadavg()
            times = {v: [] for v in servers}
            sizes = {v: [] for v in servers}
            found = dict.fromkeys(servers, 0)
            peak = {v: 0.0 for v in servers}
            order = list(servers)
            numbers = parse_pages(page_spec, pages)
            for page in numbers:
                for variant in order[page % len(order):] + order[:page % len(order)]:
                    started = time.perf_counter()
                    body = servers[variant].get("/catalog.ttl?page=%d" % page)
                    times[variant].append(time.perf_counter() - started)
                    sizes[variant].append(len(body))
                    found[variant] += len(re.findall(rb" a dcat:Dataset\b", body))
                    peak[variant] = max(peak[variant], rss_mb(servers[variant].process.pid,
                                                              "VmHWM"))
            for variant, server in servers.items():
                result = results[variant]
                crawl_figures = _summary(times[variant], sizes[variant], found[variant])
                crawl_figures.update(load_before=load_before, load_after=loadavg(),
                                     rss_peak_mb=peak[variant], page_numbers=numbers)
                result["crawls"].append(crawl_figures)
                result.setdefault("rss_after_first_crawl_mb", rss_mb(server.process.pid))
                result["rss_end_mb"] = rss_mb(server.process.pid)
        if page_repeats:
            numbers = parse_pages(page_spec, pages)
            load_before = loadavg()
            samples = page_samples(servers, numbers, page_repeats)
            for variant, server in servers.items():
                results[variant]["page_samples"] = {
                    "repeats": page_repeats, "page_numbers": numbers,
                    "load_before": load_before, "load_after": loadavg(),
                    "ms": [[round(t * 1000, 1) for t in samples[variant][page]]
                           for page in numbers]}
                results[variant]["rss_end_mb"] = rss_mb(server.process.pid)
    finally:
        for server in servers.values():
            server.stop()
    return [results[v] for v in variants if v in results]


def prepare(db: str, size: int, reuse: bool) -> None:
    ini = search_bench.write_ini(db)
    if reuse and search_bench.reusable(db, size):
        print("   reusing database %s (%d datasets, indexed)" % (db, size), flush=True)
        # the search backend's migrations since the database was made (facet summary)
        search_bench._run_ckan(ini, ["db", "upgrade", "-p", "provincialstats_search"])
        return
    search_bench.recreate_database(db)
    search_bench._run_ckan(ini, ["db", "init"])
    search_bench._run_ckan(ini, ["db", "upgrade", "-p", "provincialstats_search"])
    started = time.perf_counter()
    template = json.loads(subprocess.run(
        [sys.executable, search_bench.__file__, "--template", ini], check=True,
        capture_output=True, text=True).stdout.strip().splitlines()[-1])
    search_bench.as_postgres("psql", "-qd", db, "-c",
                             'TRUNCATE package, "group", tag, activity, '
                             "provincialstats_search_index CASCADE")
    search_bench.generate(db, size, template)
    seconds = search_bench.timed_rebuild(ini, db)
    print("   %d datasets generated and indexed in %.1f s" % (
        size, time.perf_counter() - started), flush=True)
    del seconds


def report(results: list[dict], size: int, page_size: int) -> None:
    print("\n%d datasets, %d per page; times are client wall time per HTTP request; "
          "variants interleaved page by page" % (size, page_size))
    print("%-18s %5s %8s %8s %8s %8s %9s %7s %7s %7s %7s  %s" % (
        "variant", "crawl", "datasets", "median", "p95", "max", "crawl s", "KB/pg",
        "RSS0", "RSS1", "RSSmax", "load avg before -> after"))
    for r in results:
        for i, c in enumerate(r["crawls"], 1):
            print("%-18s %5d %8d %6.0fms %6.0fms %6.0fms %9.2f %7.0f %6.0fM %6.0fM %6.0fM"
                  "  %s -> %s" % (
                      r["variant"], i, c["datasets"], c["median_ms"], c["p95_ms"],
                      c["max_ms"], c["total_s"], c["kb_per_page"], r["rss_start_mb"],
                      r["rss_after_first_crawl_mb"], c["rss_peak_mb"], c["load_before"],
                      c["load_after"]))
    by = {r["variant"]: r for r in results}
    stock = by.get("stock")
    for name in ("provincial", "provincial+cache"):
        if stock is None or name not in by:
            continue
        for i, (a, b) in enumerate(zip(stock["crawls"], by[name]["crawls"]), 1):
            numbers = a.get("page_numbers") or list(range(1, len(a["page_ms"]) + 1))
            ratios = [(y / x, n, x, y) for n, x, y in zip(numbers, a["page_ms"],
                                                            b["page_ms"])]
            slower = [n for r, n, x, y in ratios if r > 1]
            over = [n for r, n, x, y in ratios if r > 0.9]
            worst = max(ratios)
            print("crawl %d: %s slower than stock on %d of %d pages%s; over 0.9x stock's "
                  "time on %d%s; max ratio %.2f (page %d: %.0f ms, stock %.0f ms); median "
                  "ratio %.2f; page 1: stock %.0f ms, %s %.0f ms" % (
                      i, name, len(slower), len(a["page_ms"]),
                      " (%s)" % ", ".join(map(str, slower[:20])) if slower else "",
                      len(over), " (%s)" % ", ".join(map(str, over[:20])) if over else "",
                      worst[0], worst[1], worst[3], worst[2],
                      statistics.median(r for r, *_ in ratios),
                      a["page_ms"][0], name, b["page_ms"][0]))
    if stock is not None and "provincial+cache" in by and \
            len(by["provincial+cache"]["crawls"]) > 1:
        warm = by["provincial+cache"]["crawls"][1]
        print("repeated crawl: stock %.2f s, provincial+cache %.2f s (%.1fx faster); "
              "cold provincial+cache %.2f s, cold stock %.2f s" % (
                  stock["crawls"][-1]["total_s"], warm["total_s"],
                  stock["crawls"][-1]["total_s"] / warm["total_s"],
                  by["provincial+cache"]["crawls"][0]["total_s"],
                  stock["crawls"][0]["total_s"]))
    if stock is not None and "page_samples" in stock:
        report_samples(stock, [by[n] for n in ("provincial", "provincial+cache")
                               if n in by])


def report_samples(stock: dict, ours: list[dict]) -> None:
    """Per page: the median of its cold samples for each variant and the ratio of the
    medians; beside it, how the single samples compare (sample i of ours against sample
    i of stock, taken next to each other)."""
    base = stock["page_samples"]
    numbers = base["page_numbers"]
    print("\nper-page cold samples: %d per page and variant, after the crawls (cache "
          "emptied before each sample of a cached variant; load average %s -> %s)" % (
              base["repeats"], base["load_before"], base["load_after"]))
    stock_medians = [statistics.median(ms) for ms in base["ms"]]
    for other in ours:
        name = other["variant"]
        medians = [statistics.median(ms) for ms in other["page_samples"]["ms"]]
        ratios = [(y / x, n, x, y) for n, x, y in zip(numbers, stock_medians, medians)]
        slower = [n for r, n, x, y in ratios if r > 1]
        over = [n for r, n, x, y in ratios if r > 0.9]
        worst = max(ratios)
        pairs = [(y / x, n) for n, xs, ys in zip(numbers, base["ms"],
                                                 other["page_samples"]["ms"])
                 for x, y in zip(xs, ys)]
        slower_pairs = sorted({n for r, n in pairs if r > 1})
        print("median of samples: %s slower than stock on %d of %d pages%s; over 0.9x "
              "on %d%s; max ratio of medians %.2f (page %d: %.0f ms, stock %.0f ms); "
              "median ratio %.2f; %s median page %.0f ms (p95 %.0f), stock %.0f ms "
              "(p95 %.0f)" % (
                  name, len(slower), len(numbers),
                  " (%s)" % ", ".join(map(str, slower[:20])) if slower else "",
                  len(over), " (%s)" % ", ".join(map(str, over[:20])) if over else "",
                  worst[0], worst[1], worst[3], worst[2],
                  statistics.median(r for r, *_ in ratios), name,
                  statistics.median(medians), _p95(medians),
                  statistics.median(stock_medians), _p95(stock_medians)))
        print("single samples: %s slower than stock in %d of %d sample pairs, on %d "
              "pages%s; max pair ratio %.2f (page %d)" % (
                  name, sum(r > 1 for r, n in pairs), len(pairs), len(slower_pairs),
                  " (%s)" % ", ".join(map(str, slower_pairs[:20]))
                  if slower_pairs else "", *max(pairs)))
        spread = sorted(zip(numbers, base["ms"], other["page_samples"]["ms"]),
                        key=lambda t: -statistics.median(t[2]) / statistics.median(t[1]))
        print("closest pages (samples ms, stock | %s):" % name)
        for n, xs, ys in spread[:5]:
            print("  page %3d: %s | %s" % (n, " ".join("%.0f" % x for x in xs),
                                          " ".join("%.0f" % y for y in ys)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=10000, help="catalogue size")
    parser.add_argument("--page-size", type=int, default=100,
                        help="ckanext.dcat.datasets_per_page")
    parser.add_argument("--crawls", type=int, default=2,
                        help="full paged crawls per variant (the first is cold)")
    parser.add_argument("--db", default="ckan_dcat_bench", help="database to (re)create")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database when it holds --datasets indexed datasets")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS),
                        choices=list(VARIANTS), help="which variants to run")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--pages", metavar="SPEC",
                        help="crawl only these pages, e.g. 1-20,97-100 (a quick relative "
                             "run; pages past the end are empty); default: all")
    parser.add_argument("--page-repeats", type=int, default=0, metavar="N",
                        help="after the crawls, N more cold samples of each page per "
                             "variant (alternating, the Turtle cache emptied before each "
                             "sample of a cached variant): per-page medians and their "
                             "ratio; 0: none")
    args = parser.parse_args()
    print("== %d datasets: database %s" % (args.datasets, args.db), flush=True)
    prepare(args.db, args.datasets, args.reuse)
    print("   crawling with %s (load average %s) ..." % (", ".join(args.variants),
                                                          loadavg()), flush=True)
    results = run_variants(args.db, args.variants, args.datasets, args.page_size,
                           args.crawls, args.pages, args.page_repeats)
    report(results, args.datasets, args.page_size)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as stream:
            json.dump(results, stream, indent=1)


if __name__ == "__main__":
    main()
