"""Bill, balance, usage and invoice actions as 张伟 (13800000001, 3301000001) on the seeded demo data."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from sqlalchemy import update

from actions.billing.bills import ActionQueryBalance, ActionQueryBill
from actions.billing.invoices import ActionRequestInvoice
from actions.billing.usage import ActionQueryUsage
from bot.accounts.binding import bind
from bot.billing.bills import bills_for_months
from bot.container import Services
from bot.db.models import AccountBinding
from bot.files.published import published_path
from bot.money import format_yuan_symbol
from tests.unit.action_harness import DOMAIN, log_in, make_tracker, responses, run

RESET = [SlotSet("account_number", None), SlotSet("request_text", None)]


def _ask(action: object, text: str, *, account: str | None = None, channel: str | None = None) -> tuple:
    extra = {"channel": channel} if channel else {}
    slots = {"request_text": text, "account_number": account}
    tracker = make_tracker(intent="inform", text=text, slots=slots, **extra)
    return run(action, tracker)


def _texts(messages: list[dict]) -> list[str]:
    return [m.get("text") or "" for m in messages]


def test_last_months_bill_is_read_from_the_stored_bill(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    (october,) = bills_for_months(action_deps.session_factory, action_deps.clock, action_deps.tariffs,
                                  user_id=user.user_id, account_number="3301000001", months=None)
    messages, events = run(ActionQueryBill(), make_tracker(slots={"request_text": "上个月电费多少"}))
    assert events == RESET
    lines = messages[0]["text"].splitlines()
    assert lines[0] == "户号3301000001｜2026年10月电费账单"
    assert lines[2] == f"用电量：{october.kwh}度　电费：{format_yuan_symbol(october.amount_fen)}"
    assert lines[-1] == "状态：未缴，缴费截止日2026年11月30日"
    assert [b["title"] for b in messages[0]["buttons"]] == ["去缴费"]


@pytest.mark.parametrize(
    ("text", "response"),
    [("13月的电费", "utter_month_invalid"), ("下个月电费", "utter_month_future"),
     ("2027年3月账单", "utter_month_future")],
)
def test_impossible_months_are_explained(action_deps: Services, text: str, response: str) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionQueryBill(), text)
    assert responses(messages) == [response]


def test_a_month_before_the_account_existed_is_explained(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionQueryBill(), "2010年1月的账单")
    assert responses(messages) == ["utter_no_bill_before_opened"]


def test_half_a_year_lists_six_bills_with_a_total(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionQueryBill(), "近半年账单")
    lines = messages[0]["text"].splitlines()
    assert lines[0] == "户号3301000001共6期账单："
    assert [line[:10] for line in lines[1:7]] == [f"· 2026年{m}月：" for m in range(5, 10)] + ["· 2026年10月"]
    assert lines[-1].startswith("合计：")


def test_an_unbound_named_account_reveals_nothing(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, events = _ask(ActionQueryBill(), "3301000002的账单", account="3301000002")
    assert responses(messages) == ["utter_account_not_bound"]
    assert "王" not in str(messages) and events == RESET


def test_a_user_without_accounts_is_asked_to_bind_one(action_deps: Services) -> None:
    log_in(action_deps, "13900000005")
    messages, _ = _ask(ActionQueryBalance(), "我欠多少钱")
    assert responses(messages) == ["utter_no_accounts"]


def test_an_anonymous_chat_learns_nothing(action_deps: Services) -> None:
    messages, events = _ask(ActionQueryBalance(), "我欠多少钱", account="3301000001")
    assert messages == [] and events == RESET


def test_the_balance_shows_arrears_and_offers_to_pay(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionQueryBalance(), "我还欠多少电费")
    assert messages[0]["text"].startswith("户号3301000001当前应缴¥")
    assert "2026年10月账单" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == '/pay_bill{"account_number": "3301000001"}'


def test_usage_of_last_month_compares_and_gives_the_tier_position(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionQueryUsage(), "上个月用了多少度电")
    text = messages[0]["text"]
    assert text.startswith("户号3301000001 2026年10月用电".replace(" ", ""))
    assert "比上月" in text and "比去年同期" in text
    assert "本年度已用 " in text and "剩余 " in text


def test_the_trend_is_a_published_chart(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionQueryUsage(), "看看用电趋势")
    url = messages[0]["image"]
    kind, name = url.rsplit("/", 2)[-2:]
    path = published_path(action_deps.settings.files_dir, kind, name)
    assert path is not None and path.read_bytes().startswith(b"\x89PNG")
    assert messages[0]["text"].startswith("户号3301000001近12个月用电趋势")


def test_the_ivr_hears_the_trend_in_one_sentence(action_deps: Services) -> None:
    log_in(action_deps, "13800000001", channel="ivr")
    messages, _ = _ask(ActionQueryUsage(), "看看用电趋势", channel="ivr")
    assert messages[0]["image"] is None
    sentence = messages[0]["text"]
    assert sentence.startswith("户号3301000001近12个月共用电") and "最高是" in sentence and "本年度已用" in sentence
    assert "\n" not in sentence


def test_an_invoice_for_a_paid_month_is_a_pdf_link(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionRequestInvoice(), "开9月的发票")
    assert responses(messages) == ["utter_invoice_ready"]
    assert messages[0]["kind"] == DOMAIN["responses"]["utter_invoice_kind_vat"][0]["text"]
    kind, name = messages[0]["url"].rsplit("/", 2)[-2:]
    assert published_path(action_deps.settings.files_dir, kind, name).read_bytes().startswith(b"%PDF-")


def test_an_unpaid_month_has_no_invoice(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionRequestInvoice(), "开10月的发票")
    assert responses(messages) == ["utter_invoice_unpaid"]
    assert messages[0]["buttons"][0]["title"] == "去缴费"


def test_a_receipt_is_asked_for_by_name(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, _ = _ask(ActionRequestInvoice(), "要9月的缴费凭证")
    assert messages[0]["kind"] == "电费缴费凭证"


def test_the_account_choice_buttons_keep_the_request(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    bind(action_deps.session_factory, action_deps.clock, user_id=user.user_id, account_number="3301000002")
    with action_deps.session_factory.session_scope() as session:
        session.execute(update(AccountBinding).values(is_default=False))
    messages, _ = _ask(ActionQueryBill(), "上个月电费多少")
    assert responses(messages) == ["utter_ask_account_for_query"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == '/query_bill{"account_number": "3301000001", "time": "上个月电费多少"}'
