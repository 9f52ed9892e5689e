"""roster: every kind of identifier, richer entity records, 信息员, handover (交接)

- entity: 登记备案编号 (unique), 负责人, 联系电话, 食品安全总监, 食品安全员; codeless entities
  allowed (ck_entity_identified dropped; the import requires an identifier outside the codeless
  业态) and unique by name within their jurisdiction;
- informant: the village network (联络员/协管员/信息员), one per 手机号;
- inspection_task: status 已交接 (handed_over) and the day of the handover;
- assignment: settled_on, the day its end was settled (tasks and hazards handed over); ends
  already past are marked settled, so that history is never handed over again;
- handover: one row per officer handed over, for the dashboard.

Revision ID: i14_roster
Revises: i19_calendar
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'i14_roster'
down_revision: str | None = 'i19_calendar'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODELESS = "credit_code IS NULL AND licence_no IS NULL AND registration_no IS NULL"
UNSETTLED = "settled_on IS NULL AND end_date IS NOT NULL"
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.drop_constraint('ck_entity_identified', type_='check')
        batch_op.add_column(sa.Column('registration_no', TEXT(length=40), nullable=True))
        batch_op.add_column(sa.Column('person_in_charge', TEXT(length=50), nullable=True))
        batch_op.add_column(sa.Column('phone', TEXT(length=24), nullable=True))
        batch_op.add_column(sa.Column('safety_director', TEXT(length=50), nullable=True))
        batch_op.add_column(sa.Column('safety_officer', TEXT(length=100), nullable=True))
        batch_op.create_unique_constraint('entity_registration_no_key', ['registration_no'])
        batch_op.create_index('uq_entity_codeless', ['jurisdiction_id', 'name'], unique=True,
                              sqlite_where=sa.text(CODELESS), postgresql_where=sa.text(CODELESS))
    op.create_table('informant',
    sa.Column('name', TEXT(length=50), nullable=False),
    sa.Column('mobile', TEXT(length=11), nullable=False),
    sa.Column('role', TEXT(length=16), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', TEXT(length=300), nullable=True),
    sa.CheckConstraint("role IN ('liaison', 'assistant', 'informant')", name='ck_informant_role'),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mobile')
    )
    with op.batch_alter_table('informant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_informant_jurisdiction_id'), ['jurisdiction_id'],
                              unique=False)
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handed_over_on', sa.Date(), nullable=True))
        batch_op.drop_constraint('ck_task_status', type_='check')
        batch_op.create_check_constraint(
            'ck_task_status', "status IN ('open', 'done', 'cancelled', 'handed_over')")
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settled_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_assignment_unsettled', ['end_date'], unique=False,
                              sqlite_where=sa.text(UNSETTLED), postgresql_where=sa.text(UNSETTLED))
    op.execute("UPDATE assignment SET settled_on = end_date "
               "WHERE end_date IS NOT NULL AND end_date < CURRENT_DATE")
    op.create_table('handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_officer_id', sa.Integer(), nullable=False),
    sa.Column('to_officer_id', sa.Integer(), nullable=True),
    sa.Column('handed_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('assignments', sa.Integer(), nullable=False),
    sa.Column('tasks_moved', sa.Integer(), nullable=False),
    sa.Column('hazards_moved', sa.Integer(), nullable=False),
    sa.Column('actor', TEXT(length=100), nullable=False),
    sa.ForeignKeyConstraint(['from_officer_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['to_officer_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.create_index('ix_handover_day', ['handed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_from_officer_id'), ['from_officer_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_handover_to_officer_id'), ['to_officer_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('handover')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_unsettled')
        batch_op.drop_column('settled_on')
    op.execute("UPDATE inspection_task SET status = 'cancelled', cancelled_on = handed_over_on "
               "WHERE status = 'handed_over'")
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.drop_constraint('ck_task_status', type_='check')
        batch_op.create_check_constraint('ck_task_status',
                                         "status IN ('open', 'done', 'cancelled')")
        batch_op.drop_column('handed_over_on')
    op.drop_table('informant')
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.drop_index('uq_entity_codeless')
        batch_op.drop_constraint('entity_registration_no_key', type_='unique')
        for column in ('safety_officer', 'safety_director', 'phone', 'person_in_charge',
                       'registration_no'):
            batch_op.drop_column(column)
        batch_op.create_check_constraint(
            'ck_entity_identified', 'credit_code IS NOT NULL OR licence_no IS NOT NULL')
