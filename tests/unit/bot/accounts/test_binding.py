"""户号 binding: numbers, previews, binding, owner consent and certification, the bound list."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.accounts.binding import (
    AccountNumberRejected,
    AccountNumberRejection,
    BindRefusal,
    BindRefused,
    Bound,
    ConsentRequired,
    DefaultSet,
    NotBound,
    Resolution,
    ResolutionKind,
    Unbound,
    bind,
    list_bound,
    parse_account_number,
    resolve_account,
    set_default,
    unbind,
)
from bot.accounts.consent import (
    ConsentDecided,
    ConsentOutcome,
    DecisionRefusal,
    DecisionRefused,
    decide_consent,
    mark_delivered,
    pending_consents_for_owner,
    undelivered_consent_outcomes,
)
from bot.accounts.lookup import infer_region, lookup_for_binding, region_matches
from bot.accounts.ownership import Certified, CertifyRefusal, CertifyRefused, certify_owner
from bot.accounts.preview import AccountPreview, partial_address
from bot.clock import FixedClock
from bot.db.enums import AccountCategory, ConsentStatus, HolderKind
from bot.db.models import AccountBinding, BindingConsentRequest, ElectricityAccount, RealNameRecord
from bot.db.session import SessionFactory
from bot.identity.real_name import Verified, verify_identity
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_user, user_id_of

ZHANG_WEI, LI_NA_PHONE, UNVERIFIED, ZHAO_QIANG = "13800000001", "13800000002", "13800000003", "13800000004"
NOT_BINDABLE = BindRefused(BindRefusal.NOT_FOUND_OR_NOT_BINDABLE)
LOOKUPS_PER_DAY = 10


def look_up(factory: SessionFactory, **kwargs: object) -> object:
    """A binding preview, well within the daily look-up limit."""
    return lookup_for_binding(factory, FixedClock(FIXED_NOW), daily_limit=LOOKUPS_PER_DAY, **kwargs)  # type: ignore[arg-type]


def uid(factory: SessionFactory, phone: str) -> int:
    return user_id_of(factory, phone)


def numbers(factory: SessionFactory, phone: str) -> list[tuple[str, bool]]:
    return [(b.account_number, b.is_default) for b in list_bound(factory, uid(factory, phone))]


# --- account numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3301000001", "3301000001"),
        ("3303301000001", "3301000001"),  # 13 digits: a 3-digit province prefix
        (" 3301 0000 01 ", "3301000001"),
        ("3301-000-001", "3301000001"),
        ("３３０１０００００１", "3301000001"),
        ("", AccountNumberRejected(AccountNumberRejection.EMPTY)),
        ("   ", AccountNumberRejected(AccountNumberRejection.EMPTY)),
        ("33010000a1", AccountNumberRejected(AccountNumberRejection.NOT_DIGITS)),
        ("户号3301000001", AccountNumberRejected(AccountNumberRejection.NOT_DIGITS)),
        ("330100000", AccountNumberRejected(AccountNumberRejection.WRONG_LENGTH)),
        ("33010000011", AccountNumberRejected(AccountNumberRejection.WRONG_LENGTH)),
        ("33033010000011", AccountNumberRejected(AccountNumberRejection.WRONG_LENGTH)),
    ],
)
def test_parse_account_number(typed: str, expected: object) -> None:
    assert parse_account_number(typed) == expected


def test_region_is_inferred_from_the_first_four_digits(demo_db: SessionFactory) -> None:
    region = infer_region(demo_db, "3301000001")
    assert region is not None
    assert (region.province, region.city, region.account_prefix) == ("浙江省", "杭州市", "3301")
    assert "330106" in region.district_codes and "110108" not in region.district_codes
    assert infer_region(demo_db, "9999000001") is None


@pytest.mark.parametrize(
    ("selected", "matches"),
    [("330106", True), ("330100", True), ("330000", True), ("330102", False), ("110100", False), ("x", False)],
)
def test_region_matches_district_city_or_province(selected: str, matches: bool) -> None:
    assert region_matches("330106", selected) is matches


# --- previews --------------------------------------------------------------------


def test_preview_shows_only_masked_holder_and_street(demo_db: SessionFactory) -> None:
    preview = look_up(demo_db, user_id=uid(demo_db, UNVERIFIED), account_number="3301000001")
    assert preview == AccountPreview(
        account_number="3301000001",
        holder_masked="张*",
        address_partial="浙江省杭州市西湖区文三路",
        category=AccountCategory.RESIDENTIAL,
        holder_kind=HolderKind.INDIVIDUAL,
        owner_certified=True,  # 13800000001 is the certified owner
    )


@pytest.mark.parametrize(
    ("number", "holder", "address"),
    [
        ("1101000002", "北京****有限公司", "北京市朝阳区建国路"),
        ("1101000001", "孙*", "北京市海淀区中关村大街"),
        ("6501000001", "新疆****有限公司", "新疆维吾尔自治区乌鲁木齐市天山区解放北路"),
        ("3301000003", "赵*", "浙江省杭州市拱墅区湖墅南路"),
    ],
)
def test_previews_of_other_accounts(demo_db: SessionFactory, number: str, holder: str, address: str) -> None:
    preview = look_up(demo_db, user_id=uid(demo_db, UNVERIFIED), account_number=number)
    assert isinstance(preview, AccountPreview)
    assert (preview.holder_masked, preview.address_partial) == (holder, address)


@pytest.mark.parametrize(
    ("address", "partial"),
    [
        ("杭州市西湖区西溪街道文三路100号", "杭州市西湖区西溪街道"),
        ("某某小区三幢二单元", "某某小区"),
        ("文三路一百号", "文三路"),
        ("12号", ""),
    ],
)
def test_partial_address_never_keeps_house_numbers(address: str, partial: str) -> None:
    assert partial_address(address) == partial


def test_unknown_and_wrong_region_accounts_are_refused_identically(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    user = uid(demo_db, UNVERIFIED)
    refusals = [
        look_up(demo_db, user_id=user, account_number="3301000001", region_code="110108"),
        look_up(demo_db, user_id=user, account_number="3301000001", region_code="330102"),
        look_up(demo_db, user_id=user, account_number="3301999999"),
        look_up(demo_db, user_id=user, account_number="3301999999", region_code="330106"),
        look_up(demo_db, user_id=user, account_number="not a number"),
        bind(demo_db, fixed_clock, user_id=user, account_number="3301999999"),
    ]
    assert refusals == [NOT_BINDABLE] * len(refusals)
    assert isinstance(
        look_up(demo_db, user_id=user, account_number="3301000001", region_code="330100"), AccountPreview
    )


def test_an_already_bound_account_is_refused(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = uid(demo_db, ZHANG_WEI)
    assert look_up(demo_db, user_id=user, account_number="3301000001") == BindRefused(
        BindRefusal.ALREADY_BOUND
    )
    assert bind(demo_db, fixed_clock, user_id=user, account_number="3301000001") == BindRefused(
        BindRefusal.ALREADY_BOUND
    )


# --- binding ---------------------------------------------------------------------

def test_the_first_bound_account_becomes_the_default(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = uid(demo_db, UNVERIFIED)
    assert bind(demo_db, fixed_clock, user_id=user, account_number="3301000002") == Bound("3301000002", True)
    fixed_clock.advance(timedelta(minutes=1))
    assert bind(demo_db, fixed_clock, user_id=user, account_number="3303301000004") == Bound("3301000004", False)
    assert numbers(demo_db, UNVERIFIED) == [("3301000002", True), ("3301000004", False)]


def test_consent_flow_approved(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na, zhao_qiang = uid(demo_db, LI_NA_PHONE), uid(demo_db, ZHAO_QIANG)
    preview = look_up(demo_db, user_id=li_na, account_number="3301000003")
    assert isinstance(preview, AccountPreview) and preview.owner_certified

    requested = bind(demo_db, fixed_clock, user_id=li_na, account_number="3301000003")
    assert isinstance(requested, ConsentRequired) and requested.account_number == "3301000003"
    assert numbers(demo_db, LI_NA_PHONE) == []
    # Asking again does not pile up requests.
    assert bind(demo_db, fixed_clock, user_id=li_na, account_number="3301000003") == requested

    [view] = pending_consents_for_owner(demo_db, zhao_qiang)
    assert (view.request_id, view.account_number) == (requested.request_id, "3301000003")
    assert (view.requester_phone_masked, view.requester_name_masked) == ("138****0002", "李*")
    assert pending_consents_for_owner(demo_db, uid(demo_db, ZHANG_WEI)) == []

    # Only the owner may decide; to anyone else the request does not exist.
    for stranger in (li_na, uid(demo_db, ZHANG_WEI)):
        assert decide_consent(
            demo_db, fixed_clock, owner_user_id=stranger, request_id=requested.request_id, approve=True
        ) == DecisionRefused(DecisionRefusal.NOT_FOUND)
    assert undelivered_consent_outcomes(demo_db, li_na) == []

    fixed_clock.advance(timedelta(hours=2))
    decided = decide_consent(
        demo_db, fixed_clock, owner_user_id=zhao_qiang, request_id=requested.request_id, approve=True
    )
    assert decided == ConsentDecided(requested.request_id, li_na, "3301000003", True)
    assert numbers(demo_db, LI_NA_PHONE) == [("3301000003", True)]
    assert pending_consents_for_owner(demo_db, zhao_qiang) == []
    assert decide_consent(
        demo_db, fixed_clock, owner_user_id=zhao_qiang, request_id=requested.request_id, approve=False
    ) == DecisionRefused(DecisionRefusal.ALREADY_DECIDED)

    assert undelivered_consent_outcomes(demo_db, li_na) == [
        ConsentOutcome(requested.request_id, "3301000003", True, fixed_clock.now())
    ]
    assert undelivered_consent_outcomes(demo_db, zhao_qiang) == []
    assert mark_delivered(demo_db, fixed_clock, requester_user_id=zhao_qiang, request_ids=[requested.request_id]) == 0
    assert mark_delivered(demo_db, fixed_clock, requester_user_id=li_na, request_ids=[requested.request_id]) == 1
    assert undelivered_consent_outcomes(demo_db, li_na) == []
    assert mark_delivered(demo_db, fixed_clock, requester_user_id=li_na, request_ids=[requested.request_id]) == 0


def test_consent_flow_refused(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na, zhao_qiang = uid(demo_db, LI_NA_PHONE), uid(demo_db, ZHAO_QIANG)
    requested = bind(demo_db, fixed_clock, user_id=li_na, account_number="3301000003")
    assert isinstance(requested, ConsentRequired)
    decided = decide_consent(
        demo_db, fixed_clock, owner_user_id=zhao_qiang, request_id=requested.request_id, approve=False
    )
    assert decided == ConsentDecided(requested.request_id, li_na, "3301000003", False)
    assert numbers(demo_db, LI_NA_PHONE) == []
    [outcome] = undelivered_consent_outcomes(demo_db, li_na)
    assert not outcome.approved
    with demo_db.session_scope() as session:
        request = session.get(BindingConsentRequest, requested.request_id)
        assert request is not None and request.status is ConsentStatus.REFUSED
    # A refusal does not stop the requester from asking again later.
    again = bind(demo_db, fixed_clock, user_id=li_na, account_number="3301000003")
    assert isinstance(again, ConsentRequired) and again.request_id != requested.request_id


def test_decide_consent_on_a_missing_request(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    assert decide_consent(
        demo_db, fixed_clock, owner_user_id=uid(demo_db, ZHAO_QIANG), request_id=999_999, approve=True
    ) == DecisionRefused(DecisionRefusal.NOT_FOUND)


# --- owner certification ---------------------------------------------------------


def test_certification_needs_a_verified_user(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = uid(demo_db, UNVERIFIED)
    bind(demo_db, fixed_clock, user_id=user, account_number="3301000002")
    assert certify_owner(demo_db, user_id=user, account_number="3301000002") == CertifyRefused(
        CertifyRefusal.NOT_VERIFIED
    )


def test_certification_needs_the_holders_id(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = uid(demo_db, LI_NA_PHONE)
    bind(demo_db, fixed_clock, user_id=user, account_number="3301000002")  # 王芳's
    assert certify_owner(demo_db, user_id=user, account_number="3301000002") == CertifyRefused(
        CertifyRefusal.NOT_THE_HOLDER
    )


@pytest.mark.parametrize("number", ["3301000004", "3301999999", "garbage"])
def test_certification_needs_a_binding(demo_db: SessionFactory, number: str) -> None:
    assert certify_owner(demo_db, user_id=uid(demo_db, LI_NA_PHONE), account_number=number) == CertifyRefused(
        CertifyRefusal.NOT_BOUND
    )


def test_certified_owner_then_needs_to_consent(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    """13800000003 verifies as 刘洋 and certifies 3301000004; a namesake (another ID) cannot,
    and anyone else binding it now needs 刘洋's consent."""
    liu_yang = uid(demo_db, UNVERIFIED)
    assert verify_identity(
        demo_db, fixed_clock, user_id=liu_yang, name="刘洋", id_number="330106198403215310"
    ) == Verified("3301**********5310")
    with demo_db.session_scope() as session:
        namesake = add_user(session, "13900000001").id
        session.add(
            RealNameRecord(user_id=namesake, name="刘洋", id_number_hash="b" * 64,
                           id_number_masked="1101**********0000", verified_at=fixed_clock.now())
        )
    for user in (liu_yang, namesake):
        assert bind(demo_db, fixed_clock, user_id=user, account_number="3301000004") == Bound("3301000004", True)

    assert certify_owner(demo_db, user_id=liu_yang, account_number="3301000004") == Certified("3301000004")
    assert certify_owner(demo_db, user_id=liu_yang, account_number="3301000004") == Certified("3301000004")
    assert certify_owner(demo_db, user_id=namesake, account_number="3301000004") == CertifyRefused(
        CertifyRefusal.NOT_THE_HOLDER
    )
    with demo_db.session_scope() as session:
        account = session.scalar(
            select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000004")
        )
        assert account is not None and account.owner_user_id == liu_yang
    [mine] = list_bound(demo_db, liu_yang)
    assert mine.is_owner
    someone_else = bind(demo_db, fixed_clock, user_id=uid(demo_db, LI_NA_PHONE), account_number="3301000004")
    assert isinstance(someone_else, ConsentRequired)


# --- the bound list --------------------------------------------------------------


def _bind_three(factory: SessionFactory, clock: FixedClock) -> int:
    user = uid(factory, UNVERIFIED)
    for number in ("3301000002", "3301000004", "3301000005"):
        assert isinstance(bind(factory, clock, user_id=user, account_number=number), Bound)
        clock.advance(timedelta(minutes=5))
    return user


def test_list_default_and_unbind_with_promotion(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = _bind_three(demo_db, fixed_clock)
    listed = list_bound(demo_db, user)
    assert [(b.account_number, b.is_default, b.holder_masked) for b in listed] == [
        ("3301000002", True, "王*"), ("3301000004", False, "刘*"), ("3301000005", False, "陈*"),
    ]
    assert listed[0].bound_at < listed[1].bound_at < listed[2].bound_at
    assert not any(b.is_owner for b in listed)

    assert set_default(demo_db, user_id=user, account_number="3301000005") == DefaultSet("3301000005")
    assert set_default(demo_db, user_id=user, account_number="3301000005") == DefaultSet("3301000005")
    assert numbers(demo_db, UNVERIFIED) == [("3301000005", True), ("3301000002", False), ("3301000004", False)]

    assert unbind(demo_db, user_id=user, account_number="3301000004") == Unbound("3301000004", None)
    assert unbind(demo_db, user_id=user, account_number="3301000005") == Unbound("3301000005", "3301000002")
    assert unbind(demo_db, user_id=user, account_number="3301000002") == Unbound("3301000002", None)
    assert numbers(demo_db, UNVERIFIED) == []


@pytest.mark.parametrize("number", ["3301000001", "3301999999", "garbage"])
def test_default_and_unbind_need_a_binding(demo_db: SessionFactory, number: str) -> None:
    user = uid(demo_db, UNVERIFIED)
    assert set_default(demo_db, user_id=user, account_number=number) == NotBound()
    assert unbind(demo_db, user_id=user, account_number=number) == NotBound()
    assert numbers(demo_db, ZHANG_WEI) == [("3301000001", True)]


def test_an_owner_keeps_the_certification_after_unbinding(demo_db: SessionFactory) -> None:
    zhang_wei = uid(demo_db, ZHANG_WEI)
    assert unbind(demo_db, user_id=zhang_wei, account_number="3301000001") == Unbound("3301000001", None)
    with demo_db.session_scope() as session:
        owner = session.scalar(
            select(ElectricityAccount.owner_user_id).where(ElectricityAccount.account_number == "3301000001")
        )
    assert owner == zhang_wei


# --- resolving the account a flow is about ---------------------------------------


def test_resolve_named_default_and_unbound(demo_db: SessionFactory) -> None:
    user = uid(demo_db, ZHANG_WEI)
    assert resolve_account(demo_db, user_id=user, named=None) == "3301000001"
    assert resolve_account(demo_db, user_id=user, named="  ") == "3301000001"
    assert resolve_account(demo_db, user_id=user, named="3303301000001") == "3301000001"
    refusals = [resolve_account(demo_db, user_id=user, named=n) for n in ("3301000002", "3301999999", "abc")]
    assert all(isinstance(r, Resolution) and r.kind is ResolutionKind.NOT_BOUND for r in refusals)
    # An existing account and a made-up one are indistinguishable.
    assert refusals[0] == refusals[1] == refusals[2]
    assert [b.account_number for b in refusals[0].choices] == ["3301000001"]  # type: ignore[union-attr]


def test_resolve_with_nothing_bound(demo_db: SessionFactory) -> None:
    assert resolve_account(demo_db, user_id=uid(demo_db, UNVERIFIED), named=None) == Resolution(
        ResolutionKind.NONE_BOUND
    )


def test_resolve_without_a_default_needs_a_choice(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = _bind_three(demo_db, fixed_clock)
    assert resolve_account(demo_db, user_id=user, named=None) == "3301000002"
    assert resolve_account(demo_db, user_id=user, named="3301000005") == "3301000005"
    with demo_db.session_scope() as session:
        session.execute(update(AccountBinding).where(AccountBinding.user_id == user).values(is_default=False))
    resolution = resolve_account(demo_db, user_id=user, named=None)
    assert isinstance(resolution, Resolution) and resolution.kind is ResolutionKind.NEEDS_CHOICE
    assert [b.account_number for b in resolution.choices] == ["3301000002", "3301000004", "3301000005"]
    unbind(demo_db, user_id=user, account_number="3301000002")
    unbind(demo_db, user_id=user, account_number="3301000004")
    # A single binding is unambiguous even when it is not marked default.
    assert resolve_account(demo_db, user_id=user, named=None) == "3301000005"
