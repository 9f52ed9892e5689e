"""banquets: 农村集体聚餐备案, 乡厨, 现场指导 tasks (rule 14)

- chef, chef_training: the 乡厨 register with health certificates and training records;
- banquet: a filing with its guidance visit and its 回访;
- inspection_task: source 'banquet' with banquet_id and no entity or assignment;
- hazard: source 'banquet' and the banquet that opened it.

Revision ID: i18_banquets
Revises: i13_figures
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'i18_banquets'
down_revision: str | None = 'i13_figures'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
BANQUET_TASK = ("(source = 'banquet') = (banquet_id IS NOT NULL) AND "
                "(source = 'banquet') = (assignment_id IS NULL AND entity_id IS NULL)")
HAZARD_SOURCES = "'inspection', 'sampling', 'complaint', 'review', 'other'"


def upgrade() -> None:
    op.create_table('chef',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', TEXT(length=50), nullable=False),
    sa.Column('mobile', TEXT(length=11), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('cert_no', TEXT(length=40), nullable=False),
    sa.Column('cert_expires', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mobile')
    )
    with op.batch_alter_table('chef', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chef_cert_expires'), ['cert_expires'], unique=False)
        batch_op.create_index(batch_op.f('ix_chef_jurisdiction_id'), ['jurisdiction_id'],
                              unique=False)
    op.create_table('chef_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chef_id', sa.Integer(), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=False),
    sa.Column('course', TEXT(length=200), nullable=False),
    sa.ForeignKeyConstraint(['chef_id'], ['chef.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chef_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chef_training_chef_id'), ['chef_id'], unique=False)
    op.create_table('banquet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('host', TEXT(length=50), nullable=False),
    sa.Column('contact', TEXT(length=24), nullable=True),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('place', TEXT(length=200), nullable=True),
    sa.Column('diners', sa.Integer(), nullable=False),
    sa.Column('kind', TEXT(length=16), nullable=False),
    sa.Column('chef_id', sa.Integer(), nullable=True),
    sa.Column('menu', TEXT(length=1000), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('filed_by', TEXT(length=64), nullable=False),
    sa.Column('late_filing', sa.Boolean(), nullable=False),
    sa.Column('chef_cert_expired', sa.Boolean(), nullable=False),
    sa.Column('status', TEXT(length=16), nullable=False),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('guided_on', sa.Date(), nullable=True),
    sa.Column('guidance', sa.JSON(), nullable=True),
    sa.Column('guidance_note', TEXT(length=2000), nullable=True),
    sa.Column('followed_up_on', sa.Date(), nullable=True),
    sa.Column('diners_actual', sa.Integer(), nullable=True),
    sa.Column('ill_count', sa.Integer(), nullable=True),
    sa.Column('followed_up_by', TEXT(length=64), nullable=True),
    sa.CheckConstraint("kind IN ('wedding', 'funeral', 'birthday', 'graduation', 'other')",
                       name='ck_banquet_kind'),
    sa.CheckConstraint("status IN ('filed', 'cancelled')", name='ck_banquet_status'),
    sa.CheckConstraint('diners > 0', name='ck_banquet_diners'),
    sa.ForeignKeyConstraint(['chef_id'], ['chef.id'], ),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('banquet', schema=None) as batch_op:
        batch_op.create_index('ix_banquet_event', ['event_date', 'jurisdiction_id'], unique=False)
        batch_op.create_index('ix_banquet_jurisdiction_event', ['jurisdiction_id', 'event_date'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_banquet_chef_id'), ['chef_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_banquet_officer_id'), ['officer_id'], unique=False)
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('banquet_id', sa.Integer(), nullable=True))
        batch_op.alter_column('assignment_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('entity_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key('inspection_task_banquet_id_fkey', 'banquet',
                                    ['banquet_id'], ['id'])
        batch_op.drop_constraint('ck_task_source', type_='check')
        batch_op.create_check_constraint(
            'ck_task_source', "source IN ('routine', 'campaign', 'banquet')")
        batch_op.create_check_constraint('ck_task_banquet', BANQUET_TASK)
        batch_op.create_index('uq_task_banquet', ['banquet_id'], unique=True)
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.add_column(sa.Column('banquet_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('hazard_banquet_id_fkey', 'banquet', ['banquet_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_hazard_banquet_id'), ['banquet_id'], unique=False)
        batch_op.drop_constraint('ck_hazard_source', type_='check')
        batch_op.create_check_constraint(
            'ck_hazard_source', f"source IN ({HAZARD_SOURCES}, 'banquet')")


def downgrade() -> None:
    op.execute("UPDATE hazard SET source = 'other' WHERE source = 'banquet'")
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.drop_constraint('ck_hazard_source', type_='check')
        batch_op.create_check_constraint('ck_hazard_source', f"source IN ({HAZARD_SOURCES})")
        batch_op.drop_index(batch_op.f('ix_hazard_banquet_id'))
        batch_op.drop_constraint('hazard_banquet_id_fkey', type_='foreignkey')
        batch_op.drop_column('banquet_id')
    op.execute("DELETE FROM inspection_task WHERE source = 'banquet'")
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.drop_index('uq_task_banquet')
        batch_op.drop_constraint('ck_task_banquet', type_='check')
        batch_op.drop_constraint('ck_task_source', type_='check')
        batch_op.create_check_constraint('ck_task_source', "source IN ('routine', 'campaign')")
        batch_op.drop_constraint('inspection_task_banquet_id_fkey', type_='foreignkey')
        batch_op.drop_column('banquet_id')
        batch_op.alter_column('entity_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('assignment_id', existing_type=sa.Integer(), nullable=False)
    op.drop_table('banquet')
    op.drop_table('chef_training')
    op.drop_table('chef')
