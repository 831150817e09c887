"""Where the time of one ``/catalog.ttl`` page goes, in a fresh process, under cProfile
(prints figures; not a test).

    .venv/bin/python bench/dcat_profile.py                      # page 1, cold
    .venv/bin/python bench/dcat_profile.py --variant stock --page 1 --top 30
    .venv/bin/python bench/dcat_profile.py --requests 3         # page 1 three times
    .venv/bin/python bench/dcat_profile.py --before 3 --page 4  # a cold page, orgs known
    .venv/bin/python bench/dcat_profile.py --cpu 6 --before 3 --page 4  # CPU per page
    .venv/bin/python bench/dcat_profile.py --page-size 1000 --cpu 3 --page 2  # RSS
    .venv/bin/python bench/dcat_profile.py --check --page 4     # same graph as ckanext-dcat

Uses the database and inis of ``bench/dcat_bench.py`` (run it first: it creates
``ckan_dcat_bench`` and writes ``bench/out/ckan_dcat_bench-<variant>.ini``). One process:
the CKAN app is built from the variant's ini, the same untimed warm-up request as the
bench (an empty JSON-LD page past the end), then ``--requests`` requests of the page
through Flask's test client, each timed and profiled separately (for the
``provincial+cache`` variant the cache keys of its Redis database, 11, not the bench's,
are deleted first: the first request is cold). Printed: each request's wall time, and
for each the slowest functions by cumulative and by own time.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dcat_bench  # noqa: E402

REDIS_DB = 11


def parts(page: int) -> None:
    """Best and median of 9 rounds of each part of building one page's graph."""
    from ckanext.dcat.logic import _search_ckan_datasets
    from ckanext.dcat.processors import RDFSerializer
    from rdflib import Graph

    from ckanext.provincialstats.dcat import turtle_cache, turtle_writer
    from ckanext.provincialstats.quality import dqv

    datasets = _search_ckan_datasets({}, {"page": page})["results"]

    def best(label, function, rounds=9):
        times = []
        for _ in range(rounds):  # CPU time of this process: the machine is shared
            started = time.process_time()
            function()
            times.append(time.process_time() - started)
        print("%-62s %7.3f s best, %7.3f s median CPU" % (label, min(times),
                                                       sorted(times)[rounds // 2]))

    def graphs(profiles, serialize=None, each=False, new_graph=Graph):
        serializer = RDFSerializer(profiles=profiles)
        for dataset in datasets:
            if each:
                serializer.g = new_graph()
            serializer.graph_from_dataset(dataset)
            if each and serialize:
                serialize(serializer.g)
        if not each and serialize:
            serialize(serializer.g)

    def chunks(profiles):
        builder = turtle_cache.Builder(profiles)
        for dataset in datasets:
            turtle_cache._chunk(dataset, builder, True)

    scores = dqv.bulk_values(datasets)
    print("%d datasets of page %d" % (len(datasets), page))
    best("bulk quality scores (dqv.bulk_values)", lambda: dqv.bulk_values(datasets))
    best("stock: euro_dcat_ap_3 graphs, one graph",
         lambda: graphs(["euro_dcat_ap_3"]))
    best("stock: ... + rdflib Turtle serialisation",
         lambda: graphs(["euro_dcat_ap_3"], lambda g: g.serialize(format="turtle")))
    with dqv.prefetched(scores):
        best("ours: euro_dcat_ap_3 graphs, one per dataset",
             lambda: graphs(["euro_dcat_ap_3"], each=True))
        best("ours: euro_dcat_ap_3 + provincialstats graphs, one per dataset",
             lambda: graphs(["euro_dcat_ap_3", "provincialstats"], each=True))
        best("ours: ... + turtle_writer",
             lambda: graphs(["euro_dcat_ap_3", "provincialstats"],
                            turtle_writer.serialize, each=True))
        best("ours: the chunks as the cache makes them (turtle_cache._chunk)",
             lambda: chunks(["euro_dcat_ap_3", "provincialstats"]))


def _read(response) -> int:
    """Read a (streamed) response as a client does, piece by piece, without keeping
    it: its size in bytes."""
    size = sum(len(piece) for piece in response.iter_encoded())
    response.close()
    return size


def _status(field: str) -> str:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak resident) of this process, in MB."""
    with open("/proc/self/status", encoding="ascii") as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return "%.0f MB" % (int(line.split()[1]) / 1024)
    return "?"


def check(flask_app, client, page: int) -> bool:
    """The streamed page and ckanext-dcat's serialisation of the same page: the same
    graph? (Quality scores move with the clock: both are read within a second.)"""
    import rdflib
    from ckan.tests.helpers import call_action
    from rdflib.compare import isomorphic

    url = "/catalog.ttl?page=%d" % page
    ours = rdflib.Graph().parse(data=client.get(url).get_data(as_text=True),
                                format="turtle")
    with flask_app.test_request_context(url):
        stock = rdflib.Graph().parse(data=call_action("dcat_catalog_show", format="ttl",
                                                      page=page), format="turtle")
    datasets = len(set(ours.subjects(rdflib.RDF.type, rdflib.URIRef(
        "http://www.w3.org/ns/dcat#Dataset"))))

    def ground(g):
        return {t for t in g if not any(isinstance(x, rdflib.BNode) for x in t)}

    if len(stock) > 20000:  # rdflib's isomorphism takes minutes on a 1,000-dataset page
        same = len(ours) == len(stock) and ground(ours) == ground(stock)
        kind = "same number of triples and same triples without blank nodes"
    else:
        same, kind = isomorphic(ours, stock), "isomorphic"
    print("page %d: %d triples, %d datasets (streamed); ckanext-dcat: %d triples; "
          "%s: %s" % (page, len(ours), datasets, len(stock), kind, same))
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", default="provincial+cache",
                        choices=list(dcat_bench.VARIANTS))
    parser.add_argument("--db", default="ckan_dcat_bench")
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--requests", type=int, default=1)
    parser.add_argument("--before", type=int, default=0, metavar="N",
                        help="first ask pages 1..N, untimed (e.g. so that ckanext-dcat's "
                             "process-wide organization cache is filled), then --page")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cpu", type=int, default=0, metavar="N",
                        help="instead: no profiler; ask pages --page .. --page+N-1 once "
                             "each and print each request's wall and CPU time")
    parser.add_argument("--parts", action="store_true",
                        help="instead: time (no profiler) the parts of building the "
                             "page's graph, 9 rounds each, best and median")
    parser.add_argument("--check", action="store_true",
                        help="instead: parse /catalog.ttl?page=--page (streamed, from "
                             "the chunks) and compare it with ckanext-dcat's own "
                             "dcat_catalog_show of the same page (rdflib graph "
                             "isomorphism); exit status 1 if they differ")
    parser.add_argument("--callees", metavar="REGEX",
                        help="also print what the functions matching REGEX call")
    parser.add_argument("--callers", metavar="REGEX",
                        help="also print what calls the functions matching REGEX")
    args = parser.parse_args()

    # a Redis database of its own (not the bench's), emptied of cache keys first
    ini = dcat_bench.write_ini(args.db, args.variant, args.page_size, REDIS_DB, "-profile")
    if dcat_bench.VARIANTS[args.variant][1]:
        print("cache keys deleted: %d" % dcat_bench.flush_cache(REDIS_DB))
    started = time.perf_counter()
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app
    client = flask_app.test_client()
    print("app built in %.2f s" % (time.perf_counter() - started))
    client.get("/catalog.jsonld?page=100000")  # the bench's warm-up
    for page in range(1, args.before + 1):
        _read(client.get("/catalog.ttl?page=%d" % page))
    print("load average: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    if args.cpu:
        rss_before = _status("VmRSS")
        walls, cpus = [], []
        for page in range(args.page, args.page + args.cpu):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get("/catalog.ttl?page=%d" % page)
            size = _read(response)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            print("page %d: HTTP %d, %.0f KB, %.3f s wall, %.3f s CPU" % (
                page, response.status_code, size / 1024, walls[-1], cpus[-1]))
        print("%s, pages %d-%d: %.3f s wall, %.3f s CPU per page (mean); load average %s"
              % (args.variant, args.page, args.page + args.cpu - 1, sum(walls) / len(walls),
                 sum(cpus) / len(cpus), " ".join(open("/proc/loadavg").read().split()[:3])))
        print("%s, page size %d: RSS %s before the pages, %s after, peak %s" % (
            args.variant, args.page_size, rss_before, _status("VmRSS"), _status("VmHWM")))
        return
    if args.check:
        sys.exit(0 if check(flask_app, client, args.page) else 1)
    if args.parts:
        with flask_app.test_request_context("/catalog.ttl?page=%d" % args.page):
            parts(args.page)
        return
    for number in range(1, args.requests + 1):
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        response = client.get("/catalog.ttl?page=%d" % args.page)
        response.get_data()  # a streamed page is made while it is read
        profile.disable()
        seconds = time.perf_counter() - started
        print("\n== request %d: %s page %d: HTTP %d, %.0f KB, %.3f s (under cProfile)" % (
            number, args.variant, args.page, response.status_code,
            len(response.data) / 1024, seconds))
        for order in ("cumulative", "tottime") if args.top else ():
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
            text = out.getvalue()
            print("-- by %s" % order)
            print(text[text.index("   ncalls"):].rstrip())
        if args.callees:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_callees(
                args.callees)
            print("-- callees of %s" % args.callees)
            print(out.getvalue().rstrip())
        if args.callers:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_callers(
                args.callers)
            print("-- callers of %s" % args.callers)
            print(out.getvalue().rstrip())


if __name__ == "__main__":
    main()
