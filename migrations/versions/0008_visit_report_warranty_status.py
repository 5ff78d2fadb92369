"""visit report: warranty status at the visit

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Reports filed before the question was asked keep NULL: "not recorded", never a guess.
    with op.batch_alter_table('visit_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warranty_status', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('visit_report', schema=None) as batch_op:
        batch_op.drop_column('warranty_status')
