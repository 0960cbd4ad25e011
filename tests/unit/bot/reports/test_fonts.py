from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties, get_font

from bot.reports import fonts
from bot.reports.fonts import CjkFontMissing, cjk_font_family, cjk_font_path, cjk_font_properties

ROOT = Path(__file__).resolve().parents[4]
# Every Chinese character the chart and the PDFs draw themselves (names and addresses come from data).
FIXED_TEXT = (
    "用电量（度）户号近个月用电趋势第二三档起月均年"
    "电子发票增值税普通发票费缴凭证号码开票具日期购买方销售收款信息名称统一社会信用代码纳识别"
    "项目供计周单位数金额率征额合价大写小¥壹佰贰拾捌元伍角整⊗备注地址：；*%"
)


def test_the_font_file_is_installed() -> None:
    path = cjk_font_path()
    assert path.is_file()
    assert path.suffix in {".ttf", ".ttc", ".otf"}


def test_the_font_has_every_fixed_glyph() -> None:
    face = get_font(str(cjk_font_path()))
    missing = [char for char in FIXED_TEXT if face.get_char_index(ord(char)) == 0]
    assert missing == []


def test_the_environment_variable_overrides_the_known_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    font = tmp_path / "my-cjk.ttf"
    font.write_bytes(b"not really a font")
    monkeypatch.setenv("CJK_FONT_PATH", str(font))
    assert cjk_font_path() == font


def test_an_override_that_does_not_exist_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJK_FONT_PATH", str(tmp_path / "gone.ttf"))
    with pytest.raises(CjkFontMissing, match="gone.ttf"):
        cjk_font_path()


def test_no_font_names_the_debian_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CJK_FONT_PATH", raising=False)
    monkeypatch.setattr(fonts, "KNOWN_PATHS", (tmp_path / "a.ttc", tmp_path / "b.ttc"))
    with pytest.raises(CjkFontMissing, match="fonts-wqy-microhei") as raised:
        cjk_font_path()
    assert "CJK_FONT_PATH" in str(raised.value)


def test_font_properties_point_at_the_file() -> None:
    properties = cjk_font_properties(12)
    assert Path(properties.get_file()) == cjk_font_path()
    assert properties.get_size_in_points() == 12
    assert Path(font_manager.findfont(properties)) == cjk_font_path()


def test_the_family_name_resolves_to_the_same_file_once_registered() -> None:
    family = cjk_font_family()
    assert "DejaVu" not in family
    found = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    assert Path(found) == cjk_font_path()


def test_setup_installs_the_package_fonts_looks_for() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert fonts.DEBIAN_PACKAGE in setup
    assert str(fonts.KNOWN_PATHS[0]) in setup
