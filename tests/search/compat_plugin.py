"""pytest plugin: run CKAN's and ckanext-dcat's own test suites on the PostgreSQL search
backend (``bench/compat.sh`` loads it with ``-p tests.search.compat_plugin``).

Those suites live in site-packages, outside this repository's ``tests/conftest.py``;
this plugin gives them the same fixtures: the backend installed for every test, and the
search tables recreated whenever CKAN resets the database.
"""
import ckan.lib.search as search
import ckan.model as model
import ckan.tests.helpers as test_helpers
import pytest
from ckan.tests import factories

from ckanext.provincialstats.search import backend
from ckanext.provincialstats.search import model as search_model


def _reset_db():
    factories.fake.unique.clear()
    test_helpers.reset_db()
    search_model.ensure_tables(model.meta.engine)


def _reset_index():
    search_model.ensure_tables(model.meta.engine)
    search.clear_all()


class Fixtures:
    """CKAN's ``reset_db``/``reset_index`` overridden, and the backend installed."""

    @pytest.fixture(scope="session")
    def reset_db(self):
        return _reset_db

    @pytest.fixture(scope="session")
    def reset_index(self):
        return _reset_index

    @pytest.fixture(scope="session", autouse=True)
    def ckan_tables(self):
        """A new database has no CKAN tables, and some of CKAN's tests (``test_index.py``)
        use the database without resetting it (CKAN's own CI runs ``ckan db init``
        first): create them once."""
        import sqlalchemy as sa

        if not sa.inspect(model.meta.engine).has_table("package"):
            _reset_db()

    @pytest.fixture(autouse=True)
    def provincialstats_search_backend(self, ckan_config):
        backend.configure(ckan_config)
        yield


def pytest_configure(config):
    # Registered here, after CKAN's own pytest plugin (entry points load after ``-p``
    # plugins, and of two fixtures with one name the one registered last is used).
    config.pluginmanager.register(Fixtures(), "provincialstats-search-fixtures")
