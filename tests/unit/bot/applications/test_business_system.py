"""Pre-applications forwarded to the business system: stored once, idempotent, kept pending
while the system is down and sent by the retry, one row under concurrent forwarding."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import bot.applications.cli  # noqa: F401  (registers "orders forward")
from bot.applications.business_system import (
    PRE_APPLICATION_KINDS,
    BusinessSystemUnavailable,
    LocalBusinessSystem,
    PreApplication,
    business_system_from_settings,
    forward_pending,
    forward_pre_application,
    pending_pre_applications,
)
from bot.applications.order_progress import advance_order
from bot.applications.work_orders import create_work_order
from bot.cli import main
from bot.clock import FixedClock
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.models import PreApplicationRecord, User, WorkOrder
from bot.db.session import SessionFactory
from bot.settings import Settings
from tests.unit.db_factories import add_upload, add_user

PHONE = "13900000001"
FORM = {"install_type": "企业新装", "applicant_phone_masked": "138****0001",
        "invoice": {"bank_account_masked": "尾号4567"}}


def _order(sf: SessionFactory, clock: FixedClock, kind: WorkOrderKind = WorkOrderKind.ENTERPRISE_INSTALL,
           *, attachments: int = 0) -> str:
    with sf.session_scope() as session:
        user_id = session.scalar(select(User.id).where(User.phone == PHONE)) or add_user(session, PHONE).id
    upload_ids = [add_upload(sf, PHONE) for _ in range(attachments)]
    with sf.session_scope() as session:
        order = create_work_order(session, clock, kind=kind, account_id=None, user_id=user_id, form_data=FORM,
                                  note=None, promised_working_days=15, attachment_ids=upload_ids)
        return order.order_no


def _row(sf: SessionFactory, order_no: str) -> tuple[str | None, Any]:
    with sf.session_scope() as session:
        order = session.scalars(select(WorkOrder).where(WorkOrder.order_no == order_no)).one()
        return order.business_ref, order.forwarded_at


def _stored(sf: SessionFactory) -> list[PreApplicationRecord]:
    with sf.session_scope() as session:
        rows = session.scalars(select(PreApplicationRecord).order_by(PreApplicationRecord.id)).all()
        session.expunge_all()
        return list(rows)


class Flaky:
    """A business system that is down until ``up`` is set, counting calls."""

    def __init__(self, inner: LocalBusinessSystem) -> None:
        self.inner, self.up, self.calls = inner, False, 0

    def submit_pre_application(self, pre: PreApplication) -> str:
        self.calls += 1
        if not self.up:
            raise BusinessSystemUnavailable("503")
        return self.inner.submit_pre_application(pre)


def test_only_installs_are_pre_applications() -> None:
    installs = {WorkOrderKind.RESIDENTIAL_INSTALL, WorkOrderKind.ENTERPRISE_INSTALL}
    assert installs == PRE_APPLICATION_KINDS


def test_an_install_is_forwarded_once(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    order_no = _order(session_factory, fixed_clock, attachments=2)
    system = LocalBusinessSystem(session_factory, fixed_clock)
    fixed_clock.advance(timedelta(minutes=1))
    reference = forward_pre_application(session_factory, system, fixed_clock, order_no=order_no)
    assert reference == "YX" + order_no[2:]
    assert _row(session_factory, order_no) == (reference, fixed_clock.now())
    [row] = _stored(session_factory)
    assert (row.order_no, row.kind, row.reference, row.form_data) == (
        order_no, WorkOrderKind.ENTERPRISE_INSTALL, reference, FORM)  # already masked in the work order
    assert len(row.attachment_ids) == 2 and row.attachment_ids == sorted(row.attachment_ids)
    assert row.submitted_at == fixed_clock.now() - timedelta(minutes=1) and row.received_at == fixed_clock.now()

    fixed_clock.advance(timedelta(hours=1))
    assert forward_pre_application(session_factory, system, fixed_clock, order_no=order_no) == reference
    assert _row(session_factory, order_no)[1] == fixed_clock.now() - timedelta(hours=1)  # not sent again
    assert len(_stored(session_factory)) == 1
    assert pending_pre_applications(session_factory) == []


def test_the_local_system_is_idempotent_per_order_number(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    system = LocalBusinessSystem(session_factory, fixed_clock)
    pre = PreApplication("GD20261123007", WorkOrderKind.RESIDENTIAL_INSTALL, fixed_clock.now(), {"a": 1}, (3,))
    assert system.submit_pre_application(pre) == "YX20261123007"
    assert system.submit_pre_application(replace(pre, form_data={"a": 2})) == "YX20261123007"
    [row] = _stored(session_factory)
    assert (row.form_data, row.attachment_ids) == ({"a": 1}, [3])
    assert "form_data" not in repr(pre)  # stays out of logs


def test_an_unavailable_system_leaves_it_pending(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    first = _order(session_factory, fixed_clock)
    second = _order(session_factory, fixed_clock, WorkOrderKind.RESIDENTIAL_INSTALL)
    _order(session_factory, fixed_clock, WorkOrderKind.RENAME)  # not a pre-application
    system = Flaky(LocalBusinessSystem(session_factory, fixed_clock))
    assert forward_pre_application(session_factory, system, fixed_clock, order_no=first) is None
    assert _row(session_factory, first) == (None, None)
    assert pending_pre_applications(session_factory) == [first, second]
    assert forward_pending(session_factory, system, fixed_clock) == 0
    assert system.calls == 2  # stopped at the first failure
    assert _stored(session_factory) == []

    system.up = True
    fixed_clock.advance(timedelta(minutes=5))
    assert forward_pending(session_factory, system, fixed_clock) == 2
    assert [_row(session_factory, no) for no in (first, second)] == [
        ("YX" + first[2:], fixed_clock.now()), ("YX" + second[2:], fixed_clock.now()),
    ]
    assert pending_pre_applications(session_factory) == []
    assert forward_pending(session_factory, system, fixed_clock) == 0


def test_a_withdrawn_order_is_not_forwarded(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    order_no = _order(session_factory, fixed_clock)
    advance_order(session_factory, fixed_clock, order_no=order_no, status=WorkOrderStatus.CANCELLED)
    system = LocalBusinessSystem(session_factory, fixed_clock)
    assert pending_pre_applications(session_factory) == []
    assert forward_pre_application(session_factory, system, fixed_clock, order_no=order_no) is None
    assert _stored(session_factory) == []


def test_other_orders_are_not_pre_applications(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    rename = _order(session_factory, fixed_clock, WorkOrderKind.RENAME)
    system = LocalBusinessSystem(session_factory, fixed_clock)
    for order_no in (rename, "GD20991231001"):
        with pytest.raises(ValueError):
            forward_pre_application(session_factory, system, fixed_clock, order_no=order_no)


def test_concurrent_forwarding_stores_one_row(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    order_no = _order(session_factory, fixed_clock)
    local = LocalBusinessSystem(session_factory, fixed_clock)
    barrier = threading.Barrier(4)

    class AllAtOnce:
        """Every forwarder has read the order as pending before any submits."""

        def submit_pre_application(self, pre: PreApplication) -> str:
            barrier.wait(timeout=10)
            return local.submit_pre_application(pre)

    with ThreadPoolExecutor(4) as pool:
        references = list(pool.map(
            lambda _: forward_pre_application(session_factory, AllAtOnce(), fixed_clock, order_no=order_no), range(4)
        ))
    assert set(references) == {"YX" + order_no[2:]}
    with session_factory.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(PreApplicationRecord)) == 1
    assert _row(session_factory, order_no)[0] == references[0]


def test_the_local_system_from_settings(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    assert isinstance(business_system_from_settings(Settings(), session_factory, fixed_clock), LocalBusinessSystem)
    assert isinstance(business_system_from_settings(Settings(business_system=" Local "), session_factory),
                      LocalBusinessSystem)
    with pytest.raises(ValueError, match="supported: local"):
        business_system_from_settings(Settings(business_system="sgcc"), session_factory, fixed_clock)


def test_orders_forward_cli(
    session_factory: SessionFactory, migrated_database_url: str, fixed_clock: FixedClock,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(database_url=migrated_database_url)
    assert main(["orders", "forward"], settings=settings, clock=fixed_clock) == 0
    assert capsys.readouterr().out == "forwarded 0 pre-application(s) to the business system\n"

    orders = [_order(session_factory, fixed_clock) for _ in range(2)]

    def down(_self: LocalBusinessSystem, _pre: PreApplication) -> str:
        raise BusinessSystemUnavailable("timeout")

    with monkeypatch.context() as patch:
        patch.setattr(LocalBusinessSystem, "submit_pre_application", down)
        assert main(["orders", "forward"], settings=settings, clock=fixed_clock) == 1
    captured = capsys.readouterr()
    assert captured.out == "forwarded 0 pre-application(s) to the business system\n"
    assert captured.err == "error: 2 still pending: business system unavailable, try again later\n"

    assert main(["orders", "forward"], settings=settings, clock=fixed_clock) == 0
    assert capsys.readouterr().out == "forwarded 2 pre-application(s) to the business system\n"
    assert [_row(session_factory, no)[0] for no in orders] == ["YX" + no[2:] for no in orders]
