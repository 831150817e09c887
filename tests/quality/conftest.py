import pytest


@pytest.fixture
def url_check_table(clean_db, migrate_db_for):
    """The extension's own tables (``ckan db upgrade -p provincialstats``)."""
    migrate_db_for("provincialstats")
