"""《授权委托书》 reference template for a 企业新装 applied for by an agent (经办人): one
A4 page with blanks to fill in by hand, printed, signed, stamped and uploaded again.

It holds no personal data, so one file serves everyone. Output is always the same bytes
(fixed creation date), which keeps re-rendering harmless.
"""
from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from bot.clock import CHINA_TZ
from bot.reports.fonts import cjk_font_path

TITLE = "授权委托书"
FONT = "cjk"
LEFT, WIDTH = 25.0, 160.0  # mm on A4 portrait (210 × 297)
LINE = 11.0
DATE_BLANKS = (16.0, "年", 9.0, "月", 9.0, "日")  # ____年__月__日
RENDERED_ON = datetime(2026, 1, 1, tzinfo=CHINA_TZ)  # fixed: the same bytes on every render
MATTER = (
    "兹委托上述受托人代表本单位，向供电企业办理低压非居民企业新装用电业务，包括提交申请资料、"
    "签署相关文件、配合现场勘查及领取相关文书等事宜。受托人在委托权限内办理的上述事项，本单位均予以认可，"
    "并承担相应的法律责任。受托人无转委托权。"
)
NOTES = (
    "注：1. 请用黑色签字笔填写，字迹清晰，不得涂改；",
    "2. 须加盖单位公章并由法定代表人签字，随附法定代表人及受托人身份证复印件（正反面）；",
    "3. 本模板由智能客服提供，仅供参考，以供电营业厅的要求为准。",
)


class _Page(FPDF):
    """One A4 portrait page with the CJK font and a helper for a label followed by a blank."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FONT, fname=str(cjk_font_path()))
        self.set_auto_page_break(False)
        self.add_page()

    def fill_in(self, x: float, y: float, *parts: str | float) -> None:
        """A line of text at (x, y): strings are printed, numbers are blanks that many mm long."""
        self.set_font(FONT, size=12)
        for part in parts:
            if isinstance(part, str):
                self.set_xy(x, y)
                self.cell(text=part)
                x += self.get_string_width(part)
            else:
                self.line(x + 1, y + 6.5, x + 1 + part, y + 6.5)
                x += part + 2


def render_authorisation_template() -> bytes:
    """The template as PDF bytes (A4 portrait, one page)."""
    page = _Page()
    page.set_creation_date(RENDERED_ON)
    page.set_title(TITLE)
    page.set_lang("zh-CN")
    page.set_font(FONT, size=20)
    page.set_xy(LEFT, 25)
    page.cell(w=WIDTH, h=10, text=TITLE, align="C")

    y = 48.0
    for parts in (("委托人（单位名称）：", 115.0), ("统一社会信用代码：", 118.0),
                  ("法定代表人：", 40.0, "  身份证号：", 62.0)):
        page.fill_in(LEFT, y, *parts)
        y += LINE
    y += 4
    for parts in (("受托人（经办人）：", 46.0, "  联系电话：", 44.0), ("受托人身份证号：", 121.0)):
        page.fill_in(LEFT, y, *parts)
        y += LINE

    y += 4
    page.fill_in(LEFT, y, "委托事项：低压非居民企业新装")
    page.set_xy(LEFT, y + LINE - 2)
    page.multi_cell(w=WIDTH, h=8, text="　　" + MATTER, wrapmode="CHAR")
    y = page.get_y() + 6

    page.fill_in(LEFT, y, "委托期限：自", *DATE_BLANKS, "  至", *DATE_BLANKS, "止")
    y += LINE * 2

    page.fill_in(LEFT, y, "委托人（单位盖章）：", 40.0)
    page.fill_in(LEFT + 90, y, "受托人（签字）：", 40.0)
    y += LINE * 2
    page.fill_in(LEFT, y, "法定代表人（签字）：", 40.0)
    y += LINE * 2
    page.fill_in(LEFT, y, "日期：", *DATE_BLANKS)
    page.fill_in(LEFT + 90, y, "日期：", *DATE_BLANKS)

    page.set_font(FONT, size=9)
    page.set_xy(LEFT, 250)
    page.multi_cell(w=WIDTH, h=6, text="\n".join(NOTES), wrapmode="CHAR")
    return bytes(page.output())
