"""电子发票（增值税普通发票）and 电费缴费凭证 as PDF (fpdf2, CJK font embedded as a subset).

The layout follows a 数电票: title, number and date, buyer and seller, one item line
``*供电*电费`` with its period, quantity in 度, amount excluding tax, rate and tax, a 合计
line, 价税合计 in words and figures, and the 户号 in 备注. A receipt (no tax rate) has the
same frame without the tax columns. Output depends only on the document (the PDF's
creation date is the issue date), so the same document always renders to the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

import cn2an
from fpdf import FPDF

from bot.clock import CHINA_TZ
from bot.money import fen_to_yuan, format_yuan_symbol
from bot.reports.fonts import cjk_font_path

ITEM_NAME = "*供电*电费"
UNIT = "度"
DEMO_NOTICE = "本凭证由智能客服根据缴费记录生成，仅供演示，不作报销凭证。"

FONT = "cjk"
TEXT_COLOUR = (33, 33, 33)
FRAME_COLOUR = (160, 82, 45)  # the brown-red of printed invoices
LEFT, WIDTH = 10.0, 190.0  # mm on A5 landscape (210 × 148)
LABEL_WIDTH = 8.0  # the narrow column of upright labels (购买方信息, 备注)
MIN_FONT_SIZE = 6.0
REMARK_LINE, MIN_REMARK_HEIGHT = 5.0, 18.0


@dataclass(frozen=True)
class InvoiceDocument:
    title: str  # 电子发票（增值税普通发票） or 电费缴费凭证
    number: str
    issued_on: date
    seller_name: str
    seller_tax_id: str | None
    buyer_name: str
    account_number: str
    address: str
    period: date  # first day of the billed month
    kwh: int
    amount_fen: int  # tax-inclusive total
    tax_rate: Decimal | None  # Decimal("0.13") for electricity VAT; None for a receipt
    paid_at: date | None
    notice: str | None = DEMO_NOTICE  # small print under the frame; None for none


@dataclass(frozen=True)
class TaxSplit:
    net_fen: int
    tax_fen: int


@dataclass(frozen=True)
class _Wording:
    number: str
    issued: str
    buyer: str
    seller: str
    total: str


INVOICE_WORDING = _Wording("发票号码", "开票日期", "购买方信息", "销售方信息", "价税合计")
RECEIPT_WORDING = _Wording("凭证号码", "开具日期", "缴费方信息", "收款方信息", "金额合计")


def split_tax(amount_fen: int, rate: Decimal) -> TaxSplit:
    """Tax-inclusive fen into net and tax: net = total / (1 + rate) rounded half-up to the fen,
    tax = the rest, so the two always add up to the total (12858 at 13% -> 11379 + 1479)."""
    net = int((Decimal(amount_fen) / (1 + rate)).quantize(Decimal(1), ROUND_HALF_UP))
    return TaxSplit(net_fen=net, tax_fen=amount_fen - net)


def amount_in_words(amount_fen: int) -> str:
    """12858 -> 壹佰贰拾捌元伍角捌分 (大写金额)."""
    return cn2an.an2cn(f"{fen_to_yuan(amount_fen)}", "rmb")


def format_rate(rate: Decimal) -> str:
    """Decimal("0.13") -> "13%", Decimal("0.10") -> "10%", Decimal("0.065") -> "6.5%"."""
    return f"{(rate * 100).normalize():f}%"


def month_text(month: date) -> str:
    return f"{month.year}年{month.month}月"


def _plain_yuan(fen: int) -> str:
    return f"{fen_to_yuan(fen)}"


class _Page(FPDF):
    """One A5 landscape page with the CJK font and a few positioned-text helpers."""

    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A5")
        self.add_font(FONT, fname=str(cjk_font_path()))
        self.set_auto_page_break(False)
        self.set_text_color(*TEXT_COLOUR)
        self.set_draw_color(*FRAME_COLOUR)
        self.add_page()

    def text_at(self, x: float, y: float, text: str, *, size: float = 9, width: float = 0, align: str = "L") -> None:
        """``text`` on one line at (x, y); with a ``width`` the font shrinks until it fits."""
        self.set_font(FONT, size=size)
        while width and size > MIN_FONT_SIZE and self.get_string_width(text) > width - 1:
            size -= 0.5
            self.set_font(FONT, size=size)
        self.set_xy(x, y)
        self.cell(w=width, h=6, text=text, align=align)

    def upright_label(self, x: float, top: float, height: float, text: str) -> None:
        """Characters stacked top to bottom in the label column, centred, as on printed invoices."""
        self.set_font(FONT, size=9)
        line = 4.5
        self.set_xy(x, top + (height - line * len(text)) / 2)
        self.multi_cell(w=LABEL_WIDTH, h=line, text="\n".join(text), align="C")
        self.line(x + LABEL_WIDTH, top, x + LABEL_WIDTH, top + height)

    def rule(self, y: float) -> None:
        self.line(LEFT, y, LEFT + WIDTH, y)


def render_invoice_pdf(doc: InvoiceDocument) -> bytes:
    """The document as PDF bytes (A5 landscape, one page)."""
    wording = RECEIPT_WORDING if doc.tax_rate is None else INVOICE_WORDING
    page = _Page()
    _metadata(page, doc)
    _heading(page, doc, wording)
    top = 34.0
    y = _parties(page, doc, wording, top)
    y = _items(page, doc, y)
    y = _total(page, doc, wording, y)
    bottom = _remarks(page, doc, y)
    page.rect(LEFT, top, WIDTH, bottom - top)
    if doc.notice:
        page.text_at(LEFT, bottom + 2, doc.notice, size=7, width=WIDTH, align="C")
    return bytes(page.output())


def _metadata(page: _Page, doc: InvoiceDocument) -> None:
    page.set_creation_date(datetime.combine(doc.issued_on, time(), tzinfo=CHINA_TZ))
    page.set_title(f"{doc.title} {doc.number}")
    page.set_author(doc.seller_name)
    page.set_lang("zh-CN")


def _heading(page: _Page, doc: InvoiceDocument, wording: _Wording) -> None:
    page.text_at(LEFT, 9, doc.title, size=16, width=WIDTH, align="C")
    title_width = page.get_string_width(doc.title) + 8
    for y in (16.5, 17.3):  # the double rule under a printed invoice's title
        page.line(LEFT + (WIDTH - title_width) / 2, y, LEFT + (WIDTH + title_width) / 2, y)
    right = LEFT + WIDTH - 62
    page.text_at(right, 20, f"{wording.number}：{doc.number}")
    page.text_at(right, 26, f"{wording.issued}：{doc.issued_on:%Y年%m月%d日}")


def _parties(page: _Page, doc: InvoiceDocument, wording: _Wording, top: float) -> float:
    """Buyer (left) and seller (right) halves; returns the y below them."""
    height, half = 25.0, WIDTH / 2
    seller_lines = [f"名称：{doc.seller_name}"]
    if doc.seller_tax_id:
        seller_lines.append(f"统一社会信用代码/纳税人识别号：{doc.seller_tax_id}")
    for x, label, lines in (
        (LEFT, wording.buyer, [f"名称：{doc.buyer_name}"]),
        (LEFT + half, wording.seller, seller_lines),
    ):
        page.upright_label(x, top, height, label)
        for row, text in enumerate(lines):
            page.text_at(x + LABEL_WIDTH + 2, top + 4 + 8 * row, text, width=half - LABEL_WIDTH - 4)
    page.line(LEFT + half, top, LEFT + half, top + height)
    page.rule(top + height)
    return top + height


def _columns(doc: InvoiceDocument) -> list[tuple[str, float, str, str]]:
    """(heading, share of the width, item value, 合计 value) per column; tax columns only on an invoice."""
    columns = [
        ("项目名称", 0.24, ITEM_NAME, "合　计"),
        ("计费周期", 0.15, month_text(doc.period), ""),
        ("单位", 0.08, UNIT, ""),
        ("数量", 0.11, str(doc.kwh), ""),
    ]
    if doc.tax_rate is None:
        return [*columns, ("金额", 0.42, _plain_yuan(doc.amount_fen), format_yuan_symbol(doc.amount_fen))]
    split = split_tax(doc.amount_fen, doc.tax_rate)
    return [
        *columns,
        ("金额", 0.16, _plain_yuan(split.net_fen), format_yuan_symbol(split.net_fen)),
        ("税率/征收率", 0.12, format_rate(doc.tax_rate), ""),
        ("税额", 0.14, _plain_yuan(split.tax_fen), format_yuan_symbol(split.tax_fen)),
    ]


def _items(page: _Page, doc: InvoiceDocument, top: float) -> float:
    """Headings, the one item line, blank space and the 合计 line; returns the y below them."""
    sum_row = top + 34
    x = LEFT
    for heading, share, value, total in _columns(doc):
        width = WIDTH * share
        page.text_at(x, top + 1.5, heading, width=width, align="C")
        page.text_at(x, top + 9, value, width=width, align="C")
        page.text_at(x, sum_row + 1, total, width=width, align="C")
        x += width
    return sum_row + 8


def _total(page: _Page, doc: InvoiceDocument, wording: _Wording, top: float) -> float:
    """价税合计 (or 金额合计) in words and figures; returns the y below it."""
    page.rule(top)
    label_width = 36.0
    page.text_at(LEFT, top + 1.5, f"{wording.total}（大写）", size=10, width=label_width, align="C")
    page.line(LEFT + label_width, top, LEFT + label_width, top + 9)
    page.text_at(LEFT + label_width + 3, top + 1.5, f"⊗ {amount_in_words(doc.amount_fen)}", size=10)
    page.text_at(LEFT + WIDTH - 58, top + 1.5, f"（小写）{format_yuan_symbol(doc.amount_fen)}", size=10)
    page.rule(top + 9)
    return top + 9


def _remarks(page: _Page, doc: InvoiceDocument, top: float) -> float:
    """备注: 户号, period and payment date, then the address; returns the frame's bottom."""
    facts = [f"户号：{doc.account_number}", f"计费周期：{month_text(doc.period)}"]
    if doc.paid_at:
        facts.append(f"缴费日期：{doc.paid_at:%Y年%m月%d日}")
    text = "；".join(facts) + f"\n用电地址：{doc.address}"
    width = WIDTH - LABEL_WIDTH - 4
    page.set_font(FONT, size=9)
    lines = page.multi_cell(w=width, h=REMARK_LINE, text=text, wrapmode="CHAR", dry_run=True, output="LINES")
    height = max(MIN_REMARK_HEIGHT, len(lines) * REMARK_LINE + 5)
    page.upright_label(LEFT, top, height, "备注")
    page.set_font(FONT, size=9)
    page.set_xy(LEFT + LABEL_WIDTH + 2, top + 2.5)
    page.multi_cell(w=width, h=REMARK_LINE, text=text, wrapmode="CHAR")
    return top + height
