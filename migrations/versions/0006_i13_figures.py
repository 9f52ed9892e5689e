"""figures: the day a hazard's rectification was reported (待验收), for verification overdue

hazard.reported_on is set when a hazard moves to 待验收, kept when it is closed and cleared when
verification fails. Existing 待验收 and 已销号 hazards take it from their last move to 待验收 in
the audit log, else from their latest evidence upload, else their 发现日期 (an import that never
went through the lifecycle).

Revision ID: i13_figures
Revises: i14_roster
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'i13_figures'
down_revision: str | None = 'i14_roster'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT = sa.table(
    'audit_event',
    sa.column('object_type', sa.String),
    sa.column('object_id', sa.String),
    sa.column('action', sa.String),
    sa.column('occurred_at', sa.DateTime),
    sa.column('after', sa.JSON),
)
HAZARD = sa.table(
    'hazard',
    sa.column('id', sa.Integer),
    sa.column('status', sa.String),
    sa.column('found_on', sa.Date),
    sa.column('reported_on', sa.Date),
)


def upgrade() -> None:
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reported_on', sa.Date(), nullable=True))
    bind = op.get_bind()
    reported: dict[int, object] = {}
    moves = bind.execute(
        sa.select(AUDIT.c.object_id, AUDIT.c.occurred_at, AUDIT.c.after)
        .where(AUDIT.c.object_type == 'hazard', AUDIT.c.action == 'hazard.move')
        .order_by(AUDIT.c.occurred_at)
    )
    for object_id, occurred_at, after in moves:
        if (after or {}).get('status') == 'awaiting_verification' and str(object_id).isdigit():
            reported[int(object_id)] = occurred_at.date()
    for hazard_id, day in reported.items():
        bind.execute(
            HAZARD.update()
            .where(HAZARD.c.id == hazard_id, HAZARD.c.status.in_(['awaiting_verification', 'closed']))
            .values(reported_on=day)
        )
    day = 'date(ev.uploaded_at)' if bind.dialect.name == 'sqlite' else 'CAST(ev.uploaded_at AS DATE)'
    op.execute(
        f"UPDATE hazard SET reported_on = COALESCE((SELECT MAX({day}) FROM hazard_evidence ev "
        "WHERE ev.hazard_id = hazard.id), found_on) "
        "WHERE reported_on IS NULL AND status IN ('awaiting_verification', 'closed')"
    )


def downgrade() -> None:
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.drop_column('reported_on')
