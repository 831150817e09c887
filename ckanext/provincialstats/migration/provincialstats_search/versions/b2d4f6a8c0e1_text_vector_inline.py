"""Search tables: the text vector ``tsv`` kept in the doc row (storage MAIN).

With the default storage, PostgreSQL moved ``tsv`` (1.7 kB on average) out of the doc
row into the TOAST table, with the stored dataset dicts, so every ranked search read it
back chunk by chunk, once for the match and once more for the rank: at 50,000 datasets,
about four buffer reads per matched row.  Kept in the row, the doc table grows from 79 to
98 MB; ``q=population`` went from 55 to 25 ms median and the Thai autocomplete from 100
to 66 ms (``bench/search_bench.py --measure ...``, bench/RESULTS.md).

Rows written before are rewritten here so that they follow the new storage; the space of
their old versions is reclaimed by (auto)vacuum, or at once by
``ckan provincialstats-search rebuild``.

Revision ID: b2d4f6a8c0e1
Revises: a1c3e5f7b9d2
Create Date: 2026-11-22 06:50:00
"""
from alembic import op

revision = "b2d4f6a8c0e1"
down_revision = "a1c3e5f7b9d2"
branch_labels = None
depends_on = None

DOC = "provincialstats_search_doc"


def upgrade():
    op.execute("ALTER TABLE %s ALTER COLUMN tsv SET STORAGE MAIN" % DOC)
    # a new value (concatenating nothing), so that it is stored by the new rule
    op.execute("UPDATE %s SET tsv = tsv || CAST('' AS tsvector)" % DOC)
    op.execute("ANALYZE %s" % DOC)


def downgrade():
    op.execute("ALTER TABLE %s ALTER COLUMN tsv SET STORAGE EXTENDED" % DOC)
