"""Demo work orders (工单) and the appointment slots customers can book."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.applications.working_days import add_working_days
from bot.db.enums import HalfDay, WorkOrderKind, WorkOrderStatus
from bot.db.models import AppointmentSlot, ElectricityAccount, Region, WorkOrder, WorkOrderEvent
from bot.demo.writer import SeedWriter, china_time

# Appointment slots cover this many working days from tomorrow on: more than the 7 that
# bot.applications.appointments offers, so the demo always has a full week to choose from.
SLOT_WORKING_DAYS = 10
SLOT_CAPACITY = 3
SLOT_CITY_PREFIXES = ("3301", "1101")  # Hangzhou and Beijing
FULL_SLOT_REGION = "330106"  # 西湖区: its first morning slot is fully booked


@dataclass(frozen=True)
class DemoWorkOrder:
    account_number: str
    kind: WorkOrderKind
    created_days_ago: int
    form_data: dict[str, Any] = field(default_factory=dict)
    # (status, days after creation, "HH:MM", note)
    history: tuple[tuple[WorkOrderStatus, int, str, str], ...] = ()
    promised_working_days: int = 5


DEMO_WORK_ORDERS = (
    DemoWorkOrder(
        "3301000004",
        WorkOrderKind.RENAME,
        created_days_ago=3,
        form_data={
            "applicant_name": "刘洋",
            "new_holder_name": "周敏",
            "reason": "房屋产权人变更",
            "submitted_via": "营业厅",
        },
        history=(
            (WorkOrderStatus.ACCEPTED, 0, "10:15", "营业厅受理，材料齐全"),
            (WorkOrderStatus.REVIEWING, 1, "09:30", "产权证明审核中"),
        ),
    ),
)


def seed_work_orders(
    db: SeedWriter,
    demo_orders: Iterable[DemoWorkOrder],
    accounts: dict[str, ElectricityAccount],
    today: date,
) -> None:
    for sequence, demo in enumerate(demo_orders, start=1):
        created_on = today - timedelta(days=demo.created_days_ago)
        events = [
            (status, china_time(created_on + timedelta(days=offset), hh_mm), note)
            for status, offset, hh_mm, note in demo.history
        ]
        order = db.upsert(
            WorkOrder,
            {"order_no": f"GD{created_on:%Y%m%d}{sequence:03d}"},
            kind=demo.kind,
            account_id=accounts[demo.account_number].id,
            user_id=None,  # taken at a service counter
            status=events[-1][0],
            form_data=dict(demo.form_data),
            promised_by=add_working_days(created_on, demo.promised_working_days),
            created_at=events[0][1],
            updated_at=events[-1][1],
        )
        db.flush()
        for status, at, note in events:
            db.upsert(WorkOrderEvent, {"work_order_id": order.id, "status": status}, at=at, note=note)


def seed_slots(db: SeedWriter, regions: Iterable[Region], today: date) -> None:
    """Both halves of the next working days (official calendar: no holidays, 调休
    Saturdays included) in Hangzhou and Beijing."""
    days = [add_working_days(today, n) for n in range(1, SLOT_WORKING_DAYS + 1)]
    for region in regions:
        if region.account_prefix not in SLOT_CITY_PREFIXES:
            continue
        for day in days:
            for half in HalfDay:
                full = region.code == FULL_SLOT_REGION and day == days[0] and half is HalfDay.MORNING
                db.upsert(
                    AppointmentSlot,
                    {"region_code": region.code, "slot_date": day, "half": half},
                    capacity=SLOT_CAPACITY,
                    booked=SLOT_CAPACITY if full else 0,
                )
