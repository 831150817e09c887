"""Search tables: facet counts per signature (``search/summary.py``).

The count and the facets of a search that filters only on whom a dataset is shown to (the
dataset page with no words) are added up from these per-signature counts instead of
grouping every dataset on each request.  They are filled here from the index as it is;
every index write keeps them up to date afterwards.

Revision ID: b8d0f2a4c6e8
Revises: a7c9e1f3b5d7
Create Date: 2026-11-22 03:00:00
"""
from alembic import op

revision = "b8d0f2a4c6e8"
down_revision = "a7c9e1f3b5d7"
branch_labels = None
depends_on = None

SIG = "provincialstats_search_sig"
FACET = "provincialstats_search_facet"


def upgrade():
    op.execute("CREATE TABLE IF NOT EXISTS {s} (id serial PRIMARY KEY, site_id text, "
               "state text, dataset_type text, capacity text, owner_org text, "
               "permission_labels text[] NOT NULL)".format(s=SIG))
    # NULLS NOT DISTINCT (PostgreSQL 15): a dataset without organization has a signature
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS {s}_columns_idx ON {s} (site_id, state, "
               "dataset_type, capacity, owner_org, permission_labels) NULLS NOT DISTINCT"
               .format(s=SIG))
    op.execute("CREATE TABLE IF NOT EXISTS {f} (sig integer NOT NULL REFERENCES {s} (id) "
               "ON DELETE CASCADE, field text NOT NULL, value text NOT NULL, "
               "n bigint NOT NULL, PRIMARY KEY (sig, field, value))".format(f=FACET, s=SIG))
    from ckanext.provincialstats.search import summary

    summary.refresh(op.get_bind())
    op.execute("ANALYZE %s" % SIG)
    op.execute("ANALYZE %s" % FACET)


def downgrade():
    op.execute("DROP TABLE IF EXISTS %s" % FACET)
    op.execute("DROP TABLE IF EXISTS %s" % SIG)
