"""Search tables: move the wide columns (fields, tsv, search_text) to the doc table.

Counts and facets over the whole catalogue scan the index table; with the jsonb fields
and the text vector in it, its rows were about 1.6 kB and a 50,000-dataset scan read
80 MB.  Without them a row is about 300 bytes.

Revision ID: 9b4c2d8e6f10
Revises: 5e1a0c7f3b21
Create Date: 2025-11-21 02:00:00
"""
from alembic import op

revision = "9b4c2d8e6f10"
down_revision = "5e1a0c7f3b21"
branch_labels = None
depends_on = None

WIDE = """
    fields jsonb NOT NULL DEFAULT '{}',
    tsv tsvector NOT NULL DEFAULT ''::tsvector,
    search_text text NOT NULL DEFAULT ''
"""
INDEXES = [
    ("fields", "USING gin (fields jsonb_path_ops)"),
    ("tsv", "USING gin (tsv)"),
    ("search_text_trgm", "USING gin (search_text gin_trgm_ops)"),
]


def _move(source: str, target: str) -> None:
    op.execute("ALTER TABLE %s %s" % (target, ", ".join(
        "ADD COLUMN " + c.strip() for c in WIDE.strip().split(",\n"))))
    op.execute("UPDATE {t} SET fields = s.fields, tsv = s.tsv, search_text = s.search_text "
               "FROM {s} s WHERE s.id = {t}.id".format(s=source, t=target))
    for name, _ in INDEXES:
        op.execute("DROP INDEX IF EXISTS %s_%s_idx" % (source, name))
    op.execute("ALTER TABLE %s DROP COLUMN fields, DROP COLUMN tsv, "
               "DROP COLUMN search_text" % source)
    for name, definition in INDEXES:
        op.execute("CREATE INDEX %s_%s_idx ON %s %s" % (target, name, target, definition))


def upgrade():
    _move("provincialstats_search_index", "provincialstats_search_doc")


def downgrade():
    _move("provincialstats_search_doc", "provincialstats_search_index")
