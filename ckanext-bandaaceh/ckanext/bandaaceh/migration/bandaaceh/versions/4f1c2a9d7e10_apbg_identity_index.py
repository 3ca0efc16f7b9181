"""APBG identity index: finding a gampong's budget of a year and stage without a scan.

A budget is identified by (gampong area code, tahun, tahap, periode), stored as dataset extras
(``identity.py``: ``_budget_row``). Without this index every import and budget lookup read every
dataset of the portal: at province scale (6,497 gampong, several stages and years) that is a
scan of tens of thousands of rows per request.

Revision ID: 4f1c2a9d7e10
Revises:
Create Date: 2026-12-01
"""
from alembic import op

revision = "4f1c2a9d7e10"
down_revision = None
branch_labels = None
depends_on = None

INDEX = "idx_bandaaceh_apbg_identity"


def upgrade() -> None:
    op.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON package "
               "((extras ->> 'kode_wilayah'), (extras ->> 'tahun_anggaran'), (extras ->> 'tahap')) "
               "WHERE type = 'apbdes'")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
