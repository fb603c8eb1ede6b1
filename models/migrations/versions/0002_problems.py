"""Problems and how they were made right: categories, recovery actions, follow-ups,
teammate check-ins, unsent drafts and shop-wide settings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

# The starting root causes, frozen here as they were when this revision shipped; owners rename,
# add and retire categories afterwards. The key is what code relies on, never the name.
STARTING_CATEGORIES = [
    ("process_breakdown", "Process breakdown"),
    ("poor_communication", "Poor communication"),
    ("value_for_price", "Value for the price"),
    ("training_gap", "Training gap"),
    ("wrong_order", "Wrong or remade order"),
    ("product_quality", "Product quality"),
    ("wait_time", "Wait time"),
    ("staff_attitude", "Staff attitude"),
    ("other", "Other"),
]


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_setting',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_setting'))
    )
    op.create_table('problem_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_category')),
    sa.UniqueConstraint('key', name=op.f('uq_problem_category_key')),
    sa.UniqueConstraint('name', name=op.f('uq_problem_category_name'))
    )
    categories = sa.table(
        'problem_category', sa.column('key', sa.String), sa.column('name', sa.String),
        sa.column('retired', sa.Boolean), sa.column('position', sa.Integer),
        sa.column('created_at', sa.DateTime),
    )
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    op.bulk_insert(categories, [
        {'key': key, 'name': name, 'retired': False, 'position': index, 'created_at': now}
        for index, (key, name) in enumerate(STARTING_CATEGORIES)
    ])
    op.create_table('problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('customer_words', sa.Text(), nullable=False),
    sa.Column('fair_fix', sa.Text(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('allergen_or_illness', sa.Boolean(), nullable=False),
    sa.Column('handled_by', sa.String(length=100), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('resolved_by', sa.String(length=100), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("NOT allergen_or_illness OR severity = 'safety'", name=op.f('ck_problem_allergen_safety')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('happy', 'okay', 'unhappy')", name=op.f('ck_problem_outcome')),
    sa.CheckConstraint("severity IN ('minor', 'major', 'safety')", name=op.f('ck_problem_severity')),
    sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_problem_status')),
    sa.ForeignKeyConstraint(['category_id'], ['problem_category.id'], name=op.f('fk_problem_category_id_problem_category')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_problem_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem'))
    )
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.create_index('ix_problem_customer_time', ['customer_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_problem_status', ['status', 'occurred_at'], unique=False)
        batch_op.create_index('ix_problem_time', ['occurred_at'], unique=False)

    op.create_table('problem_draft',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_problem_draft_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_problem_draft'))
    )
    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('task', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by', sa.String(length=100), nullable=False),
    sa.Column('result', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_follow_up_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_follow_up_problem_id_problem'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_customer', ['customer_id'], unique=False)
        batch_op.create_index('ix_follow_up_open_due', ['done_at', 'due_on'], unique=False)
        batch_op.create_index('ix_follow_up_problem', ['problem_id'], unique=False)

    op.create_table('recovery_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('cost_cents', sa.Integer(), nullable=True),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('apology', 'remade', 'refund', 'value_add', 'follow_up_contact', 'other')", name=op.f('ck_recovery_action_kind')),
    sa.CheckConstraint('cost_cents IS NULL OR cost_cents >= 0', name=op.f('ck_recovery_action_cost_not_negative')),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_recovery_action_problem_id_problem'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_action'))
    )
    with op.batch_alter_table('recovery_action', schema=None) as batch_op:
        batch_op.create_index('ix_recovery_action_kind_time', ['kind', 'taken_at'], unique=False)
        batch_op.create_index('ix_recovery_action_problem', ['problem_id'], unique=False)

    op.create_table('teammate_check_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('teammate', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('flagged_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by', sa.String(length=100), nullable=False),
    sa.Column('done_note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_teammate_check_in_problem_id_problem'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teammate_check_in'))
    )
    with op.batch_alter_table('teammate_check_in', schema=None) as batch_op:
        batch_op.create_index('ix_teammate_check_in_open', ['done_at', 'created_at'], unique=False)
        batch_op.create_index('ix_teammate_check_in_problem', ['problem_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('teammate_check_in', schema=None) as batch_op:
        batch_op.drop_index('ix_teammate_check_in_problem')
        batch_op.drop_index('ix_teammate_check_in_open')

    op.drop_table('teammate_check_in')
    with op.batch_alter_table('recovery_action', schema=None) as batch_op:
        batch_op.drop_index('ix_recovery_action_problem')
        batch_op.drop_index('ix_recovery_action_kind_time')

    op.drop_table('recovery_action')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_problem')
        batch_op.drop_index('ix_follow_up_open_due')
        batch_op.drop_index('ix_follow_up_customer')

    op.drop_table('follow_up')
    op.drop_table('problem_draft')
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.drop_index('ix_problem_time')
        batch_op.drop_index('ix_problem_status')
        batch_op.drop_index('ix_problem_customer_time')

    op.drop_table('problem')
    op.drop_table('problem_category')
    op.drop_table('app_setting')
