"""Bill photos in chat: the router and the bind form read the 户号 from a file the chat sent."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import SlotSet

from actions.accounts.binding import ValidateBindAccountForm
from actions.forms.retrying import FAILURES_SLOT
from actions.identity.login import ActionRouteRequest
from bot.channels.uploads import file_message, receive_file
from bot.container import Services
from bot.conversation.routing import NOTHING, ROUTE_SLOT
from bot.files.attachments import StoredUpload, UploadProblem, store_upload
from tests.bill_photos import bill_photo
from tests.sample_files import MINIMAL_PDF
from tests.unit.action_harness import CHANNEL, SENDER, log_in, make_tracker, responses, run, validate


def _sent(deps: Services, data: bytes, *, sender: str = SENDER) -> dict[str, str]:
    """Store ``data`` as the chat's upload; the entities the channel's message carries."""
    stored = store_upload(
        deps.session_factory, deps.clock, deps.settings.files_dir,
        channel=CHANNEL, sender_id=sender, filename="bill.png", data=data,
    )
    assert isinstance(stored, StoredUpload)
    return {"attachment_id": str(stored.attachment_id)}


def _file_tracker(entities: dict[str, str], **kwargs: object) -> object:
    return make_tracker(intent="send_file", text="/send_file", entities=entities, **kwargs)


def test_the_channel_message_carries_the_id_or_the_problem() -> None:
    assert file_message(StoredUpload(12, "image/png", 100)) == '/send_file{"attachment_id": "12"}'
    assert file_message(UploadProblem.TOO_LARGE) == '/send_file{"upload_problem": "too_large"}'


def test_a_bill_photo_starts_binding_its_account(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    messages, events = run(ActionRouteRequest(), _file_tracker(_sent(action_deps, bill_photo("3301000002"))))
    assert responses(messages) == ["utter_barcode_read"]
    assert messages[0]["account_number"] == "3301000002"
    assert events == [
        SlotSet("account_number", "3301000002"), SlotSet("region", None), SlotSet("request_text", None),
        SlotSet("pending_intent", None), SlotSet(ROUTE_SLOT, "bind_account_form"),
    ]


def test_a_file_from_an_anonymous_chat_is_not_stored_and_the_way_to_log_in_is_explained(
    action_deps: Services,
) -> None:
    message = asyncio.run(receive_file(
        action_deps, channel=CHANNEL, sender_id=SENDER, filename="bill.png", data=bill_photo("3301000002"),
    ))
    assert message == '/send_file{"upload_problem": "login_required"}'
    assert not action_deps.settings.files_dir.exists()
    messages, events = run(ActionRouteRequest(), _file_tracker({"upload_problem": "login_required"}))
    assert responses(messages) == ["utter_upload_login_required"]
    assert "3301000002" not in str(messages)
    assert events == [SlotSet(ROUTE_SLOT, NOTHING)]


def test_the_channel_stores_a_logged_in_chats_file(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    message = asyncio.run(receive_file(action_deps, channel=CHANNEL, sender_id=SENDER, filename="x.pdf",
                                       data=MINIMAL_PDF))
    assert message.startswith('/send_file{"attachment_id": "')


@pytest.mark.parametrize(
    ("entities", "response"),
    [
        ({"upload_problem": "too_large"}, "utter_upload_too_large"),
        ({"upload_problem": "wrong_type"}, "utter_upload_wrong_type"),
        ({"upload_problem": "empty"}, "utter_upload_empty"),
        ({"upload_problem": "login_required"}, "utter_upload_login_required"),
        ({"upload_problem": "quota_exceeded"}, "utter_upload_quota"),
        ({"upload_problem": "image_too_large"}, "utter_upload_image_too_large"),
        ({"upload_problem": "made-up"}, "utter_upload_not_found"),
        ({}, "utter_upload_not_found"),
        ({"attachment_id": "424242"}, "utter_upload_not_found"),
    ],
)
def test_a_refused_or_missing_file_is_explained_and_nothing_starts(
    action_deps: Services, entities: dict[str, str], response: str
) -> None:
    messages, events = run(ActionRouteRequest(), _file_tracker(entities))
    assert responses(messages) == [response]
    assert events == [SlotSet(ROUTE_SLOT, NOTHING)]


def test_a_photo_without_a_code_is_explained(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    blank = bill_photo("no account here")
    messages, events = run(ActionRouteRequest(), _file_tracker(_sent(action_deps, blank)))
    assert responses(messages) == ["utter_barcode_unreadable"]
    assert events == [SlotSet(ROUTE_SLOT, NOTHING)]


def test_another_chats_photo_cannot_be_used(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    log_in(action_deps, "13800000004", sender="someone-else")
    theirs = _sent(action_deps, bill_photo("3301000003"), sender="someone-else")
    messages, events = run(ActionRouteRequest(), _file_tracker(theirs))
    assert responses(messages) == ["utter_upload_not_found"]
    assert "3301000003" not in str(messages)
    assert events == [SlotSet(ROUTE_SLOT, NOTHING)]


def _asked_for_number(entities: dict[str, str]) -> object:
    return _file_tracker(
        entities, slots={"requested_slot": "account_number", FAILURES_SLOT: None}, active_loop="bind_account_form"
    )


def test_the_bind_form_takes_the_number_from_a_photo(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    tracker = _asked_for_number(_sent(action_deps, bill_photo("3303301000002")))
    messages, result = validate(ValidateBindAccountForm(), "account_number", "/send_file", tracker)
    assert messages == []
    assert result == {"account_number": "3301000002", FAILURES_SLOT: None}


def test_the_bind_form_explains_an_unreadable_photo_and_counts_it_as_a_miss(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    tracker = _asked_for_number(_sent(action_deps, bill_photo("hello")))
    messages, result = validate(ValidateBindAccountForm(), "account_number", "/send_file", tracker)
    assert responses(messages) == ["utter_barcode_unreadable"]
    assert result == {"account_number": None, FAILURES_SLOT: {"slot": "account_number", "count": 1}}
