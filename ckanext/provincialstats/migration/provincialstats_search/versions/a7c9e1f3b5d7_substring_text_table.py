"""Search tables: the substring text in a table of its own.

Substring wildcards (``text:*ทุเรียน*``, ``title:*rice*``) match against ``search_text``,
trigram-indexed.  It lived in the doc table, next to the field vector: widened to what
Solr copies into ``text`` (resource names and descriptions, author, maintainer, extras),
it made the doc rows large enough that tokenised-field queries (``author:x``), which read
the doc table, became 4x slower at 50,000 datasets.  In a table of its own it can hold
all of that without weighing on any other query: only substring wildcards read it.
What the column held is copied over; ``ckan search-index rebuild`` fills it with the
wider text.

Revision ID: a7c9e1f3b5d7
Revises: f6a8b0c2d4e5
Create Date: 2026-11-22 00:20:00
"""
from alembic import op

revision = "a7c9e1f3b5d7"
down_revision = "f6a8b0c2d4e5"
branch_labels = None
depends_on = None

DOC = "provincialstats_search_doc"
SUBSTR = "provincialstats_search_substr"


def upgrade():
    op.execute("CREATE TABLE IF NOT EXISTS {s} (id text PRIMARY KEY REFERENCES "
               "provincialstats_search_index (id) ON DELETE CASCADE, "
               "search_text text NOT NULL DEFAULT '')".format(s=SUBSTR))
    op.execute("INSERT INTO {s} (id, search_text) SELECT id, search_text FROM {d} "
               "ON CONFLICT (id) DO NOTHING".format(s=SUBSTR, d=DOC))
    op.execute("DROP INDEX IF EXISTS %s_search_text_trgm_idx" % DOC)
    op.execute("ALTER TABLE %s DROP COLUMN IF EXISTS search_text" % DOC)
    op.execute("CREATE INDEX IF NOT EXISTS {s}_search_text_trgm_idx ON {s} "
               "USING gin (search_text gin_trgm_ops)".format(s=SUBSTR))
    op.execute("ANALYZE %s" % SUBSTR)


def downgrade():
    op.execute("ALTER TABLE %s ADD COLUMN IF NOT EXISTS search_text text NOT NULL "
               "DEFAULT ''" % DOC)
    op.execute("UPDATE {d} SET search_text = s.search_text FROM {s} s WHERE s.id = {d}.id"
               .format(s=SUBSTR, d=DOC))
    op.execute("CREATE INDEX IF NOT EXISTS {d}_search_text_trgm_idx ON {d} "
               "USING gin (search_text gin_trgm_ops)".format(d=DOC))
    op.execute("DROP TABLE IF EXISTS %s" % SUBSTR)
