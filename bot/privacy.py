"""Masking of personal data in replies, and its redaction from logs.

Patterns use digit look-arounds rather than ``\\b``: Chinese characters are word
characters to ``re``, so ``\\b`` never fires between "手机" and "138...".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

_COUNTRY_PREFIX = re.compile(r"^(?:\+?86)(?=1\d{10}$)")
_MIDDLE_DOTS = "·•・"


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _keep_ends(value: str, head: int, tail: int) -> str:
    """Keep ``head`` and ``tail`` characters, one ``*`` per hidden character; all
    stars when there would be nothing left to hide."""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_phone(phone: str) -> str:
    """``"13800000001"`` (also ``+86`` prefixed or with spaces) -> ``"138****0001"``."""
    digits = _COUNTRY_PREFIX.sub("", _digits(phone))
    return _keep_ends(digits, 3, 4)


def mask_id_number(id_number: str) -> str:
    """``"33010619900101123X"`` -> ``"3301**********123X"``: first 4 and last 4 kept."""
    value = re.sub(r"\s", "", id_number).upper()
    return _keep_ends(value, 4, 4)


def mask_name(name: str) -> str:
    """Hide a customer name, person or enterprise.

    * 2 characters: surname only, "张伟" -> "张*";
    * 3-4 characters: first and last, "王小明" -> "王*明", "欧阳娜娜" -> "欧**娜";
    * transliterated names with a middle dot: first and last character and the dots,
      "买买提·艾力" -> "买**·*力";
    * 5 or more characters (enterprises, 户名 like "北京星火科技有限公司"): the first 2
      characters (usually the place) and up to the last 4 (usually the company form),
      always hiding at least 2: "北京****有限公司", "杭州某某店" -> "杭州**店".
    """
    name = name.strip()
    if any(dot in name for dot in _MIDDLE_DOTS):
        return "".join(ch if i in (0, len(name) - 1) or ch in _MIDDLE_DOTS else "*" for i, ch in enumerate(name))
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    if len(name) <= 4:
        return _keep_ends(name, 1, 1)
    return _keep_ends(name, 2, min(4, len(name) - 4))


def mask_bank_card(card_number: str) -> str:
    """``"6225880112341234"`` -> ``"尾号1234"``."""
    return "尾号" + _digits(card_number)[-4:]


def mask_code(code: str = "") -> str:
    """Verification codes are hidden entirely; the length is not revealed either."""
    return "******"


_ID_NUMBER = r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
_BANK_CARD = r"\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?"
_PHONE = r"(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}"
_CODE = r"(?<!\d\.)\d{6}(?!\.\d)"

# One alternation, most specific first, so an 18-digit ID is never taken for a card,
# nor a card's first 11 digits for a phone. Every alternative starts and ends at a
# digit-run boundary.
_SENSITIVE = re.compile(
    rf"(?<![\d+])(?:(?P<id>{_ID_NUMBER})|(?P<card>{_BANK_CARD})|(?P<phone>{_PHONE})"
    rf"|(?P<code>{_CODE}))(?![\dXx])"
)
_MASKERS = {
    "id": mask_id_number,
    "card": mask_bank_card,
    "phone": mask_phone,
    "code": mask_code,
}


def _mask_match(match: re.Match[str]) -> str:
    kind = match.lastgroup
    assert kind is not None
    return _MASKERS[kind](match.group(kind))


def redact(text: str) -> str:
    """Mask mobile numbers, resident ID numbers, bank cards and 6-digit codes in ``text``."""
    return _SENSITIVE.sub(_mask_match, text)


_FACTORY_MARK = "_bot_redacting_factory"


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a record in place: the formatted message, exception text and stack.

    The message is formatted eagerly (msg % args) and args cleared, since personal data
    can sit in either. Redaction is idempotent, so this may run in several places on one
    record; no "already done" mark is kept, because ``logging.makeLogRecord`` fills a
    record in after the factory has made it.
    """
    try:
        message = record.getMessage()
    except Exception:  # a malformed format string must not lose the log line
        message = " ".join([str(record.msg), *map(str, _args_of(record))])
    record.msg = redact(message)
    record.args = ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def _args_of(record: logging.LogRecord) -> tuple[Any, ...]:
    args = record.args
    if isinstance(args, tuple):
        return args
    return () if args is None else (args,)


class RedactingLogFilter(logging.Filter):
    """A filter that never drops a record, only redacts it."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_FILTER = RedactingLogFilter()


def install_log_redaction() -> None:
    """Redact every log record of the process, whoever logs it and whoever handles it.

    A filter on the root logger alone would miss records from child loggers (logger
    filters are not consulted during propagation), and a filter on the root handlers
    misses handlers added later, e.g. by Rasa or Sanic. So the record factory itself is
    wrapped: every record is redacted as it is created. The filter is also put on the
    root logger and its current handlers, which covers records built by hand with
    ``logging.makeLogRecord``. Calling it again is harmless.
    """
    factory = logging.getLogRecordFactory()
    if not getattr(factory, _FACTORY_MARK, False):
        logging.setLogRecordFactory(_redacting_factory(factory))
    root = logging.getLogger()
    for target in (root, *root.handlers):
        if not any(isinstance(f, RedactingLogFilter) for f in target.filters):
            target.addFilter(_FILTER)


RecordFactory = Callable[..., logging.LogRecord]


def _redacting_factory(factory: RecordFactory) -> RecordFactory:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(factory(*args, **kwargs))

    setattr(make_record, _FACTORY_MARK, True)
    make_record.wrapped = factory  # type: ignore[attr-defined]
    return make_record


def uninstall_log_redaction() -> None:
    """Undo :func:`install_log_redaction` (for tests)."""
    factory = logging.getLogRecordFactory()
    while getattr(factory, _FACTORY_MARK, False):
        factory = factory.wrapped  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    root = logging.getLogger()
    for target in (root, *root.handlers):
        for existing in [f for f in target.filters if isinstance(f, RedactingLogFilter)]:
            target.removeFilter(existing)
