"""seed rules: uncapped sections, "at least" and share items, deductions charged to a person; the callback
questionnaire (answers, tries, the follow-up job it opened)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

MARKED = ('contact_ease', 'response_speed', 'repair_speed', 'skill', 'attitude', 'value', 'cleanliness')


def upgrade():
    op.create_table(
        'inspection_charge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inspection_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('times', sa.Integer(), nullable=False),
        sa.Column('points', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_inspection_charge_branch_id_branch')),
        sa.ForeignKeyConstraint(
            ['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_charge_inspection_id_inspection')
        ),
        sa.ForeignKeyConstraint(['item_id'], ['template_item.id'], name=op.f('fk_inspection_charge_item_id_template_item')),
        sa.ForeignKeyConstraint(
            ['person_id'], ['user_account.id'], name=op.f('fk_inspection_charge_person_id_user_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_charge')),
        sa.UniqueConstraint('inspection_id', 'item_id', 'person_id', name='uq_inspection_charge_person'),
    )
    op.create_index('ix_inspection_charge_branch_person', 'inspection_charge', ['branch_id', 'person_id'], unique=False)
    op.create_index(op.f('ix_inspection_charge_inspection_id'), 'inspection_charge', ['inspection_id'], unique=False)
    op.create_index('ix_inspection_charge_person', 'inspection_charge', ['person_id'], unique=False)

    # Every callback made so far was the job's first call; none had the questionnaire.
    with op.batch_alter_table('callback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('problem_solved', sa.Boolean(), nullable=True))
        for name in MARKED:
            batch_op.add_column(sa.Column(name, sa.SmallInteger(), nullable=True))
            batch_op.create_check_constraint(op.f(f'ck_callback_{name}_mark'), f'{name} BETWEEN 1 AND 5')
        batch_op.add_column(sa.Column('staff_named', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('staff_remark', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('suggestions', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('follow_up_job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_callback_follow_up_job_id_job'), 'job', ['follow_up_job_id'], ['id'])

    with op.batch_alter_table('inspection_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points', sa.BigInteger(), nullable=True))

    with op.batch_alter_table('template_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('at_least', sa.BigInteger(), nullable=True))

    # Every section until now was capped at its maximum: existing checklists keep scoring as they did.
    with op.batch_alter_table('template_section', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capped', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('template_section', schema=None) as batch_op:
        batch_op.drop_column('capped')

    with op.batch_alter_table('template_item', schema=None) as batch_op:
        batch_op.drop_column('at_least')

    with op.batch_alter_table('inspection_answer', schema=None) as batch_op:
        batch_op.drop_column('points')

    with op.batch_alter_table('callback', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_callback_follow_up_job_id_job'), type_='foreignkey')
        batch_op.drop_column('follow_up_job_id')
        batch_op.drop_column('suggestions')
        batch_op.drop_column('staff_remark')
        batch_op.drop_column('staff_named')
        for name in reversed(MARKED):
            batch_op.drop_constraint(op.f(f'ck_callback_{name}_mark'), type_='check')
            batch_op.drop_column(name)
        batch_op.drop_column('problem_solved')
        batch_op.drop_column('attempt')

    op.drop_index('ix_inspection_charge_person', table_name='inspection_charge')
    op.drop_index(op.f('ix_inspection_charge_inspection_id'), table_name='inspection_charge')
    op.drop_index('ix_inspection_charge_branch_person', table_name='inspection_charge')
    op.drop_table('inspection_charge')
