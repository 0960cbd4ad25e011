"""Outages (停电): planned and fault outages by area, with their status.

``outages``: one district, optionally one street, or (``outage_accounts``) a list of 户号;
start, expected end, reason, kind (计划检修 / 故障抢修 / 临时检修) and status (open / closed).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column(
            'kind',
            sa.Enum('计划检修', '故障抢修', '临时检修', name='outage_kind', native_enum=False, create_constraint=True,
                    length=32),
            nullable=False,
        ),
        sa.Column(
            'status',
            sa.Enum('open', 'closed', name='outage_status', native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column('region_code', sa.String(length=6), nullable=False),
        sa.Column('street', sa.String(length=64), nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(status = 'open' AND closed_at IS NULL) OR (status = 'closed' AND closed_at IS NOT NULL)",
            name=op.f('ck_outages_closed_at_when_closed'),
        ),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_outages_ends_after_start')),
        sa.CheckConstraint('street IS NULL OR length(street) > 0', name=op.f('ck_outages_street_not_empty')),
        sa.ForeignKeyConstraint(
            ['region_code'], ['regions.code'], name=op.f('fk_outages_region_code_regions'), ondelete='RESTRICT'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outages')),
    )
    op.create_index('ix_outages_status_region_starts', 'outages', ['status', 'region_code', 'starts_at'], unique=False)
    op.create_index('ix_outages_status_starts', 'outages', ['status', 'starts_at'], unique=False)
    op.create_table(
        'outage_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('outage_id', sa.Integer(), nullable=False),
        sa.Column('account_number', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ['outage_id'], ['outages.id'], name=op.f('fk_outage_accounts_outage_id_outages'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outage_accounts')),
        sa.UniqueConstraint(
            'outage_id', 'account_number', name=op.f('uq_outage_accounts_outage_id_account_number')
        ),
    )
    op.create_index(
        op.f('ix_outage_accounts_account_number'), 'outage_accounts', ['account_number'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_outage_accounts_account_number'), table_name='outage_accounts')
    op.drop_table('outage_accounts')
    op.drop_index('ix_outages_status_starts', table_name='outages')
    op.drop_index('ix_outages_status_region_starts', table_name='outages')
    op.drop_table('outages')
