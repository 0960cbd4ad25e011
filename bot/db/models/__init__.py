"""The business tables, one module per sub-domain; import them from here.

Conventions: money is integer fen (``*_fen``), never float; every timestamp is an
aware UTC datetime (:class:`~bot.db.types.UtcDateTime`) supplied by the caller's
clock, so nothing here reads the wall clock; enum columns hold the values of
:mod:`bot.db.enums` behind CHECK constraints.

Importing this package registers every table on :data:`bot.db.base.metadata`.
"""
from __future__ import annotations

from bot.db.models.accounts import (
    AccountBinding,
    BindingConsentRequest,
    BindingLookup,
    ElectricityAccount,
    PendingBinding,
    Region,
)
from bot.db.models.alerts import NoticePreference, UsageNotice
from bot.db.models.applications import (
    AppointmentSlot,
    FormSummary,
    PreApplicationRecord,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderNotice,
)
from bot.db.models.billing import Invoice, MonthlyBill
from bot.db.models.common import (
    ACCOUNT_NUMBER_LENGTH,
    CHAT_KEY_LENGTH,
    PHONE_LENGTH,
    SHA256_HEX_LENGTH,
)
from bot.db.models.conversation import Handoff, NumberedOptionSet
from bot.db.models.files import Attachment
from bot.db.models.identity import (
    ChatIdentity,
    CitizenRecord,
    RealNameRecord,
    SmsMessage,
    User,
    VerificationCode,
)
from bot.db.models.ivr import IvrCall
from bot.db.models.limits import LimitCounter
from bot.db.models.outages import Outage, OutageAccount
from bot.db.models.payments import (
    AutopayEvent,
    AutopayMandate,
    FrozenQuote,
    GatewayNonce,
    Payment,
    PaymentInstrument,
)
from bot.db.models.privacy import ErasureRequest, SlotVaultEntry, TrackerErasure

__all__ = [
    "ACCOUNT_NUMBER_LENGTH",
    "CHAT_KEY_LENGTH",
    "PHONE_LENGTH",
    "SHA256_HEX_LENGTH",
    "AccountBinding",
    "AppointmentSlot",
    "Attachment",
    "AutopayEvent",
    "AutopayMandate",
    "BindingConsentRequest",
    "BindingLookup",
    "ChatIdentity",
    "CitizenRecord",
    "ElectricityAccount",
    "ErasureRequest",
    "FormSummary",
    "FrozenQuote",
    "GatewayNonce",
    "Handoff",
    "Invoice",
    "IvrCall",
    "LimitCounter",
    "MonthlyBill",
    "NumberedOptionSet",
    "NoticePreference",
    "Outage",
    "OutageAccount",
    "Payment",
    "PaymentInstrument",
    "PendingBinding",
    "PreApplicationRecord",
    "RealNameRecord",
    "Region",
    "SlotVaultEntry",
    "SmsMessage",
    "TrackerErasure",
    "UsageNotice",
    "User",
    "VerificationCode",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderNotice",
]
