"""Where the time and the database connections of a ``provincialstats_ckan`` import go
(prints figures; not a test).

    .venv/bin/python bench/harvest_profile.py --records 40
    .venv/bin/python bench/harvest_profile.py --records 200 --top 40
    .venv/bin/python bench/harvest_profile.py --records 60 --harvester ckan   # stock
    .venv/bin/python bench/harvest_profile.py --records 60 --no-profile       # no cProfile
    .venv/bin/python bench/harvest_profile.py --harvester provincialstats_dcat

``--consumers N`` (N > 1): after the gather and the warm-up, N separate consumer
processes (each a CKAN of its own, like ``ckan harvester fetch-consumer``, started and
ready before the objects are queued) take the objects from the same Redis queue; printed:
records/s over all of them, and how many each took. No profile, no SQL counts.

``--same-name``: every source record has the same name (the names given must not clash,
also when two consumers create them at the same moment).

``--harvester ckan`` runs ckanext-harvest's stock ``ckan`` harvester the same way, on the
same source, for a per-record comparison under the same load. ``--no-profile`` times
the stage without cProfile (whose overhead is not the same for every kind of code);
the SQL statement counts are still taken.

One process: the harvesting CKAN (database ``ckan_hbench_prof``, created when missing as
the ``postgres`` user through ``runuser`` and wiped at every run), the source served on
loopback by the tests' stand-in CKAN (``tests/harvest/ckan_server.py``, GD Catalog
packages naming provinces). The job is gathered (in a request context), then its
harvest objects are put on the Redis fetch queue (db 13) and consumed as ``ckan
harvester fetch-consumer`` does (no Flask context, ``fetch_callback`` for each message,
``Session.remove()`` after each object), the first few as a warm-up, the rest under
cProfile.

Printed: records/s of the fetch+import stage in this one process; new PostgreSQL
connections opened during that stage (SQLAlchemy pool ``connect`` events on every pool
of the process, and ``pg_stat_database.xact_commit`` is not used: connections are what
is counted), grouped by the code that opened them; the slowest functions (cumulative).
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import io
import json
import os
import pstats
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

import harvest_bench as hb  # noqa: E402

DB = "ckan_hbench_prof"
PLUGINS = {"provincialstats_ckan": hb.BASE + " harvest provincialstats_ckan",
           "provincialstats_dcat": hb.BASE + " dcat harvest provincialstats_dcat",
           "ckan": hb.BASE + " harvest ckan_harvester"}
PLUGIN_NAMES = {"provincialstats_ckan": "provincialstats_ckan",
                "provincialstats_dcat": "provincialstats_dcat", "ckan": "ckan_harvester"}


class _Feed:
    """``bench/harvest_feed.py``'s DCAT-AP Turtle feed of ``count`` datasets, served on
    loopback (``.url``) while in use."""

    def __init__(self, count):
        self.count = count

    def __enter__(self):
        import functools
        import http.server
        import tempfile
        import threading

        import harvest_feed
        self.directory = tempfile.mkdtemp(prefix="harvest-profile-feed-")
        harvest_feed.write(self.directory, self.count)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                    directory=self.directory)
        handler.log_message = lambda *args: None
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/{harvest_feed.FILE}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


def _stand_in():
    """The tests' stand-in CKAN, loaded by path (another ``tests`` package may be
    importable first)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "harvest_stand_in", os.path.join(ROOT, "tests", "harvest", "ckan_server.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _packages(count, same_name=False):
    gdc_package = _stand_in().gdc_package
    out = []
    for i in range(count):
        place, code = hb.PROVINCES[i % len(hb.PROVINCES)]
        topic = hb.TOPICS[i % len(hb.TOPICS)]
        out.append(gdc_package("prof-same" if same_name else f"prof-{i:06d}",
                               f"{topic} จังหวัด{place} ชุดที่ {i}", province=[code]))
    return out


def _where(stack, depth=4):
    """The innermost frames of our code and of the library that opened a connection."""
    frames = [f for f in stack if "/sqlalchemy/" not in f.filename
              and "harvest_profile" not in f.filename]
    tail = frames[-depth:]
    return " <- ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}"
                       for f in reversed(tail))


def _setup_and_gather(app, remote, kind):
    """The receiving organization, the source, a job and its gather stage (in a request
    context, as the gather consumer would have it): the ids of the harvest objects and
    the gather's seconds."""
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        import ckan.plugins as p
        import ckan.plugins.toolkit as tk
        from ckanext.harvest.model import HarvestJob

        context = hb._site_context()
        tk.get_action("organization_create")(dict(context), {
            "name": "receiving-office", "title": "สำนักงานสถิติจังหวัด"})
        source = tk.get_action("harvest_source_create")(dict(context), {
            "name": "prof-source", "title": "prof", "url": remote.url,
            "source_type": kind, "owner_org": "receiving-office",
            "frequency": "MANUAL",
            "config": json.dumps({"receiving_organization": "receiving-office",
                                  **({"defaults": hb.FEED_DEFAULTS}
                                     if kind == "provincialstats_dcat" else {})})
            if kind.startswith("provincialstats_") else ""})
        job = tk.get_action("harvest_job_create")(dict(context), {
            "source_id": source["id"], "run": False})
        started = time.perf_counter()
        ids = p.get_plugin(PLUGIN_NAMES[kind]).gather_stage(HarvestJob.get(job["id"]))
        seconds = time.perf_counter() - started
        model.Session.remove()
        return job["id"], ids, seconds


def _consume(ids):
    """What ``ckan harvester fetch-consumer`` does for each object: no Flask context,
    the message read from the Redis fetch queue, ``fetch_callback``."""
    from ckanext.harvest.queue import fetch_callback, get_fetch_consumer, get_fetch_publisher
    publisher = get_fetch_publisher()
    for object_id in ids:
        publisher.send({"harvest_object_id": object_id})
    consumer = get_fetch_consumer()
    messages = consumer.consume(queue=None)
    for _ in ids:
        method, header, body = next(messages)
        fetch_callback(consumer, method, header, body)


READY_KEY = "harvest_profile:ready"


def consume_child(ini):
    """One consumer process of ``--consumers``: loads CKAN, says it is ready, then takes
    objects from the fetch queue until it stays empty for 3 s; prints a JSON line."""
    import json

    hb._app(ini)
    from ckanext.harvest.queue import (
        FakeMethod,
        fetch_callback,
        get_connection,
        get_fetch_consumer,
        get_fetch_routing_key,
    )
    redis = get_connection()
    consumer = get_fetch_consumer()
    key = get_fetch_routing_key()
    import ckan.model as model
    import sqlalchemy as sa
    # this consumer's database connection (the pool hands the same one out again)
    backend = model.Session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    model.Session.remove()
    backend_started = _process_cpu(backend)
    redis.incr(READY_KEY)
    done, first, last = 0, None, None
    cpu_started = time.process_time()
    while True:
        item = redis.blpop(key, timeout=3)
        if item is None:
            if done:
                break
            continue
        body = item[1]
        redis.set(consumer.persistance_key(body), "x")
        first = first or time.time()
        fetch_callback(consumer, FakeMethod(body), consumer, body)
        last = time.time()
        done += 1
    print(json.dumps({"done": done, "first": first, "last": last,
                      "cpu": time.process_time() - cpu_started,
                      "db_cpu": _process_cpu(backend) - backend_started}))


def _consume_parallel(ini, ids, consumers):
    import json
    import subprocess

    from ckanext.harvest.queue import get_connection, get_fetch_publisher
    redis = get_connection()
    redis.delete(READY_KEY)
    procs = [subprocess.Popen([sys.executable, os.path.abspath(__file__), "--consume-child",
                               ini], stdout=subprocess.PIPE, text=True)
             for _ in range(consumers)]
    deadline = time.time() + 300
    while int(redis.get(READY_KEY) or 0) < consumers:
        if time.time() > deadline:
            sys.exit("the consumer processes did not start")
        time.sleep(0.2)
    time.sleep(0.5)  # each is in blpop
    started = time.time()
    publisher = get_fetch_publisher()
    for object_id in ids:
        publisher.send({"harvest_object_id": object_id})
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        results.append(json.loads(out.strip().splitlines()[-1]))
    finished = max(r["last"] for r in results if r["last"])
    return (finished - started, [r["done"] for r in results],
            sum(r["cpu"] for r in results), sum(r["db_cpu"] for r in results))


def _process_cpu(pid):
    """CPU seconds used so far by process ``pid`` (from /proc), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def _backend_cpu():
    """CPU seconds used so far by the PostgreSQL backends of this database ({pid: s},
    from /proc: the database runs on this machine)."""
    import ckan.model as model
    import sqlalchemy as sa
    with model.meta.engine.connect() as conn:
        pids = [pid for (pid,) in conn.execute(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))]
    return {pid: _process_cpu(pid) for pid in pids}


def _trace_calls(spec, counter):
    """Count the call sites (``_where``) of ``module:Class.method`` or ``module:func``."""
    import importlib
    module_name, attr = spec.split(":")
    owner = importlib.import_module(module_name)
    *path, name = attr.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)

    def traced(*args, **kwargs):
        counter[f"{attr}: " + _where(traceback.extract_stack()[:-1], depth=8)] += 1
        return original(*args, **kwargs)

    setattr(owner, name, traced)


def run(ini, records, top, callers=None, warm_up=5, trace=(), only=None, sql_top=25,
        kind="provincialstats_ckan", profiling=True, dump=None, consumers=1,
        same_name=False, sql_where=0):
    import sqlalchemy as sa
    from sqlalchemy.pool import Pool

    app = hb._app(ini)
    opened = collections.Counter()
    counting = {"on": False}

    @sa.event.listens_for(Pool, "connect")
    def _on_connect(dbapi_connection, record):
        if counting["on"]:
            opened[_where(traceback.extract_stack())] += 1

    statements = collections.Counter()
    statement_time = collections.Counter()

    @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["profile_started"] = time.perf_counter()

    @sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        if counting["on"]:
            key = " ".join(statement.split())[:110]
            if sql_where:  # grouped by the code that ran the statement, too
                key = key[:60] + "  <- " + _where(traceback.extract_stack(), sql_where)
            statements[key] += 1
            statement_time[key] += time.perf_counter() - conn.info.pop("profile_started", 0)

    traced = collections.Counter()
    for spec in trace:
        _trace_calls(spec, traced)
    source = (_Feed(records + warm_up) if kind == "provincialstats_dcat"
              else _stand_in().RemoteCKAN(_packages(records + warm_up, same_name)))
    with source as remote:
        import ckan.model as model
        from ckanext.harvest.model import HarvestObject

        job_id, all_ids, gather_seconds = _setup_and_gather(app, remote, kind)
        print(f"{kind}: gathered {len(all_ids)} objects in {gather_seconds:.2f} s; "
              f"{warm_up} imported first as a warm-up (dictionaries, caches), not measured",
              flush=True)
        _consume(all_ids[:warm_up])
        ids = all_ids[warm_up:]
        if consumers > 1:
            elapsed, shares, cpu, db_cpu = _consume_parallel(ini, ids, consumers)
            model.Session.remove()
            states = collections.Counter(
                s for (s,) in model.Session.query(HarvestObject.state)
                .filter(HarvestObject.harvest_job_id == job_id))
            names = model.Session.query(model.Package.name).filter(
                model.Package.type == "dataset", model.Package.state == "active").count()
            print(f"\n{kind} fetch+import of {len(ids)} records by {consumers} consumer "
                  f"processes: {elapsed:.2f} s, {len(ids) / elapsed:.1f} records/s; "
                  f"records per consumer {shares}; object states {dict(states)}; "
                  f"{names} datasets")
            per_record = (cpu + db_cpu) / len(ids)
            print(f"CPU time per record: {1000 * cpu / len(ids):.1f} ms in the consumers, "
                  f"{1000 * db_cpu / len(ids):.1f} ms in PostgreSQL backends; "
                  f"{os.cpu_count()} cores fully used for this alone would give about "
                  f"{os.cpu_count() / per_record:.1f} records/s (an estimate: no waits, "
                  "no other work)")
            return
        traced.clear()
        profile = cProfile.Profile()
        counting["on"] = True
        db_cpu_started = _backend_cpu()
        started = time.perf_counter()
        cpu_started = time.process_time()
        if profiling:
            profile.enable()
        _consume(ids)
        if profiling:
            profile.disable()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        counting["on"] = False
        db_cpu = sum(v - db_cpu_started.get(pid, 0) for pid, v in _backend_cpu().items())
        states = collections.Counter(
            s for (s,) in model.Session.query(HarvestObject.state)
            .filter(HarvestObject.harvest_job_id == job_id))

    print(f"\n{kind} fetch+import of {len(ids)} records in one process"
          f"{' (profiled)' if profiling else ''}: {elapsed:.2f} s, "
          f"{len(ids) / elapsed:.1f} records/s; object states {dict(states)}")
    print(f"CPU time per record: {1000 * cpu / len(ids):.1f} ms in this process, "
          f"{1000 * db_cpu / len(ids):.1f} ms in its PostgreSQL backends (less sensitive "
          "than the elapsed time to other work on the machine)")
    print(f"new PostgreSQL connections during the stage: {sum(opened.values())}")
    for where, n in opened.most_common(10):
        print(f"  {n:5d}  {where}")
    print(f"SQL statements during the stage: {sum(statements.values())} "
          f"({sum(statements.values()) / max(len(ids), 1):.0f} per record), "
          f"{sum(statement_time.values()):.2f} s; the most frequent:")
    for statement, n in statements.most_common(sql_top):
        print(f"  {n:5d} {1000 * statement_time[statement] / n:6.2f} ms  {statement}")
    for where, n in traced.most_common(40):
        print(f"  called {n:5d}  {where}")
    if not profiling:
        return
    if dump:
        profile.dump_stats(dump)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    stats.print_stats(top)
    if only:
        stats.print_stats(only, max(top, 40))
    if callers:
        stats.print_callers(callers)
    print(out.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=40, help="records to import")
    parser.add_argument("--top", type=int, default=30, help="functions to print")
    parser.add_argument("--callers", default=None,
                        help="also print the callers of functions matching this regex")
    parser.add_argument("--trace", action="append", default=[],
                        help="count the call sites of module:Class.method (repeatable)")
    parser.add_argument("--only", default=None,
                        help="also print the slowest functions whose path matches this regex")
    parser.add_argument("--sql", type=int, default=25,
                        help="SQL statements to print (the most frequent)")
    parser.add_argument("--synchronous-commit", action="store_true",
                        help="the import waits for each commit's WAL flush "
                             "(ckanext.provincialstats.harvest.asynchronous_commit = false)")
    parser.add_argument("--harvester", choices=sorted(PLUGINS), default="provincialstats_ckan",
                        help="the harvester (ckan: ckanext-harvest's stock one; "
                             "provincialstats_dcat: bench/harvest_feed.py's DCAT-AP feed)")
    parser.add_argument("--no-profile", action="store_true",
                        help="time the stage without cProfile")
    parser.add_argument("--consumers", type=int, default=1,
                        help="consumer processes taking the objects (more than 1: no "
                             "profile, records/s over all of them)")
    parser.add_argument("--same-name", action="store_true",
                        help="every source record has the same name (names must not "
                             "clash, also between consumers)")
    parser.add_argument("--sql-where", type=int, default=0, metavar="FRAMES",
                        help="group the SQL statements also by the innermost FRAMES frames "
                             "of the code that ran them (outside SQLAlchemy)")
    parser.add_argument("--dump", default=None, help="also write the pstats to this file")
    parser.add_argument("--keep-db", action="store_true",
                        help="do not wipe the database first (it must be set up)")
    args = parser.parse_args()
    workdir = os.path.join(ROOT, "bench", "out")
    os.makedirs(workdir, exist_ok=True)
    ini = hb._ini(os.path.join(workdir, "harvest_profile.ini"), DB, PLUGINS[args.harvester], 13,
                  "http://127.0.0.1:5093")
    with open(ini, encoding="utf-8") as f:
        text = f.read()
    if args.synchronous_commit:
        text = text.replace("[app:main]\n", "[app:main]\n"
                            "ckanext.provincialstats.harvest.asynchronous_commit = false\n", 1)
        with open(ini, "w", encoding="utf-8") as f:
            f.write(text)
    if "allow_private_urls = true" not in text:
        sys.exit("the test.ini this is made from must allow loopback harvest sources")
    if not args.keep_db:
        hb._ensure_db(DB)
        hb._fresh_db(ini)
    run(ini, args.records, args.top, args.callers, trace=args.trace, only=args.only,
        sql_top=args.sql, kind=args.harvester, profiling=not args.no_profile, dump=args.dump,
        consumers=args.consumers, same_name=args.same_name, sql_where=args.sql_where)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--consume-child":
        consume_child(sys.argv[2])
    else:
        main()
