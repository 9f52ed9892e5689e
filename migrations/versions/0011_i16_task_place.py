"""task place: inspection_task.place_id, the jurisdiction of the task's entity (NULL for a
现场指导 task, which has none), kept with the entity by every writer (generation, campaigns,
handover, a roster import that moves an entity), indexed with status and due date: a
supervisor's list finds the tasks of its subtree's entities by one index range per
jurisdiction, not one lookup per entity (a county's 逾期 list read ~6,500 of them).

Backfill: every task's entity's jurisdiction now.

Revision ID: i16_task_place
Revises: i13_entity_history
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'i16_task_place'
down_revision: str | None = 'i13_entity_history'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "(entity_id IS NULL) = (place_id IS NULL)"


def upgrade() -> None:
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_id', sa.Integer(), nullable=True))
    op.execute("UPDATE inspection_task SET place_id = entity.jurisdiction_id FROM entity "
               "WHERE entity.id = inspection_task.entity_id")
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.create_check_constraint('ck_task_place', CHECK)
        batch_op.create_index('ix_task_place_status_due', ['place_id', 'status', 'due_date'],
                              unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE inspection_task")


def downgrade() -> None:
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_place_status_due')
        batch_op.drop_constraint('ck_task_place', type_='check')
        batch_op.drop_column('place_id')
