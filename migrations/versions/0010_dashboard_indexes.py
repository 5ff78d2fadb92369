"""dashboard: a callback's branch, and indexes for figures by period (jobs opened and done, follow-ups,
unhappy customers, callbacks, scores, corrective actions)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_job_branch_created', 'job', ['branch_id', 'created_at']),
    ('ix_job_branch_done', 'job', ['branch_id', 'done_at']),
    ('ix_job_created', 'job', ['created_at']),
    ('ix_job_done', 'job', ['done_at']),
    ('ix_job_follow_up_of', 'job', ['follow_up_of_id']),
    ('ix_job_branch_attention', 'job', ['branch_id', 'needs_manager_attention']),
    ('ix_visit_report_job_satisfaction', 'visit_report', ['job_id', 'satisfaction']),
    ('ix_callback_branch_at', 'callback', ['branch_id', 'at']),
    ('ix_callback_at', 'callback', ['at']),
    ('ix_inspection_branch_submitted', 'inspection', ['branch_id', 'submitted_at']),
    ('ix_inspection_signed', 'inspection', ['signed_at']),
    ('ix_corrective_action_branch_created', 'corrective_action', ['branch_id', 'created_at']),
]


def upgrade():
    # A callback's branch is its job's: kept on the row so a branch's calls of a period come by an index.
    with op.batch_alter_table('callback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch_id', sa.Integer(), nullable=True))
    op.execute('UPDATE callback SET branch_id = (SELECT job.branch_id FROM job WHERE job.id = callback.job_id)')
    with op.batch_alter_table('callback', schema=None) as batch_op:
        batch_op.alter_column('branch_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_callback_branch_id_branch', 'branch', ['branch_id'], ['id'])
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table('callback', schema=None) as batch_op:
        batch_op.drop_constraint('fk_callback_branch_id_branch', type_='foreignkey')
        batch_op.drop_column('branch_id')
