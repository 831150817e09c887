"""A stand-in remote CKAN for the harvest tests: a real HTTP server on loopback (in a
thread) answering ``package_search`` with ``rows``/``start`` paging, as CKAN does, from
a list of package dicts the test changes between runs. Packages are shaped as a GD
Catalog site (data.go.th, an agency catalogue) returns them."""
import copy
import http.server
import json
import threading
import time
import urllib.parse
import uuid


def gdc_package(name, title, **extra):
    """A remote package as a GD Catalog CKAN returns it from package_search."""
    pkg_id = extra.pop("id", None) or str(uuid.uuid4())
    pkg = {
        "id": pkg_id,
        "name": name,
        "title": title,
        "type": "dataset",
        "state": "active",
        "private": False,
        "metadata_created": "2024-01-05T03:00:00.000000",
        "metadata_modified": "2024-03-01T03:00:00.000000",
        "owner_org": "7d3c3f8e-remote-org",
        "organization": {"name": "opsmoac", "title": "สำนักงานปลัดกระทรวงเกษตรและสหกรณ์"},
        "data_type": "ข้อมูลสถิติ",
        "maintainer": "กลุ่มสถิติการเกษตร",
        "maintainer_email": "stat@example.go.th",
        "tags": [{"name": "เกษตร"}, {"name": "ข้าว"}],
        "notes": f"{title}: เนื้อที่เพาะปลูกและผลผลิตรายปี",
        "objective": ["พันธกิจหน่วยงาน"],
        "update_frequency_unit": "ปี",
        "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด",
        "data_source": "สำนักงานเศรษฐกิจการเกษตร",
        "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": "Open Data Common",
        "license_title": "Open Data Common",
        "first_year_of_data": "2560",
        "last_year_of_data": "2566",
        "extras": [],
        "resources": [{
            "id": str(uuid.uuid4()),
            "package_id": pkg_id,
            "name": f"{title} (CSV)",
            "url": f"https://data.example.go.th/dataset/{name}/data.csv",
            "format": "CSV",
            "description": "ตารางข้อมูล",
            "position": 0,
        }],
        "num_resources": 1,
        "num_tags": 2,
    }
    pkg.update(extra)
    return pkg


class RemoteCKAN:
    def __init__(self, packages=()):
        self.packages = [copy.deepcopy(p) for p in packages]
        self.requests = []
        self.broken_after = None  # answer junk for pages starting at or after this
        self.files = {}  # path -> (bytes, content type): a feed or a sheet
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(remote):
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                remote.requests.append(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                if parts.path in remote.files:
                    return self._send(*remote.files[parts.path])
                if parts.path.endswith("/big"):
                    return self._send(b"x" * (2 * 1024 * 1024 + 10), "text/plain")
                if parts.path.endswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", query.get("to", "http://10.0.0.1/"))
                    self.end_headers()
                    return None
                if parts.path.endswith("/slow"):
                    time.sleep(3)
                    return self._send(b"late", "text/plain")
                if not parts.path.endswith("/api/3/action/package_search"):
                    return self._send(b"not found", "text/plain", 404)
                rows, start = int(query.get("rows", 10)), int(query.get("start", 0))
                if remote.broken_after is not None and start >= remote.broken_after:
                    return self._send(b"<html>Bad gateway</html>", "text/html")
                page = remote.packages[start:start + rows]
                body = {"help": "...", "success": True,
                        "result": {"count": len(remote.packages), "results": page,
                                   "sort": query.get("sort"), "facets": {},
                                   "search_facets": {}}}
                return self._send(json.dumps(body, ensure_ascii=False).encode(),
                                  "application/json;charset=utf-8")

            def _send(self, body, content_type, status=200):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
