"""CKAN's DataTables view of a DataStore table works under the extension's
Content-Security-Policy with no violation at all (its inline script and handlers are
replaced by the extension's template and assets; the style attributes its scripts
write are applied through the CSSOM) and no failed request."""
import pytest
from ckan.tests.helpers import call_action

from tests.logic.helpers import PLUGINS
from tests.schemas.test_dataset import statistical

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS + " datastore datatables_view"),
    pytest.mark.ckan_config("ckan.views.default_views", ""),
]


@pytest.fixture
def clean_datastore(clean_db, clean_index):
    import ckanext.datastore.tests.helpers as ds_helpers
    from sqlalchemy import orm
    engine = ds_helpers.db.get_write_engine()
    ds_helpers.rebuild_all_dbs(orm.scoped_session(orm.sessionmaker(bind=engine)))


@pytest.mark.usefixtures("clean_datastore")
def test_datatables_view_draws_the_table_under_the_csp(page, live_server, shoot, check_a11y):
    dataset = call_action("package_create", **statistical(name="durian-table"))
    resource = call_action("resource_create", package_id=dataset["id"], name="ทุเรียน",
                           url="http://example.com/durian.csv", format="CSV")
    call_action("datastore_create", resource_id=resource["id"], force=True,
                fields=[{"id": "ปี", "type": "int"}, {"id": "อำเภอ", "type": "text"},
                        {"id": "ผลผลิต", "type": "numeric"}],
                records=[{"ปี": 2566, "อำเภอ": "ท่าใหม่", "ผลผลิต": 80140},
                         {"ปี": 2566, "อำเภอ": "เมืองจันทบุรี", "ผลผลิต": 55870}])
    view = call_action("resource_view_create", resource_id=resource["id"],
                       view_type="datatables_view", title="ตาราง")
    response = page.goto(live_server(
        f"/dataset/{dataset['name']}/resource/{resource['id']}/view/{view['id']}"))
    assert response.status == 200
    rows = page.locator("#dtprv tbody tr")
    rows.first.wait_for()
    page.wait_for_load_state("networkidle")
    assert "ท่าใหม่" in page.locator("#dtprv tbody").inner_text()
    assert rows.count() == 2
    # CKAN's markup gave the column filters style="width:100%" and DataTables' sizing
    # row style="height: 0px; overflow: hidden": blocked as attributes by the policy,
    # applied here through the CSSOM (assets/pages/datatables-csp.js), so they hold.
    filters = page.locator("#dtprv_wrapper input.fhead")
    fills = filters.first.evaluate(
        "(e) => e.getBoundingClientRect().width / e.parentElement.clientWidth")
    assert fills > 0.8
    assert page.locator(".dataTables_sizing").first.evaluate(
        "(e) => getComputedStyle(e).overflow") == "hidden"
    # A redraw (column filter) copies the header cells again: still no violation.
    filters.nth(1).fill("ท่าใหม่")
    filters.nth(1).press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#dtprv tbody tr').length == 1")
    assert "เมืองจันทบุรี" not in page.locator("#dtprv tbody").inner_text()
    filters.nth(1).fill("")
    filters.nth(1).press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#dtprv tbody tr').length == 2")
    shoot(page, "datatables-view")
    # The resource page that embeds it.
    page.goto(live_server(f"/dataset/{dataset['name']}/resource/{resource['id']}"))
    frame = page.frame_locator("iframe").first
    frame.locator("#dtprv tbody tr").first.wait_for()
    page.wait_for_load_state("networkidle")
    shoot(page, "resource-page-datatables")
