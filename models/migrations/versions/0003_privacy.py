"""Privacy and imports: who recorded consent, "do not remember", forgotten customers, visits
counted by a previous system, where an imported note came from, and the audit trail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (never a batch rebuild): rebuilding ``customer`` on SQLite would drop the
    # old table, and with foreign keys on that cascades to every visit and note.
    op.add_column('customer', sa.Column('consent_by', sa.String(length=100),
                                        server_default=sa.text("''"), nullable=False))
    op.add_column('customer', sa.Column('do_not_remember', sa.Boolean(),
                                        server_default=sa.false(), nullable=False))
    op.add_column('customer', sa.Column('do_not_remember_at', sa.DateTime(), nullable=True))
    op.add_column('customer', sa.Column('forgotten_at', sa.DateTime(), nullable=True))
    op.add_column('customer', sa.Column('earlier_visits', sa.Integer(),
                                        server_default=sa.text('0'), nullable=False))
    op.add_column('note', sa.Column('source', sa.String(length=100),
                                    server_default=sa.text("''"), nullable=False))
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    op.create_index('ix_audit_event_at', 'audit_event', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_event_at', table_name='audit_event')
    op.drop_table('audit_event')
    with op.batch_alter_table('note') as batch:
        batch.drop_column('source')
    with op.batch_alter_table('customer') as batch:
        batch.drop_column('earlier_visits')
        batch.drop_column('forgotten_at')
        batch.drop_column('do_not_remember_at')
        batch.drop_column('do_not_remember')
        batch.drop_column('consent_by')
