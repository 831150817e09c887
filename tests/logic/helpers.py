"""Shared set-up for the schema, logic and view tests (plain functions, not fixtures:
the root conftest belongs to the search backend)."""
import contextlib

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats import vocab
from ckanext.provincialstats.vocab.loader import load_provinces

PLUGINS = "provincialstats_search provincialstats scheming_datasets scheming_groups"


def sysadmin_context():
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


def province_records(*codes):
    """Only the province records of ``codes`` (as the vocabulary loader writes them),
    for tests that do not need all 77."""
    context = {"ignore_auth": True, "user": _site_user()}
    for code in codes:
        province = vocab.province(code)
        call_action("group_create", dict(context), type="province", name=province["slug"],
                    title=province["name_th"], title_en=province["name_en"],
                    province_code=province["iso_code"], region=province["region"])


def pilot_provinces(all_provinces=True):
    """Provinces loaded (or only TH-22 and TH-13 with ``all_provinces=False``);
    Chanthaburi (TH-22) and Pathum Thani (TH-13) each with a statistics office
    organization and an editor in it. Returns a dict of names."""
    if all_provinces:
        load_provinces()
    else:
        province_records("TH-22", "TH-13")
    out = {}
    for code, slug in (("TH-22", "chanthaburi"), ("TH-13", "pathum-thani")):
        editor = factories.User()
        org = factories.Organization(
            name="nso-" + slug, users=[{"name": editor["name"], "capacity": "editor"}])
        call_action("group_patch", {"ignore_auth": True}, id=slug,
                    stats_office_org=org["name"])
        out[code] = {"editor": editor["name"], "org": org["name"], "slug": slug}
    return out


def strategic_issue(province="TH-22", number=1, **extra):
    data = {
        "type": "strategic_issue",
        "title": "เกษตรมูลค่าสูง",
        "title_en": "High-value agriculture",
        "province": province,
        "plan_period": "2566-2570",
        "issue_number": number,
    }
    data.update(extra)
    return call_action("group_create", {"ignore_auth": True, "user": _site_user()}, **data)


def _site_user():
    return call_action("get_site_user", {"ignore_auth": True})["name"]


@contextlib.contextmanager
def thai():
    """Run actions as in a request whose language is Thai (``/th/...``)."""
    from ckan.lib.i18n import set_lang
    from flask import g  # noqa: F401  (request context provided by CKAN's test app)
    set_lang("th")
    try:
        yield
    finally:
        set_lang("en")


@contextlib.contextmanager
def count_queries():
    """Count the SQL statements sent to the database inside the block:
    ``with count_queries() as counted: ...; counted()``."""
    import threading

    from ckan import model
    from sqlalchemy import event

    statements = []
    me = threading.get_ident()

    def record(conn, cursor, statement, *args):
        # this thread's statements only: a live test server or a worker thread left
        # by another test may use the same engine meanwhile
        if threading.get_ident() == me:
            statements.append(statement)

    engine = model.meta.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)


def resolve_rebinding(monkeypatch, host="rebind.example", public_ip="93.184.216.34"):
    """DNS rebinding: ``host`` resolves to a public address the first time (the check)
    and to loopback afterwards (the connection); other names resolve as usual."""
    import socket

    real = socket.getaddrinfo
    answers = iter([public_ip])

    def rebinding(name, *args, **kwargs):
        if name == host:
            ip = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, args[0]))]
        return real(name, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
