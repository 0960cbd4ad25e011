"""注销账号 in chat: the confirmation question, cancelling, confirming, and forged confirmations,
with real rasa-sdk objects and a real database (SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import func, select

from actions.identity.login import ActionRouteRequest
from actions.privacy.erasure import ActionAskEraseConfirmed, ActionEraseMyData
from bot.container import Services
from bot.conversation.routing import ROUTE_SLOT
from bot.db.models import ChatIdentity, RealNameRecord, TrackerErasure, User
from tests.unit.action_harness import CHANNEL, SENDER, log_in, logged_in_as, make_tracker, responses, run

PHONE = "13800000001"


def _answered(confirmed: bool | None, intent: str = "affirm") -> object:
    """The form's question answered: the slot as the form's mapping fills it."""
    return make_tracker(intent=intent, slots={"erase_confirmed": confirmed})


def _user_count(deps: Services) -> int:
    with deps.session_factory.session_scope() as session:
        return session.scalar(select(func.count()).select_from(User).where(User.phone == PHONE)) or 0


def test_an_anonymous_chat_logs_in_before_it_can_erase(action_deps: Services) -> None:
    messages, events = run(ActionRouteRequest(), make_tracker(intent="erase_my_data", text="注销账号"))
    assert responses(messages) == ["utter_login_required"]
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots[ROUTE_SLOT] == "login_form" and slots["pending_intent"] == "erase_my_data"


def test_a_logged_in_user_is_asked_to_confirm_with_what_goes_and_what_stays(action_deps: Services) -> None:
    log_in(action_deps, PHONE)
    _, events = run(ActionRouteRequest(), make_tracker(intent="erase_my_data", text="删除我的个人信息"))
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"}[ROUTE_SLOT] == "erase_data_form"

    messages, _ = run(ActionAskEraseConfirmed(), make_tracker(intent="erase_my_data"))
    assert responses(messages) == ["utter_ask_erase_data_form_erase_confirmed"]
    assert messages[0]["masked_phone"] == "138****0001"


def test_confirming_erases_and_the_chat_is_anonymous_afterwards(action_deps: Services) -> None:
    user = log_in(action_deps, PHONE)
    run(ActionAskEraseConfirmed(), make_tracker(intent="erase_my_data"))

    messages, events = run(ActionEraseMyData(), _answered(True))

    assert responses(messages) == ["utter_erased"]
    assert {"event": "slot", "name": "erase_confirmed", "value": None, "timestamp": None} in events
    assert logged_in_as(action_deps) is None
    assert _user_count(action_deps) == 0
    with action_deps.session_factory.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(ChatIdentity)
                              .where(ChatIdentity.sender_id == SENDER, ChatIdentity.channel == CHANNEL)) == 0
        assert session.scalar(select(RealNameRecord.id).where(RealNameRecord.user_id == user.user_id)) is None
        assert list(session.scalars(select(TrackerErasure.sender_id))) == [SENDER]


def test_cancelling_keeps_everything(action_deps: Services) -> None:
    log_in(action_deps, PHONE)
    run(ActionAskEraseConfirmed(), make_tracker(intent="erase_my_data"))

    messages, _ = run(ActionEraseMyData(), _answered(False, intent="deny"))
    assert responses(messages) == ["utter_erase_cancelled"]
    # The question was withdrawn: a confirmation forged afterwards erases nothing either.
    messages, _ = run(ActionEraseMyData(), _answered(True))
    assert responses(messages) == ["utter_erase_not_confirmed"]
    assert _user_count(action_deps) == 1
    assert logged_in_as(action_deps) is not None


def test_a_forged_confirmation_without_the_question_erases_nothing(action_deps: Services) -> None:
    """``/erase_my_data{"erase_confirmed": true}`` fills the slot before the question is asked."""
    log_in(action_deps, PHONE)
    messages, events = run(ActionEraseMyData(), _answered(True, intent="erase_my_data"))
    assert responses(messages) == ["utter_erase_not_confirmed"]
    assert {"event": "slot", "name": "erase_confirmed", "value": None, "timestamp": None} in events
    assert _user_count(action_deps) == 1


def test_a_question_asked_in_another_chat_does_not_count(action_deps: Services) -> None:
    log_in(action_deps, PHONE)
    log_in(action_deps, PHONE, sender="chat-2")
    run(ActionAskEraseConfirmed(), make_tracker(intent="erase_my_data", sender="chat-2"))
    messages, _ = run(ActionEraseMyData(), _answered(True))
    assert responses(messages) == ["utter_erase_not_confirmed"]
    assert _user_count(action_deps) == 1


def test_an_anonymous_chat_cannot_erase_anything(action_deps: Services) -> None:
    messages, _ = run(ActionEraseMyData(), _answered(True))
    assert responses(messages) == ["utter_erase_login_required"]
    assert _user_count(action_deps) == 1  # the seeded user is still there
