"""Long texts are split at a channel's limit, at line breaks first, and nothing is lost."""
from __future__ import annotations

import pytest

from bot.channels.capabilities import limits_of
from bot.channels.rendering.splitting import split_text


def test_a_text_within_the_limit_is_one_piece_and_no_text_is_none() -> None:
    assert split_text("您好，请问有什么可以帮您？", 13) == ["您好，请问有什么可以帮您？"]
    assert split_text("您好", None) == ["您好"]
    assert split_text("", 10) == []


def test_chinese_text_exactly_at_the_limit_stays_whole_and_one_more_character_splits() -> None:
    assert split_text("电" * 10, 10) == ["电" * 10]
    assert split_text("电" * 11, 10) == ["电" * 10, "电"]


def test_a_cut_prefers_the_last_line_break_that_fits() -> None:
    text = "户号：3301000001\n户名：张三\n本月电费：128.50元，请于月底前缴清"
    assert split_text(text, 24) == ["户号：3301000001\n户名：张三", "本月电费：128.50元，请于月底前缴清"]


def test_a_line_break_right_after_a_full_piece_is_the_cut() -> None:
    assert split_text("电" * 5 + "\n" + "费" * 3, 5) == ["电" * 5, "费" * 3]


def test_without_line_breaks_a_cut_goes_after_a_sentence_end() -> None:
    assert split_text("请先登录。然后绑定户号", 8) == ["请先登录。", "然后绑定户号"]


def test_a_single_over_long_line_is_cut_at_the_limit_and_nothing_is_lost() -> None:
    text = "国家电网" * 25
    pieces = split_text(text, 30)
    assert [len(piece) for piece in pieces] == [30, 30, 30, 10]
    assert "".join(pieces) == text


def test_wechat_pieces_fit_2048_bytes_of_utf8() -> None:
    wechat = limits_of("wechat")
    text = "电" * 700  # 2100 bytes
    pieces = split_text(text, wechat.max_text, wechat.measure)
    assert [len(piece.encode("utf-8")) for piece in pieces] == [2046, 54]
    assert "".join(pieces) == text


def test_telegram_counts_utf16_units_so_emoji_count_twice() -> None:
    telegram = limits_of("telegram")
    pieces = split_text("⚡" * 10 + "🔌" * 2048, telegram.max_text, telegram.measure)
    assert [telegram.measure(piece) for piece in pieces] == [4096, 10]
    assert len(pieces[0]) == 10 + 2043


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        split_text("电费", 0)
