"""户号 actions: the bind and unbind forms, the account list, owner certification and consent."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from sqlalchemy import select

from actions.accounts.binding import (
    ActionAskBindConfirmed,
    ActionAskUnbindAccount,
    ActionBindAccount,
    ActionListAccounts,
    ActionUnbindAccount,
    ValidateBindAccountForm,
    ValidateUnbindAccountForm,
)
from actions.accounts.ownership import ActionCertifyOwner, ActionDecideConsent
from actions.forms.retrying import FAILURES_SLOT
from actions.identity.login import ActionDeliverNotices, ActionRouteRequest
from bot.accounts.binding import Bound, bind, list_bound
from bot.accounts.search import add_pending
from bot.container import Services
from bot.conversation.routing import NOTHING, ROUTE_SLOT
from bot.db.enums import ConsentStatus
from bot.db.models import AccountBinding, BindingConsentRequest, ElectricityAccount
from tests.unit.action_harness import (
    CHANNEL,
    SENDER,
    log_in,
    make_tracker,
    responses,
    run,
    validate,
)

OWNER_CHAT = "owner-chat"  # 13800000004, certified owner of 3301000003
THIRD_CHAT = "third-chat"


def _bind(deps: Services, user_id: int, number: str) -> None:
    outcome = bind(deps.session_factory, deps.clock, user_id=user_id, account_number=number)
    assert isinstance(outcome, Bound), outcome


def _bound(deps: Services, user_id: int) -> list[tuple[str, bool]]:
    return [(a.account_number, a.is_default) for a in list_bound(deps.session_factory, user_id)]


def _account_asked(form: str, failures: dict[str, Any] | None = None) -> Any:
    return make_tracker(slots={"requested_slot": "account_number", FAILURES_SLOT: failures}, active_loop=form)


# --- the bind form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "response"),
    [
        ("33010000AB", "utter_account_number_not_digits"),
        ("330100000", "utter_account_number_wrong_length"),
        ("33010000011", "utter_account_number_wrong_length"),
        ("", "utter_account_number_wrong_length"),
    ],
)
def test_a_malformed_account_number_is_rejected(action_deps: Services, typed: str, response: str) -> None:
    log_in(action_deps, "13800000002")
    messages, result = validate(ValidateBindAccountForm(), "account_number", typed, _account_asked("bind_account_form"))
    assert responses(messages) == [response]
    assert result == {"account_number": None, FAILURES_SLOT: {"slot": "account_number", "count": 1}}


def test_a_second_malformed_number_explains_the_format(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    failures = {"slot": "account_number", "count": 1}
    messages, result = validate(
        ValidateBindAccountForm(), "account_number", "abc", _account_asked("bind_account_form", failures)
    )
    assert responses(messages) == ["utter_account_number_not_digits", "utter_explain_account_number"]
    assert result[FAILURES_SLOT] == {"slot": "account_number", "count": 2}


def test_an_unknown_number_and_one_outside_the_service_area_are_refused_alike(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    said = []
    # 3301999999: a Hangzhou number that does not exist; 4401000001: a Guangzhou number,
    # a region State Grid does not serve.
    for number in ("3301999999", "4401000001"):
        messages, result = validate(
            ValidateBindAccountForm(), "account_number", number, _account_asked("bind_account_form")
        )
        assert result["account_number"] is None
        said.append(messages)
    assert said[0] == said[1]
    assert responses(said[0]) == ["utter_account_not_found"]
    assert "3301999999" not in str(said[0])


def test_a_bindable_number_is_accepted(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    failures = {"slot": "account_number", "count": 2}
    messages, result = validate(
        ValidateBindAccountForm(), "account_number", "3301 0000 02", _account_asked("bind_account_form", failures)
    )
    assert messages == []
    assert result == {"account_number": "3301000002", FAILURES_SLOT: None}


def test_the_province_prefixed_long_number_is_accepted(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    asked = _account_asked("bind_account_form")
    _, result = validate(ValidateBindAccountForm(), "account_number", "3303301000002", asked)
    assert result["account_number"] == "3301000002"


def test_an_account_bound_already_is_not_bound_twice(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, result = validate(
        ValidateBindAccountForm(), "account_number", "3301000001", _account_asked("bind_account_form")
    )
    assert responses(messages) == ["utter_account_already_bound"]
    assert messages[0]["account_number"] == "3301000001"
    assert result == {"account_number": None}


def test_the_bind_form_does_nothing_for_an_anonymous_chat(action_deps: Services) -> None:
    messages, result = validate(
        ValidateBindAccountForm(), "account_number", "3301000002", _account_asked("bind_account_form")
    )
    assert messages == []
    assert result == {"account_number": None}


@pytest.mark.parametrize(
    ("number", "masked_holder", "partial_address", "hidden"),
    [
        ("3301000002", "王*", "浙江省杭州市上城区解放路", ["王芳", "58号", "58"]),
        ("3301000001", "张*", "浙江省杭州市西湖区文三路", ["张伟", "100号", "3幢", "201室"]),
    ],
)
def test_the_confirmation_shows_the_account_masked(
    action_deps: Services, number: str, masked_holder: str, partial_address: str, hidden: list[str]
) -> None:
    log_in(action_deps, "13800000002")
    tracker = make_tracker(slots={"account_number": number, "requested_slot": "bind_confirmed"})
    messages, events = run(ActionAskBindConfirmed(), tracker)
    assert events == []
    [message] = messages
    assert message["response"] == "utter_ask_bind_account_form_bind_confirmed"
    assert (message["account_number"], message["masked_holder"], message["partial_address"], message["category"]) == (
        number, masked_holder, partial_address, "低压居民",
    )
    for secret in hidden:
        assert secret not in str(messages)


def test_the_confirmation_without_a_login_shows_nothing_of_the_account(action_deps: Services) -> None:
    messages, events = run(ActionAskBindConfirmed(), make_tracker(slots={"account_number": "3301000002"}))
    assert responses(messages) == ["utter_account_not_found"]
    assert "王" not in str(messages)
    assert events == [SlotSet("account_number", None)]


# --- binding ---------------------------------------------------------------------------

RESET_BIND = [
    SlotSet("account_number", None), SlotSet("region", None), SlotSet("bind_confirmed", None),
    SlotSet("pending_intent", None), SlotSet(ROUTE_SLOT, NOTHING),
]


def _submit_bind(number: str, confirmed: bool | None, sender: str = SENDER) -> Any:
    return make_tracker(intent="affirm", slots={"account_number": number, "bind_confirmed": confirmed}, sender=sender)


def test_the_first_binding_becomes_the_default(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000002")
    messages, events = run(ActionBindAccount(), _submit_bind("3301000002", True))
    assert responses(messages) == ["utter_bound_as_default"]
    assert messages[0]["account_number"] == "3301000002"
    assert events == RESET_BIND

    messages, _ = run(ActionBindAccount(), _submit_bind("3301000004", True))
    assert responses(messages) == ["utter_bound"]
    assert _bound(action_deps, user.user_id) == [("3301000002", True), ("3301000004", False)]


def test_a_request_that_waited_for_an_account_resumes_after_binding(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")  # verified, nothing bound: 更名 asked for binding first
    tracker = make_tracker(intent="affirm", slots={
        "account_number": "3301000002", "bind_confirmed": True, "pending_intent": "rename_transfer",
    })
    messages, events = run(ActionBindAccount(), tracker)
    assert responses(messages) == ["utter_bound_as_default"]
    assert events[-2:] == [SlotSet("pending_intent", None), SlotSet(ROUTE_SLOT, "rename_transfer_form")]


def test_after_a_binding_the_rest_of_the_pending_list_is_offered(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000002")
    for number in ("3301000002", "3301000004"):
        add_pending(action_deps.session_factory, action_deps.clock, user_id=user.user_id, account_number=number)
    messages, _ = run(ActionBindAccount(), _submit_bind("3301000002", True))
    assert responses(messages) == ["utter_bound_as_default", "utter_pending_remaining"]
    assert messages[1]["count"] == 1
    assert [b["payload"] for b in messages[1]["buttons"]] == ['/bind_account{"account_number": "3301000004"}']
    assert messages[1]["buttons"][0]["title"].startswith("3301000004 刘*")
    messages, _ = run(ActionBindAccount(), _submit_bind("3301000004", True))
    assert responses(messages) == ["utter_bound"]  # the list is empty now: nothing more to offer


def test_declining_binds_nothing(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000002")
    messages, events = run(ActionBindAccount(), _submit_bind("3301000002", False))
    assert responses(messages) == ["utter_bind_declined"]
    assert events == RESET_BIND
    assert _bound(action_deps, user.user_id) == []


def test_binding_without_a_login_does_nothing(action_deps: Services) -> None:
    messages, events = run(ActionBindAccount(), _submit_bind("3301000002", True))
    assert messages == []
    assert events == RESET_BIND


def test_binding_an_account_with_a_certified_owner_asks_the_owner(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000002")
    messages, events = run(ActionBindAccount(), _submit_bind("3301000003", True))
    assert responses(messages) == ["utter_consent_requested"]
    assert events == RESET_BIND
    assert _bound(action_deps, user.user_id) == []
    with action_deps.session_factory.session_scope() as session:
        [request] = session.scalars(select(BindingConsentRequest)).all()
        owner = session.scalar(
            select(ElectricityAccount.owner_user_id).where(ElectricityAccount.account_number == "3301000003")
        )
        assert (request.requester_user_id, request.owner_user_id) == (user.user_id, owner)
        assert request.status is ConsentStatus.PENDING


# --- the account list ------------------------------------------------------------------


def _list(sender: str = SENDER, number: str | None = None) -> Any:
    return make_tracker(
        intent="list_accounts", entities={"account_number": number} if number else None, sender=sender
    )


@pytest.fixture
def two_accounts(action_deps: Services) -> int:
    """13800000002 logged in with 3301000002 (default) and 3301000004 bound."""
    user = log_in(action_deps, "13800000002")
    _bind(action_deps, user.user_id, "3301000002")
    _bind(action_deps, user.user_id, "3301000004")
    return user.user_id


def test_the_list_marks_the_default(action_deps: Services, two_accounts: int) -> None:
    messages, events = run(ActionListAccounts(), _list())
    assert events == []
    assert responses(messages) == ["utter_account_list"]
    assert messages[0]["accounts"].split("\n") == [
        "3301000002｜王*｜浙江省杭州市上城区解放路（默认）",
        "3301000004｜刘*｜浙江省杭州市西湖区天目山路",
    ]


def test_naming_a_bound_account_makes_it_the_default(action_deps: Services, two_accounts: int) -> None:
    messages, _ = run(ActionListAccounts(), _list(number="3301000004"))
    assert responses(messages) == ["utter_default_set", "utter_account_list"]
    assert messages[0]["account_number"] == "3301000004"
    assert messages[1]["accounts"].split("\n") == [
        "3301000004｜刘*｜浙江省杭州市西湖区天目山路（默认）",
        "3301000002｜王*｜浙江省杭州市上城区解放路",
    ]
    assert _bound(action_deps, two_accounts) == [("3301000004", True), ("3301000002", False)]


def test_naming_an_unbound_account_changes_nothing(action_deps: Services, two_accounts: int) -> None:
    messages, events = run(ActionListAccounts(), _list(number="3301000005"))
    assert responses(messages) == ["utter_account_not_bound"]
    assert "陈" not in str(messages)
    assert events == []
    assert _bound(action_deps, two_accounts) == [("3301000002", True), ("3301000004", False)]


def test_an_account_number_outside_a_list_request_sets_no_default(action_deps: Services, two_accounts: int) -> None:
    tracker = make_tracker(intent="inform", entities={"account_number": "3301000004"})
    messages, _ = run(ActionListAccounts(), tracker)
    assert responses(messages) == ["utter_account_list"]
    assert _bound(action_deps, two_accounts)[0] == ("3301000002", True)


def test_a_user_without_accounts_is_offered_to_bind_one(action_deps: Services) -> None:
    log_in(action_deps, "13800000003")
    messages, _ = run(ActionListAccounts(), _list())
    assert responses(messages) == ["utter_no_accounts"]


def test_the_list_says_nothing_to_an_anonymous_chat(action_deps: Services) -> None:
    assert run(ActionListAccounts(), _list()) == ([], [])


# --- unbinding -------------------------------------------------------------------------


def test_the_unbind_form_accepts_only_bound_accounts(action_deps: Services, two_accounts: int) -> None:
    form, asked = ValidateUnbindAccountForm(), _account_asked("unbind_account_form")
    messages, result = validate(form, "account_number", "3301000004", asked)
    assert (messages, result) == ([], {"account_number": "3301000004", FAILURES_SLOT: None})

    messages, result = validate(form, "account_number", "3301000005", asked)
    assert responses(messages) == ["utter_account_not_bound"]
    assert result == {"account_number": None, FAILURES_SLOT: {"slot": "account_number", "count": 1}}

    messages, _ = validate(form, "account_number", "33010x0004", asked)
    assert responses(messages) == ["utter_account_number_not_digits"]


def test_the_unbind_form_refuses_an_anonymous_chat(action_deps: Services) -> None:
    messages, result = validate(
        ValidateUnbindAccountForm(), "account_number", "3301000001", _account_asked("unbind_account_form")
    )
    assert responses(messages) == ["utter_account_not_bound"]
    assert result["account_number"] is None


def test_the_bound_accounts_are_offered_as_buttons(action_deps: Services, two_accounts: int) -> None:
    messages, _ = run(ActionAskUnbindAccount(), make_tracker(intent="unbind_account"))
    assert responses(messages) == ["utter_choose_account_to_unbind"]
    buttons = messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["3301000002", "3301000004"]
    assert [json.loads(b["payload"].removeprefix("/inform")) for b in buttons] == [
        {"account_number": "3301000002"}, {"account_number": "3301000004"},
    ]


def test_nothing_to_unbind_without_accounts(action_deps: Services) -> None:
    log_in(action_deps, "13800000003")
    messages, _ = run(ActionAskUnbindAccount(), make_tracker(intent="unbind_account"))
    assert responses(messages) == ["utter_no_accounts"]


def _submit_unbind(number: str, confirmed: bool | None) -> Any:
    return make_tracker(intent="affirm", slots={"account_number": number, "unbind_confirmed": confirmed})


RESET_UNBIND = [SlotSet("account_number", None), SlotSet("region", None), SlotSet("unbind_confirmed", None)]


def test_declining_keeps_the_account(action_deps: Services, two_accounts: int) -> None:
    messages, events = run(ActionUnbindAccount(), _submit_unbind("3301000002", False))
    assert responses(messages) == ["utter_unbind_declined"]
    assert messages[0]["account_number"] == "3301000002"
    assert events == RESET_UNBIND
    assert len(_bound(action_deps, two_accounts)) == 2


def test_unbinding_the_default_promotes_the_next(action_deps: Services, two_accounts: int) -> None:
    messages, events = run(ActionUnbindAccount(), _submit_unbind("3301000002", True))
    assert responses(messages) == ["utter_unbound_new_default"]
    assert (messages[0]["account_number"], messages[0]["new_default"]) == ("3301000002", "3301000004")
    assert events == RESET_UNBIND

    messages, _ = run(ActionUnbindAccount(), _submit_unbind("3301000004", True))
    assert responses(messages) == ["utter_unbound"]
    assert messages[0]["account_number"] == "3301000004"
    assert _bound(action_deps, two_accounts) == []

    messages, _ = run(ActionUnbindAccount(), _submit_unbind("3301000004", True))
    assert responses(messages) == ["utter_account_not_bound"]


# --- owner certification ---------------------------------------------------------------


def _certify(number: str | None = None, sender: str = SENDER) -> Any:
    return make_tracker(
        intent="certify_owner", slots={"account_number": number},
        entities={"account_number": number} if number else None, sender=sender,
    )


@pytest.mark.parametrize("named", ["3301000001", None])
def test_the_holder_is_certified_as_owner(action_deps: Services, named: str | None) -> None:
    log_in(action_deps, "13800000001")  # 张伟, verified, the holder (and already the owner) of 3301000001
    messages, events = run(ActionCertifyOwner(), _certify(named))
    assert responses(messages) == ["utter_owner_certified"]
    assert messages[0]["account_number"] == "3301000001"
    assert events == [SlotSet("account_number", None)]


def test_a_first_certification_records_the_owner(action_deps: Services) -> None:
    # Take 3301000001's owner away, then certify again: 张伟 becomes the owner.
    with action_deps.session_factory.session_scope() as session:
        account = session.scalar(select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000001"))
        assert account is not None
        account.owner_user_id = None
    user = log_in(action_deps, "13800000001")
    messages, _ = run(ActionCertifyOwner(), _certify("3301000001"))
    assert responses(messages) == ["utter_owner_certified"]
    with action_deps.session_factory.session_scope() as session:
        owner = session.scalar(
            select(ElectricityAccount.owner_user_id).where(ElectricityAccount.account_number == "3301000001")
        )
    assert owner == user.user_id


def test_someone_who_is_not_the_holder_is_not_certified(action_deps: Services, two_accounts: int) -> None:
    messages, _ = run(ActionCertifyOwner(), _certify("3301000002"))  # 李娜 is not 王芳
    assert responses(messages) == ["utter_certify_not_the_holder"]
    assert messages[0]["account_number"] == "3301000002"


def test_certifying_an_unbound_account_reveals_nothing(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, events = run(ActionCertifyOwner(), _certify("3301000003"))
    assert responses(messages) == ["utter_account_not_bound"]
    assert events == [SlotSet("account_number", None)]


def test_an_unverified_user_is_sent_to_verification(action_deps: Services) -> None:
    # The router normally prevents this; the action still re-checks.
    user = log_in(action_deps, "13800000003")
    _bind(action_deps, user.user_id, "3301000004")
    messages, events = run(ActionCertifyOwner(), _certify())
    assert responses(messages) == ["utter_verification_required"]
    assert events == [SlotSet("account_number", None)]


def test_with_several_accounts_and_no_default_the_user_chooses(action_deps: Services, two_accounts: int) -> None:
    with action_deps.session_factory.session_scope() as session:
        for binding in session.scalars(select(AccountBinding).where(AccountBinding.user_id == two_accounts)):
            binding.is_default = False
    messages, _ = run(ActionCertifyOwner(), _certify())
    assert responses(messages) == ["utter_ask_account_to_certify"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/certify_owner{"account_number": "3301000002"}', '/certify_owner{"account_number": "3301000004"}',
    ]


def test_certifying_without_accounts_offers_to_bind(action_deps: Services) -> None:
    log_in(action_deps, "13800000003")
    messages, _ = run(ActionCertifyOwner(), _certify())
    assert responses(messages) == ["utter_no_accounts"]


# --- owner consent ---------------------------------------------------------------------


@pytest.fixture
def consent_request(action_deps: Services) -> int:
    """13800000002 (chat SENDER) asked to bind 3301000003; its owner 13800000004 is logged in
    at OWNER_CHAT and 13800000001 at THIRD_CHAT. Returns the request id from the owner's buttons."""
    log_in(action_deps, "13800000002")
    messages, _ = run(ActionBindAccount(), _submit_bind("3301000003", True))
    assert responses(messages) == ["utter_consent_requested"]
    log_in(action_deps, "13800000004", sender=OWNER_CHAT)
    log_in(action_deps, "13800000001", sender=THIRD_CHAT)

    messages, events = run(ActionDeliverNotices(), make_tracker(intent="greet", sender=OWNER_CHAT))
    assert events == []
    assert responses(messages) == ["utter_consent_request_for_owner"]
    [notice] = messages
    assert (notice["requester"], notice["account_number"]) == ("李*", "3301000003")
    assert "13800000002" not in str(messages) and "李娜" not in str(messages)
    assert [b["title"] for b in notice["buttons"]] == ["同意", "拒绝"]
    ids = {re.fullmatch(r"/(affirm|deny)(\{.*\})", b["payload"]).group(2) for b in notice["buttons"]}  # type: ignore[union-attr]
    [entity] = ids
    return int(json.loads(entity)["consent_request_id"])


def _decide(request_id: int | str, approve: bool, sender: str) -> Any:
    return make_tracker(
        intent="affirm" if approve else "deny", entities={"consent_request_id": str(request_id)}, sender=sender
    )


def _status(deps: Services, request_id: int) -> ConsentStatus:
    with deps.session_factory.session_scope() as session:
        request = session.get(BindingConsentRequest, request_id)
        assert request is not None
        return request.status


def test_the_owner_approves_and_the_requester_is_told_once(action_deps: Services, consent_request: int) -> None:
    messages, events = run(ActionDecideConsent(), _decide(consent_request, True, OWNER_CHAT))
    assert responses(messages) == ["utter_consent_approved_by_you"]
    assert messages[0]["account_number"] == "3301000003"
    assert events == []
    assert _status(action_deps, consent_request) is ConsentStatus.APPROVED
    requester = log_in(action_deps, "13800000002")
    assert _bound(action_deps, requester.user_id) == [("3301000003", True)]

    messages, _ = run(ActionDeliverNotices(), make_tracker(intent="greet"))
    assert responses(messages) == ["utter_consent_outcome_approved"]
    assert messages[0]["account_number"] == "3301000003"
    assert run(ActionDeliverNotices(), make_tracker(intent="greet")) == ([], [])
    # The owner is not asked again either.
    assert run(ActionDeliverNotices(), make_tracker(intent="greet", sender=OWNER_CHAT)) == ([], [])
    # Deciding twice is refused.
    messages, _ = run(ActionDecideConsent(), _decide(consent_request, False, OWNER_CHAT))
    assert responses(messages) == ["utter_consent_not_found"]
    assert _status(action_deps, consent_request) is ConsentStatus.APPROVED


def test_the_outcome_also_reaches_the_requester_through_the_router(
    action_deps: Services, consent_request: int
) -> None:
    run(ActionDecideConsent(), _decide(consent_request, False, OWNER_CHAT))
    messages, events = run(ActionRouteRequest(), make_tracker(intent="list_accounts"))
    assert responses(messages) == ["utter_consent_outcome_refused"]
    assert events[-1] == SlotSet(ROUTE_SLOT, "action_list_accounts")
    messages, _ = run(ActionRouteRequest(), make_tracker(intent="list_accounts"))
    assert messages == []


def test_the_owner_refuses(action_deps: Services, consent_request: int) -> None:
    messages, _ = run(ActionDecideConsent(), _decide(consent_request, False, OWNER_CHAT))
    assert responses(messages) == ["utter_consent_refused_by_you"]
    assert _status(action_deps, consent_request) is ConsentStatus.REFUSED
    requester = log_in(action_deps, "13800000002")
    assert _bound(action_deps, requester.user_id) == []


def test_a_requester_without_a_real_name_is_shown_by_masked_phone(action_deps: Services) -> None:
    log_in(action_deps, "13800000003")  # not real-name verified
    run(ActionBindAccount(), _submit_bind("3301000003", True))
    log_in(action_deps, "13800000004", sender=OWNER_CHAT)
    messages, _ = run(ActionDeliverNotices(), make_tracker(intent="greet", sender=OWNER_CHAT))
    assert responses(messages) == ["utter_consent_request_for_owner"]
    assert messages[0]["requester"] == "138****0003"
    assert "13800000003" not in str(messages)
    # Undecided requests are shown again until the owner answers.
    again, _ = run(ActionDeliverNotices(), make_tracker(intent="greet", sender=OWNER_CHAT))
    assert again == messages


@pytest.mark.parametrize("sender", [THIRD_CHAT, SENDER, "anonymous-chat"])
def test_nobody_but_the_owner_can_decide(action_deps: Services, consent_request: int, sender: str) -> None:
    messages, events = run(ActionDecideConsent(), _decide(consent_request, True, sender))
    assert responses(messages) == ["utter_consent_not_found"]
    assert events == []
    assert _status(action_deps, consent_request) is ConsentStatus.PENDING


@pytest.mark.parametrize("raw_id", ["abc", "", "-1"])
def test_a_malformed_request_id_is_not_found(action_deps: Services, consent_request: int, raw_id: str) -> None:
    messages, _ = run(ActionDecideConsent(), _decide(raw_id, True, OWNER_CHAT))
    assert responses(messages) == ["utter_consent_not_found"]
    assert _status(action_deps, consent_request) is ConsentStatus.PENDING


def test_the_chat_channel_is_part_of_who_decides(action_deps: Services, consent_request: int) -> None:
    tracker = make_tracker(
        intent="affirm", entities={"consent_request_id": str(consent_request)}, sender=OWNER_CHAT, channel="rest"
    )
    messages, _ = run(ActionDecideConsent(), tracker)
    assert responses(messages) == ["utter_consent_not_found"]
    assert CHANNEL != "rest"


@pytest.mark.parametrize(("region", "found"), [("杭州", True), ("上城区", True), ("北京", False), ("西湖区", False)])
def test_a_region_named_with_the_number_must_contain_the_account(
    action_deps: Services, region: str, found: bool
) -> None:
    log_in(action_deps, "13800000002")
    tracker = make_tracker(text="3301000002", slots={"requested_slot": "account_number", "region": region})
    messages, result = validate(ValidateBindAccountForm(), "account_number", "3301000002", tracker)
    if found:
        assert result["account_number"] == "3301000002"
    else:  # exactly what an unknown number gets: nothing is revealed about the account
        assert responses(messages) == ["utter_account_not_found"]
        assert result["account_number"] is None
