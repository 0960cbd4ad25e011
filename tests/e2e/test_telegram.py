"""The Telegram channel as Telegram drives it: real Update JSON posted to the running assistant's
webhook with the secret token, the assistant's real PTB Bot answering through the fake Bot API
(fake_telegram_api.py), which records every call."""
from __future__ import annotations

import json

from tests.bill_photos import bill_photo
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, response_text
from tests.e2e.conversation import texts as rest_texts
from tests.e2e.fake_telegram_api import (
    E2E_WEBHOOK_SECRET,
    FakeTelegramApi,
    TelegramChat,
    TelegramUser,
    button_data,
    post,
    texts,
)


def test_an_update_without_the_secret_token_is_refused_before_the_dialogue(
    assistant: RunningAssistant, telegram_api: FakeTelegramApi
) -> None:
    update = json.dumps(TelegramUser(880001).text("你好")).encode()
    assert post(assistant, update, secret=None) == 403
    assert post(assistant, update, secret="forged") == 403
    assert post(assistant, b'{"update_id": 1, "message": ', secret=E2E_WEBHOOK_SECRET) == 400
    telegram_api.settle(quiet_s=1.0)
    assert telegram_api.calls_of("sendMessage", 880001) == []


def test_start_shows_the_menu_and_a_pressed_button_is_answered_and_its_keyboard_removed(
    assistant: RunningAssistant, telegram_api: FakeTelegramApi
) -> None:
    chat = TelegramChat(assistant, telegram_api, 880002)
    greeting = chat.send(chat.user.text("/start"))[0]
    assert greeting.params["text"] == response_text("utter_greet")
    buttons = button_data(greeting)
    assert buttons["查电费"] == "/query_bill"

    press = chat.user.press(greeting, buttons["查电费"])
    pressed = chat.send(press)
    [answered] = [c for c in telegram_api.calls_of("answerCallbackQuery")
                  if c.params["callback_query_id"] == press["callback_query"]["id"]]
    [removed] = [c for c in pressed if c.method == "editMessageReplyMarkup"]
    assert removed.params["message_id"] == greeting.result["message_id"] and "reply_markup" not in removed.params
    assert texts(pressed) == [response_text("utter_login_required"), response_text("utter_ask_login_form_phone_number")]

    # The old keyboard cannot be pressed twice: answered, but nothing reaches the dialogue.
    again = chat.user.press(greeting, buttons["交电费"])
    before = len(chat._calls())
    assert post(assistant, json.dumps(again).encode()) == 200
    telegram_api.wait_for(lambda: len([c for c in telegram_api.calls_of("answerCallbackQuery")
                                       if c.params["callback_query_id"] == again["callback_query"]["id"]]), 1)
    telegram_api.settle()
    assert texts(chat._calls()[before:]) == []


def test_a_whole_login_and_bill_conversation(
    assistant: RunningAssistant, telegram_api: FakeTelegramApi, zhang_wei: Conversation
) -> None:
    chat = TelegramChat(assistant, telegram_api, 880003)
    assert chat.say("登录") == [response_text("utter_ask_login_form_phone_number")]
    chat.log_in("13800000001")  # 张伟, the holder of 3301000001, as on REST
    [bill, *_] = chat.say("上个月电费多少")
    assert bill.splitlines()[0] == "户号3301000001｜2026年10月电费账单"
    # The same bill, in the same state (other tests may have paid it), as 张伟 sees it over REST.
    assert bill == rest_texts(zhang_wei.say("上个月电费多少"))[0]


def test_a_photo_of_a_bill_binds_the_account_on_it(assistant: RunningAssistant, telegram_api: FakeTelegramApi) -> None:
    chat = TelegramChat(assistant, telegram_api, 880004)
    photo = bill_photo("3301000004202610", "JPEG")
    chat.say("登录")
    chat.log_in("13900000061")
    first = texts(chat.send(chat.user.photo(telegram_api.add_file(photo), len(photo))))
    assert first[0] == "已从图片中识别到户号3301000004。"
    assert first[1].startswith("查询到户号3301000004：户名 刘*")
    assert chat.say("确认") == ["绑定成功！户号3301000004已添加到您的账号，并设为默认户号。"]


def test_a_group_hears_once_that_the_assistant_serves_private_chats_only(
    assistant: RunningAssistant, telegram_api: FakeTelegramApi
) -> None:
    user, group = TelegramUser(880005), -100880005
    assert post(assistant, json.dumps(user.in_group(group, "/start@sgcc_e_bot")).encode()) == 200
    telegram_api.wait_for(lambda: len(telegram_api.texts(group)), 1)
    assert post(assistant, json.dumps(user.in_group(group, "帮我查电费")).encode()) == 200
    telegram_api.settle()
    assert telegram_api.texts(group) == [response_text("utter_private_chat_only")]
    assert telegram_api.texts(880005) == []  # and nothing went to the member's private chat
