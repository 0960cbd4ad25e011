"""Bills, the usage chart and invoices as demo user 13800000001 (张伟, 3301000001), over REST."""
from __future__ import annotations

import io
import re
from urllib.request import urlopen

from PIL import Image
from sqlalchemy import create_engine, text

from bot.money import format_yuan_symbol
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, response_text, texts


def _seeded_bill_fen(database_url: str, account_number: str, period: str) -> int:
    engine = create_engine(database_url, future=True)
    with engine.connect() as connection:
        amount = connection.execute(
            text(
                "SELECT b.amount_fen FROM monthly_bills b JOIN electricity_accounts a ON a.id = b.account_id "
                "WHERE a.account_number = :n AND b.period = :p"
            ),
            {"n": account_number, "p": period},
        ).scalar_one()
    engine.dispose()
    return int(amount)


def _download(url: str) -> tuple[str, bytes]:
    with urlopen(url) as reply:  # noqa: S310 - loopback URL from the assistant
        return reply.headers["Content-Type"], reply.read()


def test_last_months_bill_comes_from_the_seeded_bill(assistant: RunningAssistant, zhang_wei: Conversation) -> None:
    october = _seeded_bill_fen(assistant.database_url, "3301000001", "2026-10-01")
    [bill] = texts(zhang_wei.say("上个月电费多少"))
    lines = bill.splitlines()
    assert lines[0] == "户号3301000001｜2026年10月电费账单"
    assert lines[1] == "计费周期：2026年10月1日至2026年10月31日"
    assert lines[2].endswith(f"电费：{format_yuan_symbol(october)}")
    assert any(line.startswith("· 第一档：") for line in lines)
    assert lines[-1] == "状态：未缴，缴费截止日2026年11月30日"


def test_the_usage_trend_is_a_png_at_a_stable_url(assistant: RunningAssistant, zhang_wei: Conversation) -> None:
    replies = zhang_wei.say("看看用电趋势")
    assert texts(replies)[0].startswith("户号3301000001近12个月用电趋势")
    [url] = [r["image"] for r in replies if r.get("image")]
    assert url.startswith(f"{assistant.rasa_url}/webhooks/files/charts/")
    for _ in range(2):  # the same URL keeps serving the same picture
        content_type, body = _download(url)
        assert content_type == "image/png"
        assert Image.open(io.BytesIO(body)).format == "PNG"


def test_an_invoice_for_a_paid_month_and_a_refusal_for_an_unpaid_one(
    assistant: RunningAssistant, zhang_wei: Conversation
) -> None:
    assert texts(zhang_wei.say("开10月的发票")) == [response_text("utter_invoice_unpaid")]
    [issued] = texts(zhang_wei.say("开9月的发票"))
    september = _seeded_bill_fen(assistant.database_url, "3301000001", "2026-09-01")
    assert issued.startswith("已为户号3301000001开具2026年9月的电子发票（增值税普通发票）")
    assert f"金额{format_yuan_symbol(september)}" in issued
    url = re.search(r"http://\S+\.pdf", issued).group(0)
    content_type, body = _download(url)
    assert content_type == "application/pdf"
    assert body.startswith(b"%PDF-")
    # Asking again gives the same invoice number.
    [again] = texts(zhang_wei.say("开9月的发票"))
    number = re.search(r"号码(\d+)", issued).group(1)
    assert f"号码{number}" in again
