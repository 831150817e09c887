"""The DataStore loading status in Chromium, under the CSP: a file that cannot be loaded
shows its error in Thai and English to the dataset's editor, with a retry button that
posts (CSRF token included) and queues the load again; a visitor sees no loading
details; the original file still downloads as uploaded."""
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.datastore import jobs, status
from tests.browser.test_dataset_form import PASSWORD, log_in
from tests.datastore.conftest import DS_PLUGINS, clean_datastore, upload  # noqa: F401 (fixture)
from tests.schemas.test_dataset import statistical

BROKEN = ("จังหวัด,ค่า\n".encode("utf-8") + b"\xff\xfe\x00garbage,\"unclosed\n"
          + bytes(range(256)))


@pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS)
@pytest.mark.ckan_config("ckanext.provincialstats.quality.check_on_update", False)
# As deploy/ckan.ini.template: no gravatar.com avatars (the CSP allows no remote images).
@pytest.mark.ckan_config("ckan.gravatar_default", "disabled")
@pytest.mark.usefixtures("clean_datastore")
def test_broken_file_error_and_retry_for_the_editor(page, live_server, tmp_path, monkeypatch,
                                                    shoot, check_a11y):
    queued = []
    monkeypatch.setattr(jobs, "enqueue", lambda rid, force=False: queued.append((rid, force)))
    editor = factories.User(password=PASSWORD, image_url="")
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = call_action("package_create", {"user": editor["name"]},
                          **statistical(owner_org=org["id"]))
    path = tmp_path / "broken.csv"
    path.write_bytes(BROKEN)
    resource = upload(dataset, path, editor)
    for resource_id, force in list(queued):
        jobs.load_resource(resource_id, force=force)
    queued.clear()
    load = status.get(resource["id"])
    assert load["state"] == "error"
    url = live_server(f"/th/dataset/{dataset['name']}/resource/{resource['id']}")

    # a visitor: no loading details, the file downloads unchanged
    page.goto(url)
    assert page.locator("#datastore-load-status .alert-danger").count() == 0
    download = page.request.get(call_action("resource_show", id=resource["id"])["url"])
    assert download.status == 200 and download.body() == BROKEN

    log_in(page, live_server, editor)
    page.goto(url)
    alert = page.locator("#datastore-load-status .alert-danger")
    assert alert.is_visible()
    text = alert.inner_text()
    assert load["error"]["th"] in text and load["error"]["en"] in text
    retry = page.get_by_role("button", name="นำเข้าสู่ DataStore อีกครั้ง")
    assert retry.is_visible()
    check_a11y(page)
    shoot(page, "resource-load-error-th")
    retry.click()
    page.wait_for_load_state("networkidle")
    assert queued == [(resource["id"], True)]
    assert status.get(resource["id"])["state"] == "pending"
