"""Search tables: each doc row carries its dataset's signature key (``summary.SIG_KEY``).

A search whose words are all on tokenised fields (``author:statistical``,
``res_name:XLSX``) and whose filters are only on whom a dataset is shown to counts its
matches from the doc table alone: the signatures the filters allow are picked from the
few signature rows, and each matched doc row is checked by its key, instead of joining
every match to the index table and scanning that table for the filters
(``query._signature_count``).

Revision ID: a1c3e5f7b9d2
Revises: b8d0f2a4c6e8
Create Date: 2026-11-22 05:40:00
"""
from alembic import op

revision = "a1c3e5f7b9d2"
down_revision = "b8d0f2a4c6e8"
branch_labels = None
depends_on = None

DOC = "provincialstats_search_doc"
INDEX = "provincialstats_search_index"


def upgrade():
    from ckanext.provincialstats.search import summary

    op.execute("ALTER TABLE %s ADD COLUMN IF NOT EXISTS sig_key text" % DOC)
    op.execute("UPDATE {doc} d SET sig_key = {key} FROM {index} i WHERE i.id = d.id"
               .format(doc=DOC, index=INDEX, key=summary.SIG_KEY))
    op.execute("ANALYZE %s" % DOC)


def downgrade():
    op.execute("ALTER TABLE %s DROP COLUMN IF EXISTS sig_key" % DOC)
