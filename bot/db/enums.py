"""The closed vocabularies stored in enum columns.

Business terms the customer sees (categories, work-order kinds and statuses, half
days) are stored in Chinese exactly as the tariff data and the dialogue use them;
technical states are English codes.
"""
from __future__ import annotations

import enum


class StrEnum(str, enum.Enum):
    """A str-valued enum whose ``str()`` is its value (``enum.StrEnum`` is 3.11+)."""

    def __str__(self) -> str:
        return str(self.value)


class HolderKind(StrEnum):
    INDIVIDUAL = "individual"
    ENTERPRISE = "enterprise"


class AccountCategory(StrEnum):
    """电价类别; the values are the category keys of data/tariffs/*.yml."""

    RESIDENTIAL = "低压居民"
    NON_RESIDENTIAL = "低压非居民"
    HIGH_VOLTAGE = "高压"


class BillStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"


class PaymentStatus(StrEnum):
    PENDING = "pending"  # sent to the gateway, outcome not yet known
    SUCCEEDED = "succeeded"
    DECLINED = "declined"  # refused, or never reached the gateway: nothing was charged


class PaymentPurpose(StrEnum):
    BILL = "bill"  # arrears (any surplus goes to the prepaid balance)
    PREPAY = "prepay"  # 预存: nothing owed
    AUTOPAY = "autopay"  # charged by the monthly auto-debit job


class InstrumentKind(StrEnum):
    WALLET = "wallet"  # 电e宝余额
    BANK_CARD = "bank_card"


class WorkOrderKind(StrEnum):
    RENAME = "更名"
    TRANSFER = "过户"
    RESIDENTIAL_INSTALL = "个人新装"
    ENTERPRISE_INSTALL = "企业新装"
    FAULT_REPAIR = "故障报修"


class WorkOrderStatus(StrEnum):
    ACCEPTED = "已受理"
    # Accepted, but the applicant still has to hand in documents (e.g. from a channel
    # that cannot carry files); the time limit runs once they are complete.
    AWAITING_DOCUMENTS = "待补充资料"
    REVIEWING = "审核中"
    DISPATCHED = "已派单"
    # 故障报修 only (bot.repairs.steps): 已派单 → 已到达现场 → 已修复 (final).
    ARRIVED = "已到达现场"
    REPAIRED = "已修复"
    IN_PROGRESS = "处理中"
    COMPLETED = "已办结"
    REJECTED = "已驳回"
    CANCELLED = "已撤销"


class OutageKind(StrEnum):
    """停电类型, as announced to customers."""

    PLANNED = "计划检修"
    FAULT = "故障抢修"
    TEMPORARY = "临时检修"


class OutageStatus(StrEnum):
    OPEN = "open"  # announced or under way; the power may still be off
    CLOSED = "closed"  # power restored, or the outage was called off


class HalfDay(StrEnum):
    MORNING = "上午"
    AFTERNOON = "下午"


class ConsentStatus(StrEnum):
    """A request to bind an account whose owner (户主) must agree."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class HandoffStatus(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class InvoiceKind(StrEnum):
    VAT = "vat"  # 电子发票（增值税普通发票）
    RECEIPT = "receipt"  # 电费缴费凭证


class AutopayEventKind(StrEnum):
    """Something that happened to an account's 智能交费 mandate (bot.payments.autopay_events)."""

    SIGNED_UP = "signed_up"
    CARD_CHANGED = "card_changed"
    CANCELLED = "cancelled"
    REPLACED = "replaced"  # the signer no longer had the account bound; another user signed up
    REFUSED_OTHER_USER = "refused_other_user"  # another binder tried to see, change or cancel it


class NoticeKind(StrEnum):
    """用能预警 and other proactive notices a user can turn off and on (bot.notify.alerts)."""

    ARREARS = "arrears"  # a bill unpaid 3 days before its due date, and again once overdue
    LOW_BALANCE = "low_balance"  # the prepaid balance below LOW_BALANCE_YUAN
    USAGE_SPIKE = "usage_spike"  # a month over 30 % above the same month last year
    OUTAGE = "outage"  # a planned outage of a bound account, the day before
