"""Search tables: the values of multi-valued fields in a column of the narrow table.

Multi-valued dataset fields (``province``, ``strategic_issue``, ``stat_sector`` as the
provincial plugin registers them, CKAN's vocabulary tags) were read from the ``fields``
jsonb of the wide doc table: a filter ``province:TH-22`` re-read (and rechecked) every
matching wide row, and a province facet detoasted the jsonb of every matched dataset.
Now each dataset's ``vocab_<field>`` values are also kept in ``vocab``, a ``text[]`` of
``<field> U+001F <value>`` entries on the narrow table, GIN-indexed: filters and facets on
those fields never touch the doc table.  Filled here from the stored ``fields``.

Revision ID: d4e6f8a0b2c3
Revises: c3d5e7f9a1b2
Create Date: 2026-11-21 18:40:00
"""
from alembic import op

revision = "d4e6f8a0b2c3"
down_revision = "c3d5e7f9a1b2"
branch_labels = None
depends_on = None

TABLE = "provincialstats_search_index"


def upgrade():
    op.execute("ALTER TABLE %s ADD COLUMN IF NOT EXISTS vocab text[] NOT NULL DEFAULT '{}'"
               % TABLE)
    op.execute(r"""
        UPDATE {t} i SET vocab = e.entries
        FROM (SELECT d.id, array_agg(substr(f.key, 7) || chr(31) || v.value
                                     ORDER BY f.key, v.n) AS entries
              FROM provincialstats_search_doc d,
                   jsonb_each(d.fields) f,
                   jsonb_array_elements_text(CASE jsonb_typeof(f.value) WHEN 'array'
                       THEN f.value ELSE jsonb_build_array(f.value) END)
                       WITH ORDINALITY v(value, n)
              WHERE f.key LIKE 'vocab\_%' AND v.value IS NOT NULL
              GROUP BY d.id) e
        WHERE e.id = i.id
    """.format(t=TABLE))
    op.execute("CREATE INDEX IF NOT EXISTS %s_vocab_idx ON %s USING gin (vocab)"
               % (TABLE, TABLE))
    op.execute("ANALYZE %s" % TABLE)


def downgrade():
    op.execute("DROP INDEX IF EXISTS %s_vocab_idx" % TABLE)
    op.execute("ALTER TABLE %s DROP COLUMN IF EXISTS vocab" % TABLE)
