"""inspection_task: one composite key to assignment instead of three foreign keys

A task's officer and entity are its assignment's; one composite foreign key checks all three
columns with one lookup per row (bulk generation of a province's tasks was bound by the three).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL's default foreign key names; SQLite's unnamed keys get the same through batch mode.
NAMING = {"fk": "%(table_name)s_%(column_0_name)s_fkey"}
OLD_KEYS = ("assignment", "officer", "entity")


def upgrade() -> None:
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_assignment_officer_entity',
                                          ['id', 'officer_id', 'entity_id'])
    with op.batch_alter_table('inspection_task', schema=None,
                              naming_convention=NAMING) as batch_op:
        for name in OLD_KEYS:
            batch_op.drop_constraint(f'inspection_task_{name}_id_fkey', type_='foreignkey')
        batch_op.create_foreign_key('fk_task_assignment', 'assignment',
                                    ['assignment_id', 'officer_id', 'entity_id'],
                                    ['id', 'officer_id', 'entity_id'])


def downgrade() -> None:
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.drop_constraint('fk_task_assignment', type_='foreignkey')
        for name in OLD_KEYS:
            batch_op.create_foreign_key(f'inspection_task_{name}_id_fkey', name,
                                        [f'{name}_id'], ['id'])
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint('uq_assignment_officer_entity', type_='unique')
