"""The search backend's tables (created by the alembic revisions, never at start-up).

``provincialstats_search_index``: one narrow row per indexed dataset (about 300 bytes),
the columns every search filters, sorts and facets on; counts and facets over the whole
catalogue scan only this table.
``provincialstats_search_doc``: the wide part, read only for the rows that need it: the
full-text vector and the trigram text (GIN-indexed), every other index field as jsonb
(GIN-indexed), and the stored dataset dicts (``data_dict`` and ``validated_data_dict``)
that ``package_show`` and ``package_search`` hand back; ``ftsv``, the words of the
tokenised fields tagged with their field (``index.FIELD_VECTOR``).
``provincialstats_search_date``: the ``*_date`` fields' Solr dates, one row per dataset
and field, btree on (field, value): ranges and sorts on them (``sql.Compiler._dates``).

All live on CKAN's metadata, so CKAN's test ``clean_db`` empties them with the core
tables (an index that outlives its datasets would show ghosts).
"""
import functools
import os

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

INDEX_TABLE = "provincialstats_search_index"
DOC_TABLE = "provincialstats_search_doc"
DATE_TABLE = "provincialstats_search_date"
# the text substring wildcards search (what Solr copies into ``text``), trigram-indexed
SUBSTR_TABLE = "provincialstats_search_substr"
# one row: the index generation, incremented by every index write (search/cache.py)
STATE_TABLE = "provincialstats_search_state"
# facet counts per signature, kept with every index write (search/summary.py)
SIG_TABLE = "provincialstats_search_sig"
FACET_TABLE = "provincialstats_search_facet"

metadata = tk.BaseModel.metadata

index_table = sa.Table(
    INDEX_TABLE, metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("site_id", sa.UnicodeText, nullable=False),
    sa.Column("name", sa.UnicodeText, nullable=False),
    sa.Column("state", sa.UnicodeText),
    sa.Column("dataset_type", sa.UnicodeText),
    sa.Column("capacity", sa.UnicodeText),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("organization", sa.UnicodeText),
    sa.Column("license_id", sa.UnicodeText),
    sa.Column("title", sa.UnicodeText),
    sa.Column("title_string", sa.UnicodeText),
    sa.Column("metadata_created", sa.DateTime),
    sa.Column("metadata_modified", sa.DateTime),
    sa.Column("tags", pg.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("groups", pg.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("res_format", pg.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("permission_labels", pg.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("vocab", pg.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("indexed_at", sa.DateTime, nullable=False),
)

doc_table = sa.Table(
    DOC_TABLE, metadata,
    sa.Column("id", sa.UnicodeText,
              sa.ForeignKey(INDEX_TABLE + ".id", ondelete="CASCADE"), primary_key=True),
    sa.Column("fields", pg.JSONB, nullable=False),
    sa.Column("tsv", pg.TSVECTOR, nullable=False),
    sa.Column("ftsv", pg.TSVECTOR, nullable=False),
    # the dataset's signature (``summary.SIG_KEY``)
    sa.Column("sig_key", sa.UnicodeText),
    sa.Column("data_dict", sa.UnicodeText),
    sa.Column("validated_data_dict", sa.UnicodeText),
)

substr_table = sa.Table(
    SUBSTR_TABLE, metadata,
    sa.Column("id", sa.UnicodeText,
              sa.ForeignKey(INDEX_TABLE + ".id", ondelete="CASCADE"), primary_key=True),
    sa.Column("search_text", sa.UnicodeText, nullable=False),
)

date_table = sa.Table(
    DATE_TABLE, metadata,
    sa.Column("id", sa.UnicodeText,
              sa.ForeignKey(INDEX_TABLE + ".id", ondelete="CASCADE"), primary_key=True),
    sa.Column("field", sa.UnicodeText, primary_key=True),
    sa.Column("value", sa.UnicodeText, nullable=False),
)


sig_table = sa.Table(
    SIG_TABLE, metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("site_id", sa.UnicodeText),
    sa.Column("state", sa.UnicodeText),
    sa.Column("dataset_type", sa.UnicodeText),
    sa.Column("capacity", sa.UnicodeText),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("permission_labels", pg.ARRAY(sa.UnicodeText), nullable=False),
)

facet_table = sa.Table(
    FACET_TABLE, metadata,
    sa.Column("sig", sa.Integer, sa.ForeignKey(SIG_TABLE + ".id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("field", sa.UnicodeText, primary_key=True),
    sa.Column("value", sa.UnicodeText, primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)


def tables_exist(connection) -> bool:
    inspector = sa.inspect(connection)
    return all(inspector.has_table(t)
               for t in (INDEX_TABLE, DOC_TABLE, DATE_TABLE, SUBSTR_TABLE, STATE_TABLE,
                         SIG_TABLE, FACET_TABLE))


def migration_directory() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(__file__)), "migration",
                        "provincialstats_search")


def upgrade(engine) -> None:
    """Apply this plugin's alembic revisions to ``engine``'s database (what
    ``ckan db upgrade -p provincialstats_search`` does, usable when the plugin is not
    loaded, e.g. between tests)."""
    from alembic import command
    from alembic.config import Config

    directory = migration_directory()
    config = Config(os.path.join(directory, "alembic.ini"))
    config.set_main_option("script_location", directory)
    config.set_main_option("sqlalchemy.url",
                           engine.url.render_as_string(hide_password=False)
                           .replace("%", "%%"))
    command.upgrade(config, "head")


VERSION_TABLE = "provincialstats_search_alembic_version"


@functools.lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration's revision (read once per process: the migration files do
    not change while it runs)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(migration_directory()).get_current_head()


def ensure_tables(engine) -> None:
    """Bring the tables to the latest revision if they are missing or older (CKAN's test
    ``clean_db`` drops every table the first time it runs, the version table too)."""
    with engine.connect() as connection:
        if tables_exist(connection) and sa.inspect(connection).has_table(VERSION_TABLE):
            current = connection.execute(
                sa.text("SELECT version_num FROM %s" % VERSION_TABLE)).scalar()
            if current == head_revision():
                return
    upgrade(engine)
