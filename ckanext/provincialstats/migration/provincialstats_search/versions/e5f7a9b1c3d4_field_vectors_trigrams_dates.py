"""Search tables: per-field word vectors, trigram indexes on name and title, date values.

Three kinds of query read every row at 50,000 datasets (see bench/RESULTS.md):

- tokenised fields (``author:...``, ``res_name:...``, ``extras_*``): each row's
  ``to_tsvector(fields ->> key)`` was computed.  Now ``ftsv`` on the doc table holds the
  words of every tokenised field, each lexeme tagged with its field (``author U+001F
  word``), Thai segmented as in the text vector (``index.field_texts``), GIN-indexed.
  Filled here from the stored ``fields`` (Thai segmented in Python, a few thousand rows
  at a time).
- autocomplete (``name_ngram`` / ``title_ngram``) and ``title:*x*``: substring matches on
  the narrow table's ``name`` and ``title`` with no index.  Now trigram GIN indexes.
- ``*_date`` fields (``fq=last_updated_date:[NOW-1YEAR TO *]``, sorts): a regular
  expression on each row's jsonb.  Now ``provincialstats_search_date`` holds one row per
  dataset and ``*_date`` field whose value is a Solr date, with exactly the value the
  query compared (its first 19 characters), btree on (field, value).

Revision ID: e5f7a9b1c3d4
Revises: d4e6f8a0b2c3
Create Date: 2026-11-21 19:20:00
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "e5f7a9b1c3d4"
down_revision = "d4e6f8a0b2c3"
branch_labels = None
depends_on = None

INDEX = "provincialstats_search_index"
DOC = "provincialstats_search_doc"
DATES = "provincialstats_search_date"
BATCH = 2000
SOLR_DATE = "'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}.[0-9]{2}.[0-9]{2}'"


def _fill_field_vectors() -> None:
    import ckan.plugins.toolkit as tk

    from ckanext.provincialstats.search import index

    engine = tk.config.get("ckanext.provincialstats.search.thai_engine") or "newmm"
    cfg = tk.config.get("ckanext.provincialstats.search.text_search_config") or "english"
    bind = op.get_bind()
    last = ""
    while True:
        rows = bind.execute(sa.text(
            "SELECT id, fields FROM %s WHERE id > :last ORDER BY id LIMIT :n" % DOC),
            {"last": last, "n": BATCH}).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        updates = []
        for dataset_id, fields in rows:
            fields = fields if isinstance(fields, dict) else json.loads(fields)
            texts = index.field_texts(fields, engine, index.MAX_TEXT_BYTES)
            if texts:
                updates.append({"id": dataset_id, "cfg": cfg,
                                "field_texts": json.dumps(texts, ensure_ascii=False)})
        if updates:
            bind.execute(sa.text("UPDATE %s SET ftsv = %s WHERE id = :id"
                                 % (DOC, index.FIELD_VECTOR)), updates)


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX IF NOT EXISTS %s_name_trgm_idx ON %s USING gin "
               "(name gin_trgm_ops)" % (INDEX, INDEX))
    op.execute("CREATE INDEX IF NOT EXISTS %s_title_trgm_idx ON %s USING gin "
               "(title gin_trgm_ops)" % (INDEX, INDEX))

    op.execute("ALTER TABLE %s ADD COLUMN IF NOT EXISTS ftsv tsvector NOT NULL "
               "DEFAULT ''::tsvector" % DOC)
    _fill_field_vectors()
    op.execute("CREATE INDEX IF NOT EXISTS %s_ftsv_idx ON %s USING gin (ftsv)" % (DOC, DOC))

    op.execute("""
        CREATE TABLE IF NOT EXISTS {dates} (
            id text NOT NULL REFERENCES {index} (id) ON DELETE CASCADE,
            field text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (id, field)
        )""".format(dates=DATES, index=INDEX))
    # the same test and value as the query's former per-row expression (sql._solr_date)
    op.execute(r"""
        INSERT INTO {dates} (id, field, value)
        SELECT d.id, f.key, left(d.fields ->> f.key, 19)
        FROM {doc} d, jsonb_object_keys(d.fields) f(key)
        WHERE f.key LIKE '%\_date'
          AND d.fields ->> f.key ~ {pattern}
        ON CONFLICT DO NOTHING""".format(dates=DATES, doc=DOC, pattern=SOLR_DATE))
    op.execute("CREATE INDEX IF NOT EXISTS %s_field_value_idx ON %s (field, value, id)"
               % (DATES, DATES))
    op.execute("ANALYZE %s" % INDEX)
    op.execute("ANALYZE %s" % DOC)
    op.execute("ANALYZE %s" % DATES)


def downgrade():
    op.execute("DROP TABLE IF EXISTS %s" % DATES)
    op.execute("DROP INDEX IF EXISTS %s_ftsv_idx" % DOC)
    op.execute("ALTER TABLE %s DROP COLUMN IF EXISTS ftsv" % DOC)
    op.execute("DROP INDEX IF EXISTS %s_name_trgm_idx" % INDEX)
    op.execute("DROP INDEX IF EXISTS %s_title_trgm_idx" % INDEX)
