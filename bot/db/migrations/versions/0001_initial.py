"""Initial schema: users, accounts, bills, payments, work orders, SMS, slots, hand-offs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('citizen_registry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_registry')),
    sa.UniqueConstraint('id_number_hash', name=op.f('uq_citizen_registry_id_number_hash'))
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('province', sa.String(length=32), nullable=False),
    sa.Column('city', sa.String(length=32), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('tariff_key', sa.String(length=32), nullable=False),
    sa.Column('supply_company', sa.String(length=64), nullable=False),
    sa.Column('account_prefix', sa.String(length=4), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    op.create_index(op.f('ix_regions_account_prefix'), 'regions', ['account_prefix'], unique=False)

    op.create_table('sms_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_messages'))
    )
    op.create_index(op.f('ix_sms_messages_phone_sent_at'), 'sms_messages', ['phone', 'sent_at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(phone) = 11', name=op.f('ck_users_phone_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('phone', name=op.f('uq_users_phone'))
    )
    op.create_table('verification_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('consumed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invalidated', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_verification_codes_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_codes'))
    )
    op.create_index(op.f('ix_verification_codes_phone_purpose_created_at'), 'verification_codes', ['phone', 'purpose', 'created_at'], unique=False)

    op.create_table('appointment_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('slot_date', sa.Date(), nullable=False),
    sa.Column('half', sa.Enum('上午', '下午', name='half_day', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.CheckConstraint('booked >= 0 AND booked <= capacity', name=op.f('ck_appointment_slots_booked_within_capacity')),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_appointment_slots_capacity_not_negative')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_appointment_slots_region_code_regions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_slots')),
    sa.UniqueConstraint('region_code', 'slot_date', 'half', name=op.f('uq_appointment_slots_region_code_slot_date_half'))
    )
    op.create_table('chat_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_chat_identities_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_identities')),
    sa.UniqueConstraint('channel', 'sender_id', name=op.f('uq_chat_identities_channel_sender_id'))
    )
    op.create_index(op.f('ix_chat_identities_user_id'), 'chat_identities', ['user_id'], unique=False)

    op.create_table('electricity_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_number', sa.String(length=10), nullable=False),
    sa.Column('holder_name', sa.String(length=128), nullable=False),
    sa.Column('holder_kind', sa.Enum('individual', 'enterprise', name='holder_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('address', sa.String(length=256), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('category', sa.Enum('低压居民', '低压非居民', '高压', name='category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('prepaid_balance_fen', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('peak_valley', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(account_number) = 10', name=op.f('ck_electricity_accounts_account_number_length')),
    sa.CheckConstraint('prepaid_balance_fen >= 0', name=op.f('ck_electricity_accounts_prepaid_balance_not_negative')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_electricity_accounts_owner_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_electricity_accounts_region_code_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_electricity_accounts')),
    sa.UniqueConstraint('account_number', name=op.f('uq_electricity_accounts_account_number'))
    )
    op.create_index(op.f('ix_electricity_accounts_owner_user_id'), 'electricity_accounts', ['owner_user_id'], unique=False)
    op.create_index(op.f('ix_electricity_accounts_region_code'), 'electricity_accounts', ['region_code'], unique=False)

    op.create_table('handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=256), nullable=False),
    sa.Column('transcript', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'accepted', 'closed', name='handoff_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_handoffs_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoffs'))
    )
    op.create_index(op.f('ix_handoffs_channel_sender_id'), 'handoffs', ['channel', 'sender_id'], unique=False)
    op.create_index(op.f('ix_handoffs_user_id'), 'handoffs', ['user_id'], unique=False)

    op.create_table('real_name_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number_hash', sa.String(length=64), nullable=False),
    sa.Column('id_number_masked', sa.String(length=18), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_real_name_records_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_real_name_records')),
    sa.UniqueConstraint('user_id', name=op.f('uq_real_name_records_user_id'))
    )
    op.create_index(op.f('ix_real_name_records_id_number_hash'), 'real_name_records', ['id_number_hash'], unique=False)

    op.create_table('account_bindings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_account_bindings_account_id_electricity_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_bindings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_bindings')),
    sa.UniqueConstraint('user_id', 'account_id', name=op.f('uq_account_bindings_user_id_account_id'))
    )
    op.create_index(op.f('ix_account_bindings_account_id'), 'account_bindings', ['account_id'], unique=False)
    op.create_index('uq_account_bindings_one_default_per_user', 'account_bindings', ['user_id'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    op.create_table('monthly_bills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('kwh', sa.Integer(), nullable=False),
    sa.Column('tier1_kwh', sa.Integer(), nullable=False),
    sa.Column('tier2_kwh', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('tier3_kwh', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('peak_kwh', sa.Integer(), nullable=True),
    sa.Column('valley_kwh', sa.Integer(), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('unpaid', 'paid', name='bill_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.CheckConstraint('(peak_kwh IS NULL AND valley_kwh IS NULL) OR (peak_kwh >= 0 AND valley_kwh >= 0 AND peak_kwh + valley_kwh = kwh)', name=op.f('ck_monthly_bills_peak_valley_add_up')),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_monthly_bills_amount_not_negative')),
    sa.CheckConstraint('due_date >= issued_on', name=op.f('ck_monthly_bills_due_after_issue')),
    sa.CheckConstraint('kwh >= 0 AND tier1_kwh >= 0 AND tier2_kwh >= 0 AND tier3_kwh >= 0', name=op.f('ck_monthly_bills_kwh_not_negative')),
    sa.CheckConstraint('paid_fen >= 0 AND paid_fen <= amount_fen', name=op.f('ck_monthly_bills_paid_within_amount')),
    sa.CheckConstraint('tier1_kwh + tier2_kwh + tier3_kwh = kwh', name=op.f('ck_monthly_bills_tiers_add_up')),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_monthly_bills_account_id_electricity_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_bills')),
    sa.UniqueConstraint('account_id', 'period', name=op.f('uq_monthly_bills_account_id_period'))
    )

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.String(length=32), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('pending', 'succeeded', 'declined', name='payment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('receipt_no', sa.String(length=32), nullable=True),
    sa.Column('failure_reason', sa.String(length=256), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_payments_account_id_electricity_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payments_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_payments_idempotency_key')),
    sa.UniqueConstraint('order_id', name=op.f('uq_payments_order_id')),
    sa.UniqueConstraint('receipt_no', name=op.f('uq_payments_receipt_no'))
    )
    op.create_index(op.f('ix_payments_account_id'), 'payments', ['account_id'], unique=False)
    op.create_index(op.f('ix_payments_user_id'), 'payments', ['user_id'], unique=False)

    op.create_table('work_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_no', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('更名', '过户', '个人新装', '企业新装', '故障报修', name='work_order_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('已受理', '审核中', '已派单', '处理中', '已办结', '已驳回', '已撤销', name='work_order_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('form_data', sa.JSON(), nullable=False),
    sa.Column('promised_by', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['electricity_accounts.id'], name=op.f('fk_work_orders_account_id_electricity_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_work_orders_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_orders')),
    sa.UniqueConstraint('order_no', name=op.f('uq_work_orders_order_no'))
    )
    op.create_index(op.f('ix_work_orders_account_id'), 'work_orders', ['account_id'], unique=False)
    op.create_index(op.f('ix_work_orders_user_id'), 'work_orders', ['user_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_path', sa.String(length=512), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_attachments_size_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attachments_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], name=op.f('fk_attachments_work_order_id_work_orders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    op.create_index(op.f('ix_attachments_user_id'), 'attachments', ['user_id'], unique=False)
    op.create_index(op.f('ix_attachments_work_order_id'), 'attachments', ['work_order_id'], unique=False)

    op.create_table('work_order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('已受理', '审核中', '已派单', '处理中', '已办结', '已驳回', '已撤销', name='work_order_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], name=op.f('fk_work_order_events_work_order_id_work_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_order_events'))
    )
    op.create_index(op.f('ix_work_order_events_work_order_id'), 'work_order_events', ['work_order_id'], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints too.
    op.drop_table('work_order_events')
    op.drop_table('attachments')
    op.drop_table('work_orders')
    op.drop_table('payments')
    op.drop_table('monthly_bills')
    op.drop_table('account_bindings')
    op.drop_table('real_name_records')
    op.drop_table('handoffs')
    op.drop_table('electricity_accounts')
    op.drop_table('chat_identities')
    op.drop_table('appointment_slots')
    op.drop_table('verification_codes')
    op.drop_table('users')
    op.drop_table('sms_messages')
    op.drop_table('regions')
    op.drop_table('citizen_registry')
