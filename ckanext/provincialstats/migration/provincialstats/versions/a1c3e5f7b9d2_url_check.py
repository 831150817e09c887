"""Quality: stored results of resource URL checks.

Revision ID: a1c3e5f7b9d2
Revises:
Create Date: 2026-11-21 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a1c3e5f7b9d2"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "provincialstats_url_check",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("url", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("checked_at", sa.DateTime, nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("error", sa.UnicodeText),
        sa.Column("media_type", sa.UnicodeText),
        sa.Column("byte_size", sa.BigInteger),
    )
    op.create_index("provincialstats_url_check_package_id", "provincialstats_url_check",
                    ["package_id"])


def downgrade():
    op.drop_table("provincialstats_url_check")
