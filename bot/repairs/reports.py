"""Filing a fault report (故障报修) as a repair work order.

The report is checked again here (the form's answers are user-editable slots): the fault type is
one of :class:`FaultType`, the description is 2–200 characters, the contact phone a mainland mobile,
an account the reporting user's own bound account, a photo the user's own unused upload. The order
is 已受理 with the reporter's details in ``form_data``; staff then move it 已派单 → 已到达现场 → 已修复
(:mod:`bot.repairs.steps`). The reply states the on-site commitment of the place's area type
(:mod:`bot.repairs.commitments`). An anonymous report (``user_id`` None) is filed like a counter
order: it has no applicant in the chat, and its phone was confirmed by SMS code in the form.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.applications.work_orders import AttachmentNotUsable, create_work_order, usable_attachment
from bot.clock import Clock
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.models import AccountBinding, ElectricityAccount
from bot.db.session import SessionFactory
from bot.identity.phones import normalize_mobile
from bot.repairs.commitments import AREA_LABELS, AreaType, on_site_minutes
from bot.repairs.places import FaultPlace

DESCRIPTION_CHARS = (2, 200)


class FaultType(str, enum.Enum):
    """故障类型, as the buttons offer them."""

    TOTAL_OUTAGE = "全部停电"
    PARTIAL_OUTAGE = "部分停电"
    VOLTAGE = "电压异常"
    METER = "表计故障"
    LINE_HAZARD = "线路隐患"
    OTHER = "其他"


def fault_type_named(text: str | None) -> FaultType | None:
    """The fault type ``text`` names: its label, or a few words customers use for it."""
    said = "".join((text or "").split())
    for kind in FaultType:
        if kind.value in said:
            return kind
    words = {
        FaultType.PARTIAL_OUTAGE: ("部分", "一部分", "有的房间", "几个插座", "一相"),
        FaultType.TOTAL_OUTAGE: ("全部", "全停", "整个", "都没电", "全没电", "全屋"),
        FaultType.VOLTAGE: ("电压", "灯光忽明忽暗", "灯闪", "电压低", "电压高"),
        FaultType.METER: ("电表", "表计", "电能表", "表坏"),
        FaultType.LINE_HAZARD: ("电线", "线路", "电线杆", "隐患"),
    }
    for kind, options in words.items():
        if any(word in said for word in options):
            return kind
    return None


def description_ok(text: str | None) -> bool:
    stripped = (text or "").strip()
    return DESCRIPTION_CHARS[0] <= len(stripped) <= DESCRIPTION_CHARS[1]


@dataclass(frozen=True)
class FaultReport:
    place: FaultPlace
    fault_type: str
    description: str
    contact_phone: str
    photo_id: int | None = None
    known_outage_ids: tuple[int, ...] = ()  # outages covering the place the user reported anyway


class FaultReportProblem(str, enum.Enum):
    FAULT_TYPE = "fault_type"
    DESCRIPTION = "description"
    PHONE = "phone"
    ACCOUNT = "account"  # not one of the reporter's bound accounts
    PHOTO = "photo"  # not the reporter's own unused upload


@dataclass(frozen=True)
class FaultReportFiled:
    order_no: str
    status: WorkOrderStatus
    area_type: AreaType
    on_site_minutes: int

    @property
    def area_label(self) -> str:
        return AREA_LABELS[self.area_type]


def file_fault_report(
    session_factory: SessionFactory, clock: Clock, *, user_id: int | None, report: FaultReport, note: str | None = None
) -> FaultReportFiled | FaultReportProblem:
    """Check ``report`` and file it as a 故障报修 order (see the module docstring)."""
    try:
        kind = FaultType(report.fault_type)
    except ValueError:
        return FaultReportProblem.FAULT_TYPE
    if not description_ok(report.description):
        return FaultReportProblem.DESCRIPTION
    phone = normalize_mobile(report.contact_phone)
    if phone is None:
        return FaultReportProblem.PHONE
    place = report.place
    minutes = on_site_minutes(place.area_type)
    form_data: dict[str, Any] = {
        "fault_type": kind.value, "description": report.description.strip(), "contact_phone": phone,
        "address": place.address, "region_code": place.region_code, "area_type": place.area_type.value,
        "on_site_minutes": minutes, "known_outage_ids": list(report.known_outage_ids),
    }
    with session_factory.session_scope() as session:
        account_id: int | None = None
        if place.account_number is not None:
            account_id = session.scalar(
                select(ElectricityAccount.id)
                .join(AccountBinding, AccountBinding.account_id == ElectricityAccount.id)
                .where(ElectricityAccount.account_number == place.account_number,
                       AccountBinding.user_id == user_id)
            ) if user_id is not None else None
            if account_id is None:
                return FaultReportProblem.ACCOUNT
        photos = [report.photo_id] if report.photo_id is not None else []
        if photos and usable_attachment(session, user_id, report.photo_id) is None:
            return FaultReportProblem.PHOTO
        try:
            with session.begin_nested():
                order = create_work_order(
                    session, clock, kind=WorkOrderKind.FAULT_REPAIR, account_id=account_id, user_id=user_id,
                    form_data=form_data, note=note, promised_working_days=None, attachment_ids=photos,
                )
        except AttachmentNotUsable:  # taken by a concurrent submission after the check
            return FaultReportProblem.PHOTO
        return FaultReportFiled(order.order_no, order.status, place.area_type, minutes)
