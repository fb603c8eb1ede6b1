"""Staff, roles and PINs; who did what (visits, notes, problems, recovery actions); handover
notes for the next shift; and an audit trail that cannot be edited.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_ATTRIBUTION = (('visit', 'logged_by'), ('note', 'author'), ('note', 'edited_by'),
                ('problem', 'logged_by'), ('recovery_action', 'taken_by'))


def upgrade() -> None:
    op.create_table('staff_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('pin_hash', sa.String(length=300), nullable=False),
    sa.Column('failed_pins', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_signed_in_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('clerk', 'shift_lead', 'owner')", name=op.f('ck_staff_member_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_member')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_member_name'))
    )
    # Plain ADD COLUMN with a constant default: instant on SQLite and PostgreSQL, even with
    # millions of visits (a batch rebuild would copy the whole table).
    for table, column in _ATTRIBUTION:
        op.add_column(table, sa.Column(column, sa.String(length=100),
                                       server_default=sa.text("''"), nullable=False))
    op.add_column('note', sa.Column('kind', sa.String(length=20),
                                    server_default=sa.text("'note'"), nullable=False))
    op.create_index('ix_note_kind_time', 'note', ['kind', 'created_at'], unique=False)
    op.create_index('ix_audit_event_actor', 'audit_event', ['actor', 'at'], unique=False)
    _forbid_audit_changes()


def _forbid_audit_changes() -> None:
    """The trail is append-only for everyone, including a script with the file open."""
    if op.get_context().dialect.name == 'sqlite':
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    op.drop_index('ix_audit_event_actor', table_name='audit_event')
    op.drop_index('ix_note_kind_time', table_name='note')
    with op.batch_alter_table('note') as batch_op:
        batch_op.drop_column('kind')
    for table, column in _ATTRIBUTION:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(column)
    op.drop_table('staff_member')
