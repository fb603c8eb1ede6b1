"""Process fixes: what the owner changed so a root cause stops recurring ("retrained everyone on
milk steaming"), so the insights can compare the category's problem rate before and after.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_fix',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('what_changed', sa.Text(), nullable=False),
    sa.Column('fixed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['problem_category.id'], name=op.f('fk_process_fix_category_id_problem_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_fix'))
    )
    op.create_index('ix_process_fix_category', 'process_fix', ['category_id', 'fixed_on'], unique=False)
    # The root-cause and process-fix reports count one category's problems in a date range;
    # without this they scan every problem in the range and filter by category.
    op.create_index('ix_problem_category_time', 'problem', ['category_id', 'occurred_at'], unique=False)
    # Reports over a period count visits *and* distinct customers: with the customer in the
    # time index they never read the table itself. It serves everything the old one did.
    op.create_index('ix_visit_time_customer', 'visit', ['visited_at', 'customer_id'], unique=False)
    op.drop_index('ix_visit_time', table_name='visit')


def downgrade() -> None:
    op.create_index('ix_visit_time', 'visit', ['visited_at'], unique=False)
    op.drop_index('ix_visit_time_customer', table_name='visit')
    op.drop_index('ix_problem_category_time', table_name='problem')
    op.drop_index('ix_process_fix_category', table_name='process_fix')
    op.drop_table('process_fix')
