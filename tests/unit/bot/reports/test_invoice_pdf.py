from __future__ import annotations

import dataclasses
import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from bot.reports.invoice_pdf import (
    InvoiceDocument,
    TaxSplit,
    amount_in_words,
    format_rate,
    render_invoice_pdf,
    split_tax,
)

INVOICE = InvoiceDocument(
    title="电子发票（增值税普通发票）",
    number="26330100100000000042",
    issued_on=date(2026, 11, 3),
    seller_name="国网浙江省电力有限公司杭州供电公司",
    seller_tax_id="91330100MA2010000X",
    buyer_name="张伟",
    account_number="3301000001",
    address="浙江省杭州市西湖区文三路100号3幢201室",
    period=date(2026, 10, 1),
    kwh=239,
    amount_fen=12858,
    tax_rate=Decimal("0.13"),
    paid_at=date(2026, 11, 2),
)
RECEIPT = dataclasses.replace(INVOICE, title="电费缴费凭证", number="26330100200000000043", tax_rate=None)


def pdf_text(pdf: bytes) -> str:
    """The page's text without whitespace: upright labels (购/买/方…) come out one character a line."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return "".join(reader.pages[0].extract_text().split())


@pytest.fixture(scope="module")
def invoice_pdf() -> bytes:
    return render_invoice_pdf(INVOICE)


@pytest.fixture(scope="module")
def receipt_pdf() -> bytes:
    return render_invoice_pdf(RECEIPT)


@pytest.mark.parametrize(
    ("amount_fen", "rate", "split"),
    [
        (12858, Decimal("0.13"), TaxSplit(net_fen=11379, tax_fen=1479)),  # 11378.76… rounds up
        (11300, Decimal("0.13"), TaxSplit(net_fen=10000, tax_fen=1300)),
        (1, Decimal("0.13"), TaxSplit(net_fen=1, tax_fen=0)),
        (0, Decimal("0.13"), TaxSplit(net_fen=0, tax_fen=0)),
        (10900, Decimal("0.09"), TaxSplit(net_fen=10000, tax_fen=900)),
        (5, Decimal("1"), TaxSplit(net_fen=3, tax_fen=2)),  # 2.5 fen: half-up, not half-even
    ],
)
def test_split_tax(amount_fen: int, rate: Decimal, split: TaxSplit) -> None:
    assert split_tax(amount_fen, rate) == split


def test_split_tax_always_adds_up_in_whole_fen() -> None:
    for amount_fen in range(0, 200_000, 997):
        split = split_tax(amount_fen, Decimal("0.13"))
        assert type(split.net_fen) is int and type(split.tax_fen) is int
        assert split.net_fen + split.tax_fen == amount_fen


@pytest.mark.parametrize(
    ("amount_fen", "words"),
    [(12858, "壹佰贰拾捌元伍角捌分"), (10000, "壹佰元整"), (10005, "壹佰元零伍分"), (0, "零元整")],
)
def test_amount_in_words(amount_fen: int, words: str) -> None:
    assert amount_in_words(amount_fen) == words


@pytest.mark.parametrize(
    ("rate", "text"), [(Decimal("0.13"), "13%"), (Decimal("0.10"), "10%"), (Decimal("0.065"), "6.5%")]
)
def test_format_rate(rate: Decimal, text: str) -> None:
    assert format_rate(rate) == text


def test_invoice_is_a_pdf_with_every_field(invoice_pdf: bytes) -> None:
    assert invoice_pdf.startswith(b"%PDF-")
    text = pdf_text(invoice_pdf)
    for expected in [
        "电子发票（增值税普通发票）", "发票号码", INVOICE.number, "开票日期", "2026年11月03日",
        "购买方", "张伟", "销售方", "国网浙江省电力有限公司杭州供电公司", "91330100MA2010000X",
        "*供电*电费", "2026年10月", "度", "239", "113.79", "13%", "14.79", "¥113.79", "¥14.79",
        "价税合计（大写）", "壹佰贰拾捌元伍角捌分", "（小写）¥128.58", "备注", "3301000001", "文三路100号",
    ]:
        assert expected in text, expected


def test_receipt_has_no_tax_columns(receipt_pdf: bytes) -> None:
    text = pdf_text(receipt_pdf)
    for expected in [
        "电费缴费凭证", "凭证号码", RECEIPT.number, "张伟", "128.58", "壹佰贰拾捌元伍角捌分", "3301000001", "缴费日期",
    ]:
        assert expected in text, expected
    for absent in ["税额", "税率", "价税合计", "发票号码", "113.79"]:
        assert absent not in text, absent


def test_seller_without_tax_id_omits_the_line() -> None:
    text = pdf_text(render_invoice_pdf(dataclasses.replace(RECEIPT, seller_tax_id=None)))
    assert "纳税人识别号" not in text


def test_output_is_deterministic_and_dated_by_the_issue_date(invoice_pdf: bytes) -> None:
    assert render_invoice_pdf(INVOICE) == invoice_pdf
    metadata = PdfReader(io.BytesIO(invoice_pdf)).metadata
    assert metadata.creation_date.date() == INVOICE.issued_on
    assert INVOICE.number in metadata.title


def test_the_font_is_embedded_as_a_subset(invoice_pdf: bytes) -> None:
    page = PdfReader(io.BytesIO(invoice_pdf)).pages[0]
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    assert fonts and all("+" in str(font["/BaseFont"]) for font in fonts)  # "ABCDEF+Name": a subset
    assert len(invoice_pdf) < 200_000  # the whole font file is 5 MB


def test_a_long_address_wraps_inside_the_frame() -> None:
    long_address = "新疆维吾尔自治区乌鲁木齐市天山区解放北路1号天山纺织工业园区B区3号厂房东侧配电室二层办公区" * 2
    text = pdf_text(render_invoice_pdf(dataclasses.replace(INVOICE, address=long_address)))
    assert "3301000001" in text and text.count("配电室") == 2
