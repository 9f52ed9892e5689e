"""entity history: entity_state, one row per stretch of an entity's 经营状态, roster membership,
业态, 主体等级, 风险等级 and jurisdiction (figures of a past day read what the system held then)

Backfill: one open row per existing entity, equal to the entity row, from
- the day the roster import created it (its roster.entity.created audit event), else
- the earlier of its first assignment's start and the first roster import, else
- the migration day;
never later than the migration day. Rows are written in jurisdiction order (a subtree's rows
share pages) and analysed on PostgreSQL. Changes made before this revision left no history: an
entity changed since it was first listed is taken as it is now from that day on.

Revision ID: i13_entity_history
Revises: i15_identity
Create Date: 2026-12-06
"""
import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel
from alembic import op

from config.settings import get_settings

revision: str = 'i13_entity_history'
down_revision: str | None = 'i15_identity'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
OPEN = "valid_to IS NULL"


def upgrade() -> None:
    op.create_table('entity_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', TEXT(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('category', TEXT(length=16), nullable=False),
    sa.Column('package_grade', TEXT(length=1), nullable=False),
    sa.Column('risk_grade', TEXT(length=1), nullable=True),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name='ck_entity_state_dates'),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], ),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    _backfill()
    with op.batch_alter_table('entity_state', schema=None) as batch_op:
        batch_op.create_index('uq_entity_state_open', ['entity_id'], unique=True,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
        batch_op.create_index('ix_entity_state_day', ['jurisdiction_id', 'valid_from',
                                                      'valid_to'], unique=False)
    if op.get_bind().dialect.name == "postgresql":  # a province's figures plan on statistics
        op.execute("ANALYZE entity_state")


def _backfill() -> None:
    settings = get_settings()
    zone = ZoneInfo(settings.timezone)
    today = settings.today or dt.datetime.now(zone).date()
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        day = "CAST(occurred_at AT TIME ZONE :zone AS DATE)"
    else:  # stored in UTC; the office's offset (Asia/Shanghai keeps no summer time)
        offset = dt.datetime.now(zone).utcoffset() or dt.timedelta()
        day = f"date(occurred_at, '{int(offset.total_seconds() // 60):+d} minutes')"
    today_sql = "CAST(:today AS DATE)" if pg else ":today"
    earlier = ("CASE WHEN a.day IS NULL THEN f.day WHEN f.day IS NULL OR a.day < f.day "
               "THEN a.day ELSE f.day END")
    since = f"COALESCE(c.day, {earlier}, {today_sql})"
    op.get_bind().execute(sa.text(f"""
        INSERT INTO entity_state (entity_id, valid_from, status, active, category,
                                  package_grade, risk_grade, jurisdiction_id)
        SELECT e.id, CASE WHEN {since} > {today_sql} THEN {today_sql} ELSE {since} END,
               e.status, e.active, e.category, e.package_grade, e.risk_grade, e.jurisdiction_id
        FROM entity e
        LEFT JOIN (SELECT CAST(object_id AS INTEGER) AS entity_id, MIN({day}) AS day
                   FROM audit_event WHERE action = 'roster.entity.created'
                   GROUP BY object_id) c ON c.entity_id = e.id
        LEFT JOIN (SELECT entity_id, MIN(start_date) AS day FROM assignment
                   GROUP BY entity_id) a ON a.entity_id = e.id
        CROSS JOIN (SELECT MIN({day}) AS day FROM audit_event
                    WHERE action = 'roster.import') f
        ORDER BY e.jurisdiction_id, e.id"""),
        {"today": today.isoformat(), **({"zone": settings.timezone} if pg else {})})


def downgrade() -> None:
    op.drop_table('entity_state')
