"""calendar_stamp: app processes keep each branch's desk settings and calendar under a stamp that changes with them

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 18:30:00

Existing branches get a random stamp each.
"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_stamp', sa.String(length=32), server_default='', nullable=False))
    branch = sa.table('branch', sa.column('id', sa.Integer), sa.column('calendar_stamp', sa.String))
    connection = op.get_bind()
    for (branch_id,) in connection.execute(sa.select(branch.c.id)).all():
        connection.execute(branch.update().where(branch.c.id == branch_id).values(calendar_stamp=uuid.uuid4().hex))


def downgrade():
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.drop_column('calendar_stamp')
