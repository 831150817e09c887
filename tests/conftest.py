"""Project-wide test fixtures.

CKAN's pytest plugin unloads every plugin before the tests run and loads them again only
for tests using ``with_plugins``; its ``clean_db`` drops all tables the first time.  The
search backend has no Solr to fall back on, so:

- every test starts with the PostgreSQL search backend installed (unless the test's
  config says ``ckanext.provincialstats.search_backend = solr``), with or without
  ``with_plugins``;
- ``reset_db`` (behind ``clean_db`` and ``non_clean_db``) recreates the search tables
  after CKAN has reset its own;
- under pytest-xdist (``scripts/dev.sh test`` runs ``pytest -n <cores>``), each worker
  gets its own copy of ``--ckan-ini`` naming its own databases, Redis database and
  storage directory (``worker_ini``), so workers never share state.
"""
import json
import os
import pathlib
import re

import ckan.lib.search as search
import ckan.model as model
import ckan.tests.helpers as test_helpers
import pytest
import sqlalchemy as sa
from ckan.tests import factories

from ckanext.provincialstats.search import backend
from ckanext.provincialstats.search import model as search_model

# Redis database of worker gwN: 10 + N (the development site uses 0, a single test run 1).
WORKER_REDIS_BASE = 10


def worker_ini(text: str, worker: str) -> str:
    """The test configuration ``text`` for the xdist worker named ``worker`` ("gw0"...).

    The databases get the worker's suffix (``ckan_test`` -> ``ckan_test_gw0``; created by
    ``scripts/dev.sh``), Redis and the harvest queues the worker's Redis database, the
    storage path the worker's suffix.
    """
    number = int(worker.removeprefix("gw"))

    def database(match: re.Match) -> str:
        return f"{match.group(1)}{match.group(2)}_{worker}"

    text = re.sub(r"(?m)^((?:sqlalchemy\.url|ckan\.datastore\.(?:write|read)_url)"
                  r"\s*=\s*postgresql://[^/\s]+/)(\w+)[ \t]*$", database, text)
    redis_db = WORKER_REDIS_BASE + number
    text = re.sub(r"(?m)^(ckan\.redis\.url\s*=\s*redis://[^/\s]+/)\d+[ \t]*$",
                  lambda m: f"{m.group(1)}{redis_db}", text)
    text = re.sub(r"(?m)^(ckan\.harvest\.mq\.redis_db\s*=\s*)\d+[ \t]*$",
                  lambda m: f"{m.group(1)}{redis_db}", text)
    text = re.sub(r"(?m)^(ckan\.storage_path\s*=\s*)(\S+)[ \t]*$",
                  lambda m: f"{m.group(1)}{m.group(2)}-{worker}", text)
    return text


def pytest_configure(config):
    """Point an xdist worker at its own copy of the test configuration (before CKAN's
    plugin loads it in ``pytest_sessionstart``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = getattr(config.option, "ckan_ini", None)
    if not worker or not base:
        return
    base_path = pathlib.Path(base).resolve()
    target = config.rootpath / ".dev" / "workers" / f"{base_path.stem}-{worker}.ini"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = worker_ini(base_path.read_text(encoding="utf-8"), worker)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    config.option.ckan_ini = str(target)


@pytest.fixture(autouse=True)
def provincialstats_search_backend(ckan_config):
    backend.configure(ckan_config)
    yield


def _delete_all() -> None:
    """CKAN's ``model.repo.delete_all`` with one query for the existing tables instead of
    one per table (the reset runs before most tests)."""
    repo = model.repo
    repo.session.remove()
    connection = repo.session.connection()
    existing = set(sa.inspect(connection).get_table_names())
    for table in reversed(repo.metadata.sorted_tables):
        # alembic_version: CKAN's migration state (CKAN keeps it too)
        if table.name != "alembic_version" and table.name in existing:
            connection.execute(sa.delete(table))
    repo.session.commit()


@pytest.fixture(scope="session")
def reset_db():
    def reset():
        factories.fake.unique.clear()
        if model.repo.tables_created_and_initialised:
            # CKAN's test_helpers.reset_db -> rebuild_db, the delete_all branch
            model.Session.close_all()
            _delete_all()
            model.repo.session.remove()
            model.repo.init_db()
            model.repo.session.flush()
        else:
            test_helpers.reset_db()
        search_model.ensure_tables(model.meta.engine)

    return reset


@pytest.fixture(scope="session")
def reset_index():
    def reset():
        search_model.ensure_tables(model.meta.engine)
        search.clear_all()

    return reset


REFERENCE = pathlib.Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture
def gdc_reference():
    """The national GD Catalog dataset schema (../shared/reference, read-only)."""
    path = REFERENCE / "thai-gdc" / "ckan_dataset_v2.2.4.json"
    if not path.exists():
        pytest.skip(f"reference material not found at {path} (../shared/reference)")
    return json.loads(path.read_text(encoding="utf-8"))
