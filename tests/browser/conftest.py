"""Browser tests: a real CKAN web server and headless Chromium driven by Playwright.

- ``live_server``: the test configuration's CKAN application (the ``ckan.plugins`` and
  other ``ckan_config`` marks of the test) served by werkzeug on a free loopback port in
  a thread; ``ckan.site_url`` points at it, so uploaded files download from it. Create
  data with actions (``call_action``) in the test before or while the pages are visited.
- ``browser``: Debian's Chromium (``/usr/bin/chromium``, installed by ``scripts/dev.sh``;
  another binary with ``$CHROMIUM``), never Playwright's own browser download.
- ``page``: a Playwright page (desktop, 1366x900) that records console errors, uncaught
  exceptions, failed requests and Content-Security-Policy violations (its
  ``securitypolicyviolation`` events and the console's "Refused to ..." messages); the
  test fails at the end if there was any. ``page.problems`` lists them so far.
- ``shoot(page, name)``: screenshots at desktop (1366x900) and phone (390x844) widths in
  ``$ARTIFACTS_DIR/screens`` (default ``.dev/artifacts/screens``).
- ``check_a11y(page)``: runs axe-core (vendored in ``vendor/``) on the page and fails on
  any serious or critical violation.

Every test in this directory is marked ``browser`` (``-m "not browser"`` leaves them
out); ``make test`` runs them.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import socket
import threading

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE = HERE / "vendor" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# axe-core impacts that fail a test.
A11Y_FAILING = ("serious", "critical")

RECORD_CSP = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__provincialstatsCsp({
    directive: e.violatedDirective, blocked: e.blockedURI,
    source: e.sourceFile, line: e.lineNumber, sample: e.sample,
  });
});
"""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives headless Chromium against a live CKAN server")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in pathlib.Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def artifacts_dir() -> pathlib.Path:
    base = os.environ.get("ARTIFACTS_DIR") or str(ROOT / ".dev" / "artifacts")
    path = pathlib.Path(base) / "screens"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, url: str):
        self.url = url

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of a path on the server."""
        return self.url + path


@pytest.fixture
def live_server(ckan_config, with_plugins, make_app, monkeypatch):
    from werkzeug.serving import make_server

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setitem(ckan_config, "ckan.site_url", url)
    wsgi = make_app().app
    server = make_server("127.0.0.1", port, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url)
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"Chromium not found at {path}: install Debian's chromium "
                    "(scripts/dev.sh does) or set $CHROMIUM", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=_chromium(), headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        try:
            yield chromium
        finally:
            chromium.close()


def _watch(page, problems: list[str]) -> None:
    def on_console(msg):
        if msg.type == "error":
            problems.append(f"console error on {page.url}: {msg.text}")

    def on_request_failed(request):
        # A download the test saves itself is not a failure of the page.
        if "net::ERR_ABORTED" not in (request.failure or ""):
            problems.append(f"request failed on {page.url}: {request.url} {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"uncaught error on {page.url}: {exc}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", lambda r: r.status >= 400 and problems.append(
        f"HTTP {r.status} on {page.url}: {r.request.method} {r.url}"))


@pytest.fixture
def browser_context(browser):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    problems: list[str] = []

    def on_csp(source, violation):
        problems.append(
            f"CSP violation on {source['page'].url}: {violation['directive']} blocked "
            f"{violation['blocked']!r} ({violation.get('source')}:{violation.get('line')}) "
            f"{violation.get('sample') or ''}".rstrip())

    context.expose_binding("__provincialstatsCsp", on_csp)
    context.add_init_script(RECORD_CSP)
    context.problems = problems
    yield context
    context.close()


@pytest.fixture
def page(browser_context, live_server):
    page = browser_context.new_page()
    page.set_default_timeout(20000)
    page.problems = browser_context.problems
    _watch(page, page.problems)
    yield page
    problems = list(page.problems)
    page.close()
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def shoot():
    """``shoot(page, name)``: full-page screenshots at desktop and phone widths; returns
    the two paths. The page is left at desktop width."""

    def take(page, name: str) -> list[pathlib.Path]:
        paths = []
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.wait_for_load_state("networkidle")
            path = artifacts_dir() / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        page.set_viewport_size(DESKTOP)
        return paths

    return take


@pytest.fixture
def check_a11y():
    """``check_a11y(page)``: axe-core on the page as it is; fails on serious or critical
    violations (WCAG 2.x A and AA rules). Returns axe's result."""
    source = AXE.read_text(encoding="utf-8")

    def run(page, exclude: list[str] | None = None):
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Through the DevTools protocol, not a <script> element: the page's CSP
            # stays as it is and the checker is not the page's script.
            page.evaluate(source + "\n;true")
        result = page.evaluate(
            """async (exclude) => await window.axe.run(
                {exclude: exclude.map((s) => [s])},
                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                 resultTypes: ['violations']})""",
            exclude or [])
        bad = [v for v in result["violations"] if v["impact"] in A11Y_FAILING]
        if bad:
            lines = []
            for v in bad:
                targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
                lines.append(f"{v['impact']} {v['id']}: {v['help']} -> {targets}")
            pytest.fail(f"Accessibility (axe-core) on {page.url}:\n" + "\n".join(lines),
                        pytrace=False)
        return result

    return run


DURIAN_CSV = (
    "\ufeffปี พ.ศ.,อำเภอ,เนื้อที่ให้ผล (ไร่),ผลผลิต (ตัน)\n"
    "2565,เมืองจันทบุรี,41250,52100\n"
    "2566,เมืองจันทบุรี,42010,55870\n"
    "2566,ท่าใหม่,60320,80140\n"
)


def durian_dataset(province="TH-22", slug="chanthaburi", province_th="จันทบุรี"):
    """A statistical durian dataset of a province (through ``package_create``), in the
    GD Catalog fields of the demo datasets."""
    from ckan.tests.helpers import call_action

    from ckanext.provincialstats.demo import content

    common = {k: v for k, v in content.DATASETS[2].items()
              if k not in ("name", "title", "notes", "tags", "resources", "owner_org")}
    site_user = call_action("get_site_user", {"ignore_auth": True})["name"]
    return call_action("package_create", {"user": site_user, "ignore_auth": True}, **{
        **common,
        "name": f"durian-{slug}",
        "title": f"เนื้อที่ให้ผลและผลผลิตทุเรียน จังหวัด{province_th} รายอำเภอ",
        "notes": f"ผลผลิตทุเรียนรายอำเภอ จังหวัด{province_th} (durian by district)",
        "owner_org": "oae",
        "tags": [{"name": "ทุเรียน"}, {"name": "ผลไม้"}],
        "province": [province],
        "strategic_issue": [],
        "first_year_of_data": "2565",
        "last_year_of_data": "2566",
    })


@pytest.fixture
def demo_catalogue(live_server, create_with_upload):
    """The 77 provinces, the demo content (``ckan provincialstats demo load``: pilot
    provinces' organizations, strategic issues, datasets with CSVs, the Chanthaburi
    chart) and two durian datasets (Chanthaburi and Rayong, TH-21) with an uploaded CSV
    each. Returns ``{"durian": {code: dataset}}``."""
    from ckanext.provincialstats.demo.loader import load
    from ckanext.provincialstats.vocab.loader import load_provinces

    load_provinces()
    load()
    durian = {}
    for code, slug, name_th in (("TH-22", "chanthaburi", "จันทบุรี"),
                                ("TH-21", "rayong", "ระยอง")):
        dataset = durian_dataset(code, slug, name_th)
        create_with_upload(DURIAN_CSV, f"durian-{slug}.csv", package_id=dataset["id"],
                           name="ผลผลิตทุเรียนรายอำเภอ (CSV)", format="CSV",
                           url=f"durian-{slug}.csv")
        durian[code] = dataset
    return {"durian": durian}
