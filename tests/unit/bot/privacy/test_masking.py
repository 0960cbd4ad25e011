from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.privacy.masking import (
    RedactingLogFilter,
    install_log_redaction,
    mask_bank_card,
    mask_code,
    mask_id_number,
    mask_name,
    mask_phone,
    redact,
    uninstall_log_redaction,
)

PHONE = "13800000001"
ID_NUMBER = "33010619900101123X"
CARD = "6225880112341234"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [(PHONE, "138****0001"), ("+86 138 0000 0001", "138****0001"), ("15912345678", "159****5678")],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_id_number() -> None:
    assert mask_id_number(ID_NUMBER) == "3301**********123X"
    assert mask_id_number("33010619900101123x") == "3301**********123X"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张伟", "张*"),
        ("王小明", "王*明"),
        ("欧阳娜娜", "欧**娜"),
        ("北京星火科技有限公司", "北京****有限公司"),
        ("国网浙江省电力有限公司", "国网*****有限公司"),
        ("杭州某某店", "杭州**店"),  # 5 characters: at least 2 stay hidden
        ("买买提·艾力", "买**·*力"),
        ("张", "*"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_bank_card_and_code() -> None:
    assert mask_bank_card(CARD) == "尾号1234"
    assert mask_bank_card("6225 8801 1234 5678") == "尾号5678"
    assert mask_code("123456") == "******"
    assert mask_code("1234") == "******"  # length not revealed


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (f"我的手机号是{PHONE}谢谢", "我的手机号是138****0001谢谢"),
        (f"身份证{ID_NUMBER}，", "身份证3301**********123X，"),
        (f"卡号{CARD}", "卡号尾号1234"),
        ("卡号6225 8801 1234 1234 567", "卡号尾号4567"),
        ("验证码是123456。", "验证码是******。"),
        ("手机+8613800000001", "手机138****0001"),
        ("电话138-0000-0001", "电话138****0001"),
        (f"{PHONE},{ID_NUMBER} code 654321", "138****0001,3301**********123X code ******"),
    ],
)
def test_redact_finds_data_inside_chinese_text(text: str, redacted: str) -> None:
    assert redact(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "户号3301234567欠费128.58元",  # 10-digit account number and an amount
        "金额123456.78元",  # six digits before a decimal point are an amount, not a code
        "12345 和 1234567",  # 5 and 7 digits
        "户号：3301000001，户号是3301000002",  # a 户号 named as one (a 13-digit one too)
        "户号 3303301000001已绑定",
        "2026年11月23日 2026-11-23 2026/11/23 10:30:15",  # dates and times
        "应缴¥128.58，预存 5000.00 元，共5005度",  # amounts and kWh
        "工单GD20261123001，凭证号PR2026112300000001",  # our letter-prefixed references
        "0.123456",  # a decimal's fraction is not a code
    ],
)
def test_redact_leaves_other_numbers(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        # Full-width digits, letters and spaces (Chinese input methods type them).
        ("我的手机是１３８０００００００１", "我的手机是138****0001"),
        ("身份证３３０１０６１９９００１０１１２３Ｘ，谢谢", "身份证3301**********123X，谢谢"),
        ("验证码：１２３４５６", "验证码：******"),
        ("卡号６２２５　８８０１　１２３４　１２３４", "卡号尾号1234"),
        # ID numbers written in groups.
        ("330106 19900101 123X", "3301**********123X"),
        ("3301-0619-9001-0112-3X", "3301**********123X"),
        ("3301 0619 9001 0112 3x", "3301**********123X"),
        # Bank accounts of 8 to 30 digits, grouped or not (the 专票's 银行账号).
        ("12345678", "尾号5678"),
        ("1234 5678 9012", "尾号9012"),
        ("对公账号：330100000012345678901234567890", "对公账号：尾号7890"),
        ("1380000000123", "尾号0123"),  # 13 digits: not a phone, but it could be an account
        ("12800000001", "尾号0001"),  # 11 digits without a mobile prefix: the same
        ("3301000001", "尾号0001"),  # a 户号 typed alone cannot be told from an account
        # A code or number followed by a letter.
        ("验证码123456a", "验证码******a"),
        ("123456X", "******X"),
        ("123456x再见", "******x再见"),
        ("13800000001abc", "138****0001abc"),
        # Several numbers separated by spaces are masked one by one.
        ("13800000001 33010619900101123X 6225880112341234 123456",
         "138****0001 3301**********123X 尾号1234 ******"),
    ],
)
def test_redact_closes_the_gaps(text: str, redacted: str) -> None:
    assert redact(text) == redacted
    assert redact(redacted) == redacted


def test_redact_changes_only_what_it_masks() -> None:
    text = "（户号３３０１０００００１）手机：１３８０００００００１！"
    assert redact(text) == "（户号３３０１０００００１）手机：138****0001！"


def test_the_log_filter_closes_the_gaps_too(isolated_logger: tuple[logging.Logger, ListHandler]) -> None:
    logger, handler = isolated_logger
    handler.addFilter(RedactingLogFilter())
    logger.info("user typed %s and %s", "１３８０００００００１", "330106 19900101 123X")
    assert handler.lines == ["user typed 138****0001 and 3301**********123X"]


def test_redact_is_idempotent() -> None:
    once = redact(f"{PHONE} {ID_NUMBER} {CARD} 123456")
    assert redact(once) == once


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def isolated_logger() -> Iterator[tuple[logging.Logger, ListHandler]]:
    logger = logging.getLogger("tests.privacy.isolated")
    handler = ListHandler()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, handler
    logger.removeHandler(handler)
    logger.propagate = True


def test_handler_filter_redacts_message_and_args(isolated_logger: tuple[logging.Logger, ListHandler]) -> None:
    logger, handler = isolated_logger
    handler.addFilter(RedactingLogFilter())
    logger.info("bind phone=%s id=%s", PHONE, ID_NUMBER)
    logger.info(f"inline {PHONE}")
    logger.info("split %s%s", "138", "00000001")  # only the formatted message reveals it
    assert handler.lines == [
        "bind phone=138****0001 id=3301**********123X",
        "inline 138****0001",
        "split 138****0001",
    ]


def test_handler_filter_redacts_exception_text(isolated_logger: tuple[logging.Logger, ListHandler]) -> None:
    logger, handler = isolated_logger
    handler.addFilter(RedactingLogFilter())
    try:
        raise ValueError(f"no customer with id {ID_NUMBER}")
    except ValueError:
        logger.exception("lookup failed")
    assert ID_NUMBER not in handler.lines[0]
    assert "3301**********123X" in handler.lines[0]


@pytest.fixture
def redaction() -> Iterator[None]:
    # Start clean: importing ``actions`` or ``bot.rasa_ext`` elsewhere installs redaction.
    uninstall_log_redaction()
    factory = logging.getLogRecordFactory()
    install_log_redaction()
    yield
    uninstall_log_redaction()
    assert logging.getLogRecordFactory() is factory


def test_installed_redaction_reaches_caplog_from_child_loggers(
    redaction: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("bot.some.deep.module").info("customer %s, id %s", PHONE, ID_NUMBER)
    assert PHONE not in caplog.text
    assert ID_NUMBER not in caplog.text
    assert "138****0001" in caplog.text
    assert "3301**********123X" in caplog.text
    assert caplog.records[0].getMessage() == "customer 138****0001, id 3301**********123X"


def test_installed_redaction_covers_handlers_added_later(
    redaction: None, isolated_logger: tuple[logging.Logger, ListHandler]
) -> None:
    logger, handler = isolated_logger  # attached after install, not on the root logger
    logger.warning("sms code %s sent to %s", "482915", PHONE)
    assert handler.lines == ["sms code ****** sent to 138****0001"]


def test_install_filters_existing_root_handlers_and_is_idempotent() -> None:
    root = logging.getLogger()
    handler = ListHandler()
    root.addHandler(handler)
    factory = logging.getLogRecordFactory()
    try:
        install_log_redaction()
        install_log_redaction()
        wrapped = logging.getLogRecordFactory()
        assert wrapped.wrapped is factory  # type: ignore[attr-defined]
        assert sum(isinstance(f, RedactingLogFilter) for f in handler.filters) == 1
        # a record built by hand bypasses the factory; the handler's filter still redacts it
        record = logging.makeLogRecord({"msg": "phone %s", "args": (PHONE,), "levelno": logging.ERROR})
        handler.handle(record)
        assert handler.lines == ["phone 138****0001"]
    finally:
        uninstall_log_redaction()
        root.removeHandler(handler)
    assert logging.getLogRecordFactory() is factory
    assert not any(isinstance(f, RedactingLogFilter) for f in handler.filters)
