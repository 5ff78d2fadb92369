"""chapter_number: the manual's contents list chapters by their number, not by their titles' code points

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 12:00:00

Existing articles take the number written in their chapter's title (第七章 -> 7, Chapter 7 -> 7).
"""
from alembic import op
import sqlalchemy as sa

from intranet.kb.chapters import number_of


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chapter_number', sa.Integer(), server_default='0', nullable=False))
    article = sa.table('article', sa.column('id', sa.Integer), sa.column('chapter', sa.String),
                       sa.column('chapter_number', sa.Integer))
    connection = op.get_bind()
    for article_id, chapter in connection.execute(sa.select(article.c.id, article.c.chapter)).all():
        number = number_of(chapter or "")
        if number:
            connection.execute(article.update().where(article.c.id == article_id).values(chapter_number=number))


def downgrade():
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_column('chapter_number')
