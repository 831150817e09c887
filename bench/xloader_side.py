"""Stock ckanext-xloader side of ``bench/datastore_bench.py --xloader`` (not a test).

Runs under the bench's own virtualenv (``bench/out/xloader-venv``: CKAN 2.11.6 and the
newest ckanext-xloader that installs there), never under the project's ``.venv``; it
imports nothing from ckanext-provincialstats.

    bench/out/xloader-venv/bin/python bench/xloader_side.py <ini> <csv path> <rows>

A deployment as xloader's README describes it: a CKAN web server (``ckan run``, which
receives xloader's ``xloader_hook`` callbacks) and an RQ worker (``ckan jobs worker``,
which forks a work horse per job, as RQ does), both started before the clock; then, in
this process, ``resource_create`` of a CSV link resource (format CSV), which makes the
xloader plugin call ``xloader_submit``. The file is served over loopback HTTP by this
process (xloader fetches every resource by URL). Polling from here: when
``datastore_search`` counts every row (queryable), when the resource has
``datastore_active`` (datastore_create sets it on the empty table, before the COPY),
when xloader reports the job complete (column indexes built).
The worker's peak RSS is the largest of ``ru_maxrss`` of its reaped process tree (the
worker and its work horse; the work horse is a fork of the worker, so CKAN itself is
included) and the VmHWM of both sampled while the job ran.

There is no Solr on the bench machine: a stub on the same loopback server accepts
CKAN's index updates and finds nothing (dataset search is not measured). Prints one
JSON line.
"""
from __future__ import annotations

import http.server
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from importlib.metadata import version

POLL = 0.2


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the CSV's directory under /files/, and a Solr that accepts updates."""

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        return os.path.join(self.server.directory, os.path.basename(path.split("?")[0]))

    def do_GET(self):
        if self.path.startswith("/files/"):
            return super().do_GET()
        if "schema" in self.path:  # CKAN checks the schema version at start
            body = b'<?xml version="1.0"?><schema name="ckan-2.11" version="1.6"/>'
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        self.do_POST()

    def do_POST(self):
        """Updates accepted, every search finds nothing."""
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = (b'{"responseHeader": {"status": 0, "QTime": 0}, '
                b'"response": {"numFound": 0, "start": 0, "docs": []}}')
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _set_ini(ini, values):
    with open(ini) as f:
        text = f.read()
    for key, value in values.items():
        line = f"{key} = {value}"
        pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.M)
        text = pattern.sub(line, text) if pattern.search(text) else text.replace(
            "[app:main]\n", f"[app:main]\n{line}\n", 1)
    with open(ini, "w") as f:
        f.write(text)


def _rss_mb(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def main(ini, path, rows):
    rows = int(rows)
    bindir = os.path.dirname(sys.executable)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.directory = os.path.dirname(path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stub = f"http://127.0.0.1:{server.server_address[1]}"
    web_port = _free_port()
    _set_ini(ini, {"solr_url": f"{stub}/solr/stub",
                   "ckan.site_url": f"http://127.0.0.1:{web_port}"})

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    config = load_config(ini)
    app = make_app(config)
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        import ckan.plugins.toolkit as tk
        from ckan.lib.jobs import get_queue

        ctx = {"ignore_auth": True}
        site_user = tk.get_action("get_site_user")(ctx, {})
        # xloader needs an API token (ckanext.xloader.api_token): the site user's.
        token = tk.get_action("api_token_create")(
            {"ignore_auth": True, "user": site_user["name"]},
            {"user": site_user["name"], "name": "xloader-bench"})["token"]
        _set_ini(ini, {"ckanext.xloader.api_token": token})
        tk.config["ckanext.xloader.api_token"] = token
        tk.config["solr_url"] = f"{stub}/solr/stub"
        get_queue().empty()

        log = open(os.path.join(os.path.dirname(ini), "xloader-bench.log"), "a")
        web = subprocess.Popen([os.path.join(bindir, "ckan"), "-c", ini, "run", "-H",
                                "127.0.0.1", "-p", str(web_port)], stdout=log, stderr=log)
        worker = subprocess.Popen([os.path.join(bindir, "ckan"), "-c", ini, "jobs",
                                   "worker"], stdout=log, stderr=log)
        worker_hwm = horse_hwm = 0.0
        try:
            deadline = time.monotonic() + 120
            while True:  # both up: the web server answers, the worker is registered
                import rq
                try:
                    import urllib.request
                    urllib.request.urlopen(f"http://127.0.0.1:{web_port}/api/3/action/"
                                           "status_show", timeout=2).read()
                    if rq.Worker.all(connection=get_queue().connection):
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or web.poll() is not None \
                        or worker.poll() is not None:
                    raise SystemExit("the xloader web server or worker did not start; "
                                     f"see {log.name}")
                time.sleep(0.5)
            time.sleep(1)
            worker_before = _rss_mb(worker.pid)

            org = tk.get_action("organization_create")(
                {"ignore_auth": True, "user": site_user["name"]},
                {"name": f"xlbench-{int(time.time() * 1000)}"})
            pkg = tk.get_action("package_create")(
                {"ignore_auth": True, "user": site_user["name"]},
                {"name": f"xlbench-{int(time.time() * 1000)}", "owner_org": org["id"]})
            t0 = time.monotonic()
            res = tk.get_action("resource_create")(
                {"ignore_auth": True, "user": site_user["name"]},
                {"package_id": pkg["id"], "name": os.path.basename(path), "format": "CSV",
                 "url": f"{stub}/files/{os.path.basename(path)}"})
            rid = res["id"]
            times, status, counts = {}, None, None
            deadline = t0 + 3600
            while time.monotonic() < deadline:
                model.Session.remove()
                now = time.monotonic() - t0
                # datastore_active comes from datastore_create (empty table), so it is
                # no sign of rows: queryable means every row counted.
                if "active" not in times and tk.get_action("resource_show")(
                        ctx, {"id": rid}).get("datastore_active"):
                    times["active"] = now
                if "queryable" not in times:
                    try:
                        counts = tk.get_action("datastore_search")(
                            ctx, {"resource_id": rid, "limit": 0})["total"]
                        if counts == rows:
                            times["queryable"] = time.monotonic() - t0
                    except (tk.ObjectNotFound, tk.ValidationError):
                        pass
                for child in _children(worker.pid):  # the work horse, sampled
                    horse_hwm = max(horse_hwm, _rss_mb(child, "VmHWM"))
                try:
                    status = tk.get_action("xloader_status")(
                        {"ignore_auth": True, "user": site_user["name"]},
                        {"resource_id": rid})
                except tk.ObjectNotFound:
                    status = None
                if status and status.get("status") in ("complete", "error"):
                    times["complete"] = now
                    break
                time.sleep(POLL)
            worker_hwm = _rss_mb(worker.pid, "VmHWM")
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            # Only the worker has been reaped so far: the largest of it and its work horse.
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            peak = max(peak, worker_hwm, horse_hwm)
            web.send_signal(signal.SIGTERM)
            try:
                web.wait(30)
            except subprocess.TimeoutExpired:
                web.kill()
                web.wait()
        model.Session.remove()
        try:
            search = tk.get_action("datastore_search")(ctx, {"resource_id": rid,
                                                             "limit": 200})
        except tk.ObjectNotFound:  # the job failed before creating the table
            search = {"total": 0, "fields": [], "records": []}
        total = search["total"]
        fields = [(f["id"], f["type"]) for f in search["fields"] if f["id"] != "_id"]
        records = search["records"]
        logs = [m.get("message", "") for m in (status or {}).get("task_info", {}).get(
            "logs", [])] if isinstance((status or {}).get("task_info"), dict) else []
        if not logs:
            logs = [m.get("message", "") for m in (status or {}).get("logs", []) or []]
        import ckanext.xloader
    print(json.dumps({
        "xloader_version": version("ckanext-xloader"), "ckan_version": version("ckan"),
        "resource_id": rid, "seconds": times, "rows": total, "rows_expected": rows,
        "status": (status or {}).get("status"), "error": (status or {}).get("error"),
        "worker_rss_before_mb": worker_before, "worker_hwm_mb": worker_hwm,
        "peak_mb": peak, "horse_hwm_sampled_mb": horse_hwm, "fields": fields,
        "first_row": {k: v for k, v in records[0].items() if k != "_id"} if records
        else None,
        "cells_col2": [r.get(fields[1][0]) for r in records] if len(fields) > 1 else [],
        "log_tail": [m for m in logs if "ncoding" in m or "COPY" in m or "ailed" in m
                     or "rror" in m or "ndex" in m][-12:],
        "xloader_module": ckanext.xloader.__file__,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:4])
