"""Project-wide test fixtures.

CKAN's pytest plugin unloads every plugin before the tests run and loads them again only
for tests using ``with_plugins``; its ``clean_db`` drops all tables the first time.  The
search backend has no Solr to fall back on, so:

- every test starts with the PostgreSQL search backend installed (unless the test's
  config says ``ckanext.provincialstats.search_backend = solr``), with or without
  ``with_plugins``;
- ``reset_db`` (behind ``clean_db`` and ``non_clean_db``) recreates the search tables
  after CKAN has reset its own.
"""
import json
import pathlib

import ckan.lib.search as search
import ckan.model as model
import ckan.tests.helpers as test_helpers
import pytest
from ckan.tests import factories

from ckanext.provincialstats.search import backend
from ckanext.provincialstats.search import model as search_model


@pytest.fixture(autouse=True)
def provincialstats_search_backend(ckan_config):
    backend.configure(ckan_config)
    yield


@pytest.fixture(scope="session")
def reset_db():
    def reset():
        factories.fake.unique.clear()
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
