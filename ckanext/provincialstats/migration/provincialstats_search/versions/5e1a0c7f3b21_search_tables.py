"""Search backend tables: the index rows and the stored dataset dicts.

Revision ID: 5e1a0c7f3b21
Revises:
Create Date: 2025-11-21 01:00:00
"""
from alembic import op

revision = "5e1a0c7f3b21"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("""
        CREATE TABLE provincialstats_search_index (
            id text PRIMARY KEY,
            site_id text NOT NULL,
            name text NOT NULL,
            state text,
            dataset_type text,
            capacity text,
            owner_org text,
            organization text,
            license_id text,
            title text,
            title_string text,
            metadata_created timestamp without time zone,
            metadata_modified timestamp without time zone,
            tags text[] NOT NULL DEFAULT '{}',
            groups text[] NOT NULL DEFAULT '{}',
            res_format text[] NOT NULL DEFAULT '{}',
            permission_labels text[] NOT NULL DEFAULT '{}',
            fields jsonb NOT NULL DEFAULT '{}',
            tsv tsvector NOT NULL DEFAULT ''::tsvector,
            search_text text NOT NULL DEFAULT '',
            indexed_at timestamp without time zone NOT NULL DEFAULT now()
        )
    """)
    op.execute("""
        CREATE TABLE provincialstats_search_doc (
            id text PRIMARY KEY
                REFERENCES provincialstats_search_index (id) ON DELETE CASCADE,
            data_dict text,
            validated_data_dict text
        )
    """)
    for name, definition in [
        ("name", "(name)"),
        ("metadata_modified", "(metadata_modified)"),
        ("title_string", "(title_string)"),
        ("organization", "(organization)"),
        ("owner_org", "(owner_org)"),
        ("tags", "USING gin (tags)"),
        ("groups", "USING gin (groups)"),
        ("res_format", "USING gin (res_format)"),
        ("permission_labels", "USING gin (permission_labels)"),
        ("fields", "USING gin (fields jsonb_path_ops)"),
        ("tsv", "USING gin (tsv)"),
        ("search_text_trgm", "USING gin (search_text gin_trgm_ops)"),
    ]:
        op.execute("CREATE INDEX provincialstats_search_index_%s_idx "
                   "ON provincialstats_search_index %s" % (name, definition))


def downgrade():
    op.execute("DROP TABLE IF EXISTS provincialstats_search_doc")
    op.execute("DROP TABLE IF EXISTS provincialstats_search_index")
