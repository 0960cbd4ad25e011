"""A consent request reaches the owner at once, and the decision the requester, on the chat each
used last when it can push: the action schedules the push and answers its own user without
waiting for it. Rasa's API is a loopback stand-in (tests/unit/bot/notify/rasa_api_stub.py); the
pushed intent then runs ``action_push_notices`` in the pushed chat, as the rule does."""
from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.accounts.binding import ActionBindAccount
from actions.accounts.ownership import ActionDecideConsent
from actions.conversation.notices import ActionPushNotices
from bot.container import Services
from bot.notify.background import running_pushes, wait_for_pushes
from bot.notify.push import NOTICES_INTENT
from bot.server.launcher import free_port
from tests.unit.action_harness import CHANNEL, DOMAIN, SENDER, log_in, make_tracker, responses, run
from tests.unit.bot.notify.rasa_api_stub import TOKEN, RecordingRasaApi, Triggered, serving

REQUESTER = "13800000002"  # 李娜
OWNER = "13800000004"  # certified owner of 3301000003
OWNER_APP = "owner-app"  # the owner's chat on the callback channel, which can push


@pytest.fixture
def rasa_port(monkeypatch: pytest.MonkeyPatch) -> int:
    """Where the action server finds Rasa's API (RASA_HOST/RASA_PORT, RASA_API_TOKEN as ``bot run`` sets them)."""
    port = free_port()
    monkeypatch.setenv("RASA_HOST", "127.0.0.1")
    monkeypatch.setenv("RASA_PORT", str(port))
    monkeypatch.setenv("RASA_API_TOKEN", TOKEN)
    return port


@pytest.fixture
def deps(rasa_port: int, action_deps: Services) -> Services:
    assert action_deps.settings.rasa_port == rasa_port  # the services were built after the variables
    return action_deps


def _run_while_rasa_listens(
    action: Action, tracker: Tracker, api: RecordingRasaApi, port: int
) -> tuple[list[dict[str, Any]], int]:
    """Run ``action`` on one event loop with the API served; (its messages, pushes still running
    when it returned). Rasa's answer to the trigger is held until the action has returned."""
    async def scenario() -> tuple[list[dict[str, Any]], int]:
        async with serving(api, port):
            dispatcher = CollectingDispatcher()
            await action.run(dispatcher, tracker, DOMAIN)
            running = running_pushes()
            api.gate().set()
            await wait_for_pushes()
            return dispatcher.messages, running

    return asyncio.run(scenario())


def _bind_3301000003(sender: str = SENDER, channel: str = CHANNEL) -> Tracker:
    return make_tracker(intent="affirm", slots={"account_number": "3301000003", "bind_confirmed": True},
                        sender=sender, channel=channel)


def _pushed(sender: str) -> Tracker:
    return make_tracker(intent=NOTICES_INTENT, sender=sender, channel="callback")


def test_a_consent_request_is_pushed_to_the_owner_at_once(deps: Services, rasa_port: int) -> None:
    log_in(deps, REQUESTER)
    log_in(deps, OWNER, sender=OWNER_APP, channel="callback")
    api = RecordingRasaApi(gated=True)

    messages, running = _run_while_rasa_listens(ActionBindAccount(), _bind_3301000003(), api, rasa_port)

    assert responses(messages) == ["utter_consent_requested"] and running == 1
    assert api.triggered == [Triggered(OWNER_APP, "callback", NOTICES_INTENT)]
    pushed, events = run(ActionPushNotices(), _pushed(OWNER_APP))
    assert responses(pushed) == ["utter_consent_request_for_owner"] and events == []
    assert (pushed[0]["requester"], pushed[0]["account_number"]) == ("李*", "3301000003")
    assert [b["title"] for b in pushed[0]["buttons"]] == ["同意", "拒绝"]


def test_the_owners_decision_is_pushed_to_the_requester(deps: Services, rasa_port: int) -> None:
    log_in(deps, REQUESTER, sender="lina-app", channel="callback")
    asked_owner, _ = run(ActionBindAccount(), _bind_3301000003("lina-app", "callback"))
    assert responses(asked_owner) == ["utter_consent_requested"]
    log_in(deps, OWNER)  # on a chat that cannot push: the request waits for the owner's next message
    asked, _ = run(ActionPushNotices(), make_tracker(intent=NOTICES_INTENT, sender=SENDER))
    [payload, _deny] = [b["payload"] for b in asked[0]["buttons"]]
    request_id = json.loads(re.fullmatch(r"/affirm(\{.*\})", payload).group(1))["consent_request_id"]  # type: ignore[union-attr]
    api = RecordingRasaApi(gated=True)

    decide = make_tracker(intent="affirm", entities={"consent_request_id": request_id})
    messages, running = _run_while_rasa_listens(ActionDecideConsent(), decide, api, rasa_port)

    assert responses(messages) == ["utter_consent_approved_by_you"] and running == 1
    assert api.triggered == [Triggered("lina-app", "callback", NOTICES_INTENT)]
    told, _ = run(ActionPushNotices(), _pushed("lina-app"))
    assert responses(told) == ["utter_consent_outcome_approved"] and told[0]["account_number"] == "3301000003"
    assert run(ActionPushNotices(), _pushed("lina-app")) == ([], [])  # told once


def test_a_refused_decision_pushes_nobody(deps: Services, rasa_port: int) -> None:
    log_in(deps, OWNER, sender=OWNER_APP, channel="callback")
    api = RecordingRasaApi()
    decide = make_tracker(intent="affirm", entities={"consent_request_id": "999"}, sender=OWNER_APP,
                          channel="callback")
    messages, running = _run_while_rasa_listens(ActionDecideConsent(), decide, api, rasa_port)
    assert responses(messages) == ["utter_consent_not_found"] and running == 0 and api.triggered == []
