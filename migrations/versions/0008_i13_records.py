"""records: visit records that hold up (rule 11), withdrawn hazards (rule 6)

- inspection_record: recorded_at, the moment of entry apart from the visit date (filled from
  the audit log's task.record event, else the visit date), and late_reason, the reason a
  supervisor gave for entering a visit past the back-dating limit;
- hazard: status 已撤销 (withdrawn), with the day and the reason;
- hazard_recurrence: a later visit that answered the same item 否 while the hazard was open.

Revision ID: i13_records
Revises: i18_banquets
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'i13_records'
down_revision: str | None = 'i18_banquets'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
STATES = "'pending', 'rectifying', 'awaiting_verification', 'closed'"


def upgrade() -> None:
    with op.batch_alter_table('inspection_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('late_reason', TEXT(length=500), nullable=True))
    visit_day = ("CAST(visit_date AS timestamptz)" if op.get_bind().dialect.name == "postgresql"
                 else "visit_date || ' 00:00:00.000000'")
    op.execute(
        "UPDATE inspection_record SET recorded_at = COALESCE("
        "(SELECT MIN(a.occurred_at) FROM audit_event a WHERE a.action = 'task.record' "
        "AND a.object_type = 'inspection_task' "
        "AND a.object_id = CAST(inspection_record.task_id AS VARCHAR(64))), "
        f"{visit_day})"
    )
    with op.batch_alter_table('inspection_record', schema=None) as batch_op:
        batch_op.alter_column('recorded_at', existing_type=sqlmodel.sql.sqltypes.UTCDateTime(),
                              nullable=False)
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', TEXT(length=500), nullable=True))
        batch_op.drop_constraint('ck_hazard_status', type_='check')
        batch_op.create_check_constraint('ck_hazard_status', f"status IN ({STATES}, 'withdrawn')")
    op.create_table('hazard_recurrence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('note', TEXT(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], ),
    sa.ForeignKeyConstraint(['record_id'], ['inspection_record.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hazard_id', 'record_id', name='uq_recurrence_record')
    )
    with op.batch_alter_table('hazard_recurrence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_recurrence_hazard_id'), ['hazard_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_recurrence_record_id'), ['record_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('hazard_recurrence')
    # A withdrawn hazard goes back to the state it was withdrawn from is unknown here: it is
    # kept as closed on the day it was withdrawn.
    op.execute("UPDATE hazard SET status = 'closed', closed_on = withdrawn_on "
               "WHERE status = 'withdrawn'")
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.drop_constraint('ck_hazard_status', type_='check')
        batch_op.create_check_constraint('ck_hazard_status', f"status IN ({STATES})")
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_on')
    with op.batch_alter_table('inspection_record', schema=None) as batch_op:
        batch_op.drop_column('late_reason')
        batch_op.drop_column('recorded_at')
