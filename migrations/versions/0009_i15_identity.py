"""identity: server-side sessions and API tokens (sign_in), failed sign-ins in the database
(login_failure)

Sessions signed before this revision name no sign_in row: everyone signs in again once.

Revision ID: i15_identity
Revises: i13_records
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'i15_identity'
down_revision: str | None = 'i13_records'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table('sign_in',
    sa.Column('id', TEXT(length=32), nullable=False),
    sa.Column('kind', TEXT(length=8), nullable=False),
    sa.Column('account_kind', TEXT(length=16), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('person', TEXT(length=80), nullable=False),
    sa.Column('pv', TEXT(length=16), nullable=False),
    sa.Column('only_kind', TEXT(length=8), nullable=True),
    sa.Column('only_id', sa.Integer(), nullable=True),
    sa.Column('client', TEXT(length=64), nullable=True),
    sa.Column('created_at', WHEN(), nullable=False),
    sa.Column('expires_at', WHEN(), nullable=False),
    sa.Column('ended_at', WHEN(), nullable=True),
    sa.Column('ended_by', TEXT(length=100), nullable=True),
    sa.CheckConstraint("kind IN ('web', 'link', 'api')", name='ck_sign_in_kind'),
    sa.CheckConstraint("account_kind IN ('officer', 'user', 'informant')", name='ck_sign_in_account_kind'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_account', ['account_kind', 'account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_person'), ['person'], unique=False)
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', TEXT(length=120), nullable=False),
    sa.Column('failed_at', WHEN(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_key_time', ['key', 'failed_at'], unique=False)


def downgrade() -> None:
    op.drop_table('login_failure')
    op.drop_table('sign_in')
