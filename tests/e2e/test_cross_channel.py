"""One person on two chat apps: a conversation started on Telegram is continued on WeChat after
logging in there with the same phone (same accounts, same pending work order), and logging out
on one app leaves the other logged in. Both apps are driven as their platforms do, through the
fakes of tests/e2e/fake_telegram_api.py and tests/e2e/fake_wechat_api.py."""
from __future__ import annotations

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import response_text, work_order_for
from tests.e2e.fake_telegram_api import FakeTelegramApi, TelegramChat
from tests.e2e.fake_wechat_api import WeChatUser

PHONE = "13800000001"  # 张伟: 3301000001 bound as default (README, Demo data)
ACCOUNT = "3301000001"


def _line_with(text: str | None, needle: str) -> str:
    assert text is not None, f"no passive answer (looking for {needle})"
    [line] = [line for line in text.splitlines() if needle in line]
    return line


def test_a_conversation_started_on_telegram_continues_on_wechat(
    assistant: RunningAssistant, telegram_api: FakeTelegramApi
) -> None:
    telegram = TelegramChat(assistant, telegram_api, 880101)
    assert telegram.say("登录") == [response_text("utter_ask_login_form_phone_number")]
    telegram.log_in(PHONE)  # moves the shared clock past the phone's one-code-a-minute limit
    telegram_accounts = "\n".join(telegram.say("查看我的户号"))
    order_no = work_order_for(assistant.database_url, assistant.clock_file, PHONE)
    telegram_order = _line_with("\n".join(telegram.say("查询工单进度")), order_no)

    wechat = WeChatUser(assistant, "o-e2e-cross-channel")
    assert wechat.say("登录") == response_text("utter_ask_login_form_phone_number")
    wechat.log_in(PHONE)

    # The same accounts and the same pending work order, told in the same words.
    assert _line_with(wechat.say("查看我的户号"), ACCOUNT) == _line_with(telegram_accounts, ACCOUNT)
    assert _line_with(wechat.say("查询工单进度"), order_no) == telegram_order
    assert "当前状态：已受理" in telegram_order

    # Logging out on WeChat leaves Telegram logged in, and the other way round.
    assert wechat.say("退出登录") == response_text("utter_logged_out")
    assert _line_with("\n".join(telegram.say("查看我的户号")), ACCOUNT) == _line_with(telegram_accounts, ACCOUNT)
    logged_out = wechat.say("查看我的户号")
    assert logged_out is not None and logged_out.startswith(response_text("utter_login_required"))
