"""Search tables: the index generation, for the search result cache.

One row holding a counter that every index write increments in its own transaction
(``search/index.py``); a search's cached answer is keyed on it (``search/cache.py``), so
an answer is never reused after the index changed.

Revision ID: f6a8b0c2d4e5
Revises: e5f7a9b1c3d4
Create Date: 2026-11-22 00:10:00
"""
from alembic import op

revision = "f6a8b0c2d4e5"
down_revision = "e5f7a9b1c3d4"
branch_labels = None
depends_on = None

TABLE = "provincialstats_search_state"


def upgrade():
    # the counter starts at the current time in microseconds, so a table dropped and
    # created again (a reset database, a downgrade and upgrade) never repeats the
    # generations of answers still in the cache
    op.execute("CREATE TABLE IF NOT EXISTS %s (id integer PRIMARY KEY CHECK (id = 1), "
               "generation bigint NOT NULL)" % TABLE)
    op.execute("INSERT INTO %s (id, generation) VALUES "
               "(1, CAST(extract(epoch FROM clock_timestamp()) * 1000000 AS bigint)) "
               "ON CONFLICT (id) DO NOTHING" % TABLE)


def downgrade():
    op.execute("DROP TABLE IF EXISTS %s" % TABLE)
