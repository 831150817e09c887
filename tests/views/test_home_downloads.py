""""Most downloaded datasets" on the hub home page: from CKAN's tracking plugin (the
clicks its script posts to /_tracking, counted by ``ckan tracking update``), in order,
with their counts; private datasets left out; an honest message when tracking is off
or nothing was counted yet."""
import datetime

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from werkzeug.datastructures import FileStorage

from tests.logic.helpers import PLUGINS
from tests.schemas.test_dataset import statistical


def _popular(body):
    return body.split('id="home-popular-heading"')[1].split("</section>")[0]


def _click(app, url, visitor):
    """What CKAN's tracking script sends when a visitor clicks a resource link."""
    app.post("/_tracking", data={"url": url, "type": "resource"},
             headers={"User-Agent": "visitor-%d" % visitor},
             environ_overrides={"REMOTE_ADDR": "192.0.2.%d" % visitor}, status=None)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " tracking")
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_most_downloaded_in_order_with_counts(app, migrate_db_for, tmp_path):
    from ckanext.tracking.cli.tracking import update_all
    migrate_db_for("tracking")
    org = factories.Organization()
    sysadmin = factories.Sysadmin()
    made = {}
    for name, title in (("few", "ชุดที่ดาวน์โหลดน้อย"), ("most", "ชุดที่ดาวน์โหลดมากที่สุด"),
                        ("none", "ชุดที่ไม่มีใครดาวน์โหลด"), ("hidden", "ชุดข้อมูลลับ")):
        made[name] = call_action("package_create", **statistical(
            name=name, title=title, owner_org=org["id"], private=name == "hidden"))
    path = tmp_path / "most.csv"
    path.write_text("ปี,ค่า\n2566,1\n", encoding="utf-8")
    with open(path, "rb") as f:  # an upload: its URL names the resource id
        most = call_action("resource_create", {"user": sysadmin["name"]},
                           package_id=made["most"]["id"], url="most.csv", name="most",
                           upload=FileStorage(stream=f, filename="most.csv"))
    few = call_action("resource_create", package_id=made["few"]["id"], name="few",
                      url="http://example.com/few.csv")  # a link: known by its URL
    hidden = call_action("resource_create", package_id=made["hidden"]["id"],
                         name="hidden", url="http://example.com/hidden.csv")
    call_action("resource_create", package_id=made["none"]["id"], name="none",
                url="http://example.com/none.csv")
    assert "/resource/%s/download/" % most["id"] in most["url"]

    body = app.get("/en/").body
    assert "No downloads counted yet" in _popular(body)

    for visitor in range(3):
        _click(app, most["url"], visitor)
    _click(app, few["url"], 1)
    for visitor in range(5):
        _click(app, hidden["url"], visitor)
    # `ckan tracking update` (a daily cron job); from yesterday, not from 2011
    update_all((datetime.date.today() - datetime.timedelta(days=1)).isoformat())

    popular = _popular(app.get("/en/").body)
    assert popular.index("ชุดที่ดาวน์โหลดมากที่สุด") < popular.index("ชุดที่ดาวน์โหลดน้อย")
    assert "3 downloads" in popular and "1 download<" in popular
    assert "ชุดที่ไม่มีใครดาวน์โหลด" not in popular  # nothing counted: not "popular"
    assert "ชุดข้อมูลลับ" not in popular  # private: not for visitors


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_without_tracking_the_block_says_counts_are_not_kept(app):
    call_action("package_create", **statistical(name="some", title="ชุดข้อมูลหนึ่ง"))
    popular = _popular(app.get("/en/").body)
    assert "tracking plugin is not enabled" in popular
    assert "ชุดข้อมูลหนึ่ง" not in popular
