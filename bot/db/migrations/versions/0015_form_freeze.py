"""Frozen form summaries (``form_summaries``): what an application's summary showed, as a
keyed digest, and the phone whose SMS code the chat entered, until it is submitted.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('form_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('form', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=True),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_phone_digest', sa.String(length=64), nullable=True),
    sa.Column('code_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_summaries')),
    sa.UniqueConstraint('channel', 'sender_id', 'form', name=op.f('uq_form_summaries_channel_sender_id_form'))
    )


def downgrade() -> None:
    op.drop_table('form_summaries')
