"""Limits and failures: size limit, links to private addresses, unreadable files (error
shown to editors in Thai and English, file still downloadable, retry button)."""
import http.server
import re
import threading

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.datastore import status
from tests.datastore.conftest import DEMO, DS_PLUGINS, reencode, reference, upload
from tests.logic.helpers import resolve_rebinding

pytestmark = [pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_datastore")]


@pytest.fixture
def http_server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving tmp_path."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _link(dataset, url, user):
    return call_action("resource_create", {"user": user["name"]}, package_id=dataset["id"],
                       name="linked", format="CSV", url=url)


@pytest.mark.ckan_config("ckanext.provincialstats.datastore.max_size_mb", 1)
def test_file_over_the_size_limit_is_not_loaded_and_says_why(tmp_path, dataset, sysadmin,
                                                            queue):
    path = reencode(reference("mots_domestic_tourism_2019_2023.csv"), tmp_path / "big.csv")
    assert path.stat().st_size > 1024 * 1024
    resource = upload(dataset, path, sysadmin)
    queue.run()
    load = status.get(resource["id"])
    assert load["state"] == "error" and load["error"]["code"] == "too_large"
    assert "1 MB" in load["error"]["en"] and "ขีดจำกัด" in load["error"]["th"]
    assert call_action("resource_show", id=resource["id"])["datastore_active"] is False


def test_link_to_loopback_is_refused(tmp_path, dataset, sysadmin, queue, http_server):
    reencode(DEMO / "rice-main-season-chanthaburi.csv", tmp_path / "rice.csv")
    resource = _link(dataset, http_server + "/rice.csv", sysadmin)
    queue.run()
    load = status.get(resource["id"])
    assert load["error"]["code"] == "private_url", load
    assert "127.0.0.1" in load["error"]["en"] and "ภายใน" in load["error"]["th"]


def test_dns_rebinding_to_loopback_is_refused_at_connect(tmp_path, dataset, sysadmin, queue,
                                                         http_server, monkeypatch):
    """The link's name resolves to a public address when checked and to the loopback
    server when the download connects: refused, nothing loaded."""
    reencode(DEMO / "rice-main-season-chanthaburi.csv", tmp_path / "rice.csv")
    port = http_server.rsplit(":", 1)[1]
    resource = _link(dataset, f"http://rebind.example:{port}/rice.csv", sysadmin)
    resolve_rebinding(monkeypatch)
    queue.run()
    load = status.get(resource["id"])
    assert load["error"]["code"] == "private_url", load
    assert call_action("resource_show", id=resource["id"])["datastore_active"] is False


@pytest.mark.ckan_config("ckanext.provincialstats.datastore.allow_private_urls", True)
def test_linked_tis620_file_is_fetched_and_loaded(tmp_path, dataset, sysadmin, queue,
                                                  http_server):
    reencode(DEMO / "rice-main-season-chanthaburi.csv", tmp_path / "rice.csv")
    resource = _link(dataset, http_server + "/rice.csv", sysadmin)
    queue.run()
    result = call_action("datastore_search", resource_id=resource["id"],
                         filters={"จังหวัด": "จันทบุรี"}, limit=0)
    assert result["total"] == 35
    # A link that stops answering: the fetch gives up with a reason.
    missing = _link(dataset, http_server + "/missing.csv", sysadmin)
    queue.run()
    assert status.get(missing["id"])["error"]["en"].endswith("HTTP 404")


def test_broken_file_shows_error_to_editors_and_stays_downloadable(app, tmp_path, dataset,
                                                                   sysadmin, queue):
    path = tmp_path / "broken.csv"
    raw = "จังหวัด,ค่า\n".encode("utf-8") + b"\xff\xfe\x00garbage,\"unclosed\n" + bytes(range(256))
    path.write_bytes(raw)
    resource = upload(dataset, path, sysadmin)
    queue.run()
    load = status.get(resource["id"])
    assert load["state"] == "error"
    assert load["error"]["en"] and load["error"]["th"] != load["error"]["en"]

    admin = factories.SysadminWithToken()
    headers = {"Authorization": admin["token"]}
    page_url = f"/dataset/{dataset['name']}/resource/{resource['id']}"
    page = app.get("/en" + page_url, headers=headers).body
    assert load["error"]["th"] in page and load["error"]["en"] in page
    form = re.search(r'<form method="post" action="([^"]+datastore_load)">(.*?)</form>',
                     page, re.S)
    assert form and 'name="_csrf_token"' in form.group(2)
    # Visitors see no loading details.
    assert load["error"]["en"] not in app.get("/en" + page_url).body
    # The original file still downloads, byte for byte.
    shown = call_action("resource_show", id=resource["id"])
    download = app.get(shown["url"].replace("http://test.ckan.net", ""))
    assert download.status_code == 200 and download.data == raw
    # Retry: editors only, POST only.
    assert app.get(form.group(1), headers=headers).status_code in (404, 405)
    assert queue == []
    assert app.post(form.group(1), headers={
        "Authorization": factories.UserWithToken()["token"]}).status_code == 403
    assert queue == []
    response = app.post(form.group(1), headers=headers, follow_redirects=False)
    assert response.status_code == 302
    assert queue == [(resource["id"], True)]
    assert status.get(resource["id"])["state"] == "pending"


def test_package_create_with_resources_queues_them(sysadmin, queue):
    """The harvesters' path: resources arrive inside package_create / package_update."""
    from tests.schemas.test_dataset import statistical
    org = factories.Organization(user=sysadmin)
    created = call_action("package_create", {"user": sysadmin["name"]}, **statistical(
        owner_org=org["id"], resources=[
            {"url": "http://example.invalid/t.csv", "format": "CSV", "name": "t"},
            {"url": "http://example.invalid/doc.pdf", "format": "PDF", "name": "doc"}]))
    csv_id = created["resources"][0]["id"]
    assert queue == [(csv_id, False)]
    queue.clear()
    # An update that leaves the file alone queues nothing; a new link does.
    call_action("package_patch", id=created["id"], notes="ใหม่")
    assert queue == []
    resources = call_action("package_show", id=created["id"])["resources"]
    resources[0]["url"] = "http://example.invalid/t2.csv"
    call_action("package_patch", id=created["id"], resources=resources)
    assert queue == [(csv_id, False)]


def test_a_savepoint_rolled_back_in_the_same_write_keeps_the_load(tmp_path, dataset, sysadmin,
                                                                   queue, monkeypatch):
    """Another extension's failed savepoint (begin_nested) after the resource is noted
    does not lose its load: only the rollback of the whole transaction does."""
    import sqlalchemy as sa
    from ckan import model

    from ckanext.provincialstats.datastore import hooks

    noted = hooks.dataset_changed

    def noted_then_failed_savepoint(pkg_dict):
        noted(pkg_dict)
        try:
            with model.Session.begin_nested():
                model.Session.execute(sa.text("SELECT no_such_column FROM package"))
        except sa.exc.SQLAlchemyError:
            pass

    monkeypatch.setattr(hooks, "dataset_changed", noted_then_failed_savepoint)
    path = tmp_path / "t.csv"
    path.write_text("ปี,ค่า\n2566,1\n", "utf-8")
    resource = upload(dataset, path, sysadmin)
    assert queue == [(resource["id"], False)]
