"""The on-site steps of a repair order, in the order operators take them
(``python -m bot orders advance``): 已受理 → 已派单 → 已到达现场 → 已修复. A repair order moves one
step forward at a time, or is closed (已驳回, 已撤销) from any open step; 已到达现场 and 已修复 are
steps of repair orders only.
"""
from __future__ import annotations

from bot.db.enums import WorkOrderKind, WorkOrderStatus

REPAIR_STEPS: tuple[WorkOrderStatus, ...] = (
    WorkOrderStatus.ACCEPTED,
    WorkOrderStatus.DISPATCHED,
    WorkOrderStatus.ARRIVED,
    WorkOrderStatus.REPAIRED,
)
REPAIR_ONLY = frozenset({WorkOrderStatus.ARRIVED, WorkOrderStatus.REPAIRED})
CLOSING = frozenset({WorkOrderStatus.REJECTED, WorkOrderStatus.CANCELLED})


def move_allowed(kind: WorkOrderKind, current: WorkOrderStatus, new: WorkOrderStatus) -> bool:
    """Whether an order of ``kind`` may go from ``current`` to ``new`` (final states and
    unchanged statuses are the caller's to refuse first)."""
    if WorkOrderKind(kind) is not WorkOrderKind.FAULT_REPAIR:
        return WorkOrderStatus(new) not in REPAIR_ONLY
    new = WorkOrderStatus(new)
    if new in CLOSING:
        return True
    if new not in REPAIR_STEPS or current not in REPAIR_STEPS:
        return False
    return REPAIR_STEPS.index(new) == REPAIR_STEPS.index(WorkOrderStatus(current)) + 1


def next_repair_step(current: WorkOrderStatus) -> WorkOrderStatus | None:
    """The step after ``current`` (None after the last, or outside the steps)."""
    if current not in REPAIR_STEPS:
        return None
    index = REPAIR_STEPS.index(current) + 1
    return REPAIR_STEPS[index] if index < len(REPAIR_STEPS) else None
