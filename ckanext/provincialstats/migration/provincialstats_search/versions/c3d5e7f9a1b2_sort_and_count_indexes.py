"""Search tables: indexes for the page orders CKAN asks for, and a covering index for
counts.

- CKAN's default order is ``metadata_modified desc`` (then ``id``, for stable paging),
  with missing values last, as Solr sorts them.  A plain ``(metadata_modified)`` index
  read backwards gives ``DESC NULLS FIRST``, so the planner sorted every match to find
  one page.  ``(col NULLS FIRST, id DESC)`` read backwards is exactly
  ``col DESC NULLS LAST, id ASC``; ``(col, id)`` is ``col ASC NULLS LAST, id ASC``.
  Same for ``title_string`` (the "Name ascending/descending" orders).
- Counting the matches of a search without text (every anonymous page view counts about
  all public datasets) read the whole table.  ``(site_id, state, capacity) INCLUDE
  (permission_labels, dataset_type)`` holds every column of CKAN's own filters, so the
  count is an index-only scan of about a seventh of the table's pages.

Revision ID: c3d5e7f9a1b2
Revises: 9b4c2d8e6f10
Create Date: 2026-11-21 18:30:00
"""
from alembic import op

revision = "c3d5e7f9a1b2"
down_revision = "9b4c2d8e6f10"
branch_labels = None
depends_on = None

TABLE = "provincialstats_search_index"
INDEXES = [
    ("modified_asc", "(metadata_modified, id)"),
    ("modified_desc", "(metadata_modified NULLS FIRST, id DESC)"),
    ("title_asc", "(title_string, id)"),
    ("title_desc", "(title_string NULLS FIRST, id DESC)"),
    ("filters", "(site_id, state, capacity) INCLUDE (permission_labels, dataset_type)"),
]
REPLACED = [("metadata_modified", "(metadata_modified)"),
            ("title_string", "(title_string)")]


def upgrade():
    for name, definition in INDEXES:
        op.execute("CREATE INDEX IF NOT EXISTS %s_%s_idx ON %s %s"
                   % (TABLE, name, TABLE, definition))
    for name, _ in REPLACED:  # the (col, id) indexes serve every use of these
        op.execute("DROP INDEX IF EXISTS %s_%s_idx" % (TABLE, name))
    op.execute("ANALYZE %s" % TABLE)


def downgrade():
    for name, definition in REPLACED:
        op.execute("CREATE INDEX IF NOT EXISTS %s_%s_idx ON %s %s"
                   % (TABLE, name, TABLE, definition))
    for name, _ in INDEXES:
        op.execute("DROP INDEX IF EXISTS %s_%s_idx" % (TABLE, name))
