"""No English left on the main Thai pages: every word in Latin letters that a visitor
reads (text, placeholders, titles, labels for screen readers, alt text, the page title)
is either a data value of the catalogue (titles, descriptions, names of the demo
records: English is allowed there), or on a short allow-list of proper names,
abbreviations and file formats."""
import re

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.browser.test_dataset_form import PASSWORD, log_in
from tests.chartview.test_view import CHART_PLUGINS
from tests.datastore.conftest import clean_datastore, queue  # noqa: F401
from tests.logic.helpers import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.locale_default", "th"),
    pytest.mark.ckan_config("ckan.gravatar_default", "disabled"),
]

# Proper names, abbreviations and formats that Thai pages write in Latin letters.
ALLOWED = {
    "ckan", "api", "csv", "json", "xml", "rdf", "url", "as-is", "to-be", "iso", "th",
    "gd-catalog", "gd", "catalog", "markdown", "facebook", "twitter", "open", "database",
    "license", "odbl", "cdp", "english", "datastore", "email", "pdf", "html", "xls",
    "xlsx", "doc", "docx", "zip", "geojson", "kml", "shp", "tsv", "txt", "jpeg", "png",
    "wms", "wfs", "ods", "odt", "rss", "sparql", "turtle", "jsonld", "ttl",
    # CKAN's plugin of that name, named in the "most downloaded" note
    "tracking",
    # column types in the data dictionary (PostgreSQL's names)
    "int", "text", "numeric", "float", "timestamp", "date", "bool", "kb", "mb",
    # the URL name hint's example: ทุเรียน romanised, and the letters allowed
    "thurian", "thurian-chanthaburi", "a-z",
}
TEXT = """() => {
  const out = [document.body.innerText, document.title];
  document.body.querySelectorAll('[placeholder],[title],[aria-label],img[alt]').forEach((e) => {
    if (e.closest('[hidden], .d-none') || e.closest('select')) return;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
      if (e.getAttribute(a)) out.push(e.getAttribute(a));
    }
  });
  return out.join('\\n');
}"""
WORD = re.compile(r"[A-Za-z][A-Za-z'_-]*[A-Za-z]")
LINK = re.compile(r"https?://\S+|\S+@\S+|/\S*")


def words(text):
    return {w.lower().strip("'-_") for w in WORD.findall(LINK.sub(" ", text or ""))}


def data_words():
    """Every word of the catalogue's own records (they may be in English)."""
    texts = []
    for pkg in call_action("package_search", q="*:*", rows=1000,
                           include_private=True)["results"]:
        texts += [str(v) for v in pkg.values() if isinstance(v, (str, int))]
        for res in pkg.get("resources", []):
            texts += [str(v) for v in res.values() if isinstance(v, str)]
            # view titles are records too (CKAN's default views get theirs, "Table",
            # in the site's fallback English when a background job creates them)
            texts += [v["title"] for v in call_action("resource_view_list", id=res["id"])]
        texts += [t["name"] for t in pkg.get("tags", [])]
        texts += [str(pkg.get("organization") or "")]
    for kind in ("organization_list", "group_list"):
        for group in call_action(kind, all_fields=True):
            texts += [str(v) for v in group.values() if isinstance(v, str)]
    for user in call_action("user_list"):
        texts += [user["name"], user.get("fullname") or "", user.get("about") or ""]
    texts += [lic["title"] for lic in call_action("license_list")]
    # The GD Catalog's own choice lists name some choices in English in Thai too
    # (file formats such as Audio, NoSQL, Shapefile).
    texts += [label for choice in _vocab_choices() for label in choice["label"].values()]
    return set().union(*(words(t) for t in texts))


def _vocab_choices():
    import json
    import pathlib

    import ckanext.provincialstats.vocab as vocab_package
    path = pathlib.Path(vocab_package.__file__).parent / "gdc_choices.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [c for vocab in data["vocabularies"].values() for c in vocab["choices"]
            if isinstance(c.get("label"), dict)]


def english_left(page, allowed):
    """The English words left on the page, each with the line it is on."""
    lines = page.evaluate(TEXT).split("\n")
    left = {}
    for line in lines:
        for word in sorted(words(line) - allowed):
            left.setdefault(word, line.strip()[:80])
    return ["%s (%r)" % item for item in sorted(left.items())]


# Pages no other browser test takes a picture of: screenshots (desktop and phone).
SHOTS = {"/user/login": "login-th", "/about": "about-th", "/organization/": "organizations-th"}


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("clean_db")
def test_no_english_on_the_main_thai_pages(page, live_server, demo_catalogue, shoot):
    resource = call_action("package_show", id="durian-chanthaburi")["resources"][0]
    curator = factories.Sysadmin(password=PASSWORD, image_url="",
                                 fullname="ผู้ดูแลระบบ", about="")
    allowed = ALLOWED | data_words()
    visitor_pages = [
        "/", "/dataset/", "/dataset/?q=ทุเรียน&province=TH-22", "/dataset/durian-chanthaburi",
        f"/dataset/durian-chanthaburi/resource/{resource['id']}", "/organization/",
        "/organization/oae", "/province/", "/province/chanthaburi", "/strategic_issue/",
        "/strategic_issue/chanthaburi-2566-2570-1", "/stats_chart/",
        "/stats_chart/chart-chanthaburi-2566-2570", "/user/login", "/about",
    ]
    curator_pages = ["/dataset/new", "/dataset/edit/durian-chanthaburi",
                     f"/dataset/durian-chanthaburi/resource/{resource['id']}",
                     f"/dataset/durian-chanthaburi/resource/{resource['id']}/edit"]
    found = {}
    for path in visitor_pages:
        assert page.goto(live_server(path)).status == 200, path
        left = english_left(page, allowed)
        if left:
            found[path] = left
        if path in SHOTS:
            shoot(page, SHOTS[path])
        elif "/resource/" in path:
            shoot(page, "resource-th")
    log_in(page, live_server, curator)
    allowed |= data_words()
    for path in curator_pages:
        assert page.goto(live_server(path)).status == 200, path
        left = english_left(page, allowed)
        if left:
            found["(curator) " + path] = left
    assert found == {}, "English on Thai pages:\n" + "\n".join(
        f"{path}: {'; '.join(left)}" for path, left in found.items())


@pytest.mark.ckan_config("ckan.plugins", CHART_PLUGINS)
@pytest.mark.ckan_config("ckanext.provincialstats.quality.check_on_update", False)
@pytest.mark.usefixtures("clean_datastore")
def test_no_english_on_a_thai_datastore_resource_page(
        page, live_server, tmp_path, queue, shoot):  # noqa: F811
    """A table in the DataStore with CKAN's table view and the extension's chart view:
    the resource page in Thai (visitor and curator) has no English left either."""
    from tests.chartview.test_view import two_province_csv
    from tests.datastore.conftest import upload
    from tests.schemas.test_dataset import statistical
    curator = factories.Sysadmin(password=PASSWORD, image_url="", fullname="ผู้ดูแลระบบ",
                                 about="")
    org = factories.Organization(title="สำนักงานสถิติจังหวัด", description="")
    dataset = call_action("package_create", {"user": curator["name"]}, **statistical(
        owner_org=org["id"], title="ข้าวนาปีสองจังหวัด", notes="เนื้อที่และผลผลิตข้าวนาปี"))
    resource = upload(dataset, two_province_csv(tmp_path), curator, name="ข้าวนาปี (CSV)")
    queue.run()
    table, _chart = (
        call_action("resource_view_create", {"user": curator["name"]},
                    resource_id=resource["id"], view_type=view_type, title=title)
        for view_type, title in (("datatables_view", "ตาราง"), ("provincialstats_chart", "กราฟ")))
    # The JavaScript's messages ("Add Filter"), built from the catalogues as `ckan run`
    # does at start-up (into this test configuration's storage directory).
    from ckan.lib.i18n import build_js_translations
    build_js_translations()
    allowed = ALLOWED | data_words()
    url = live_server(f"/dataset/{dataset['name']}/resource/{resource['id']}")
    found = {}
    assert page.goto(url + "?view_id=" + table["id"]).status == 200
    page.wait_for_load_state("networkidle")
    # CKAN's table view fills the columns whose names have dots ("ปี พ.ศ."): DataTables
    # read them as nested paths and left them empty (assets/pages/datatables-csp.js)
    first = page.frame_locator("iframe").first.locator("#dtprv tbody tr").first
    first.wait_for()
    cells = first.locator("td").all_inner_texts()
    assert cells[1:4] == ["2524", "1981", "จันทบุรี"], cells
    if left := english_left(page, allowed):
        found["visitor"] = left
    shoot(page, "resource-datastore-th")
    log_in(page, live_server, curator)
    assert page.goto(url).status == 200
    page.wait_for_load_state("networkidle")
    if left := english_left(page, allowed):
        found["curator"] = left
    assert found == {}, "English on the Thai resource page:\n" + "\n".join(
        f"{who}: {'; '.join(left)}" for who, left in found.items())
