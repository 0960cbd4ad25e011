"""Masking of personal data in replies, and its redaction from logs.

Patterns use digit look-arounds rather than ``\\b``: Chinese characters are word
characters to ``re``, so ``\\b`` never fires between "手机" and "138...". Text is matched
after folding full-width and other compatibility characters (NFKC, one character for one),
so "１３８０００００００１" is found like "13800000001".
"""

from __future__ import annotations

import logging
import re
import unicodedata
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


_ID_NUMBER = re.compile(r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]")
_MOBILE = re.compile(r"(?:86)?1[3-9][0-9]{9}")
ACCOUNT_DIGITS = range(8, 31)  # bank accounts: 8-30 digits (cards 16-19; enterprise accounts vary)

# A number as people write it: 3 digits or more, optionally followed by groups of 3 or more
# after a space or hyphen ("138 0000 0001", "330106 19900101 123X"), an optional "+" in front and an ID
# number's final X. Never part of a longer number, a decimal ("128.58") or a masked value
# ("138****0001", "尾号1234": redacting twice changes nothing). Dates keep their short
# groups ("2026-11-23") and so are not one number.
_NUMBER = (
    r"(?<![0-9+*])(?<![0-9]\.)(?<!尾号)(?P<number>\+?(?:[0-9]{3,}|86)(?:[ \-][0-9]{3,})*(?:(?:[ \-][0-9]{1,3})?[Xx])?)"
    r"(?![0-9*]|\.[0-9])"
)
# A 户号 named as one (“户号3301000001”, “户号：3301000001”) stays readable: see redact().
_ACCOUNT_NO = r"(?P<account_no>户号(?:[:\s]|是|为){0,3}[0-9]{10}(?:[0-9]{3})?)(?![0-9])"
_SENSITIVE = re.compile(rf"{_ACCOUNT_NO}|{_NUMBER}")


class _Normalised(dict[int, str]):
    """``str.translate`` table, filled on demand: each character's NFKC form when that is one
    character (full-width "１３８" -> "138", "Ｘ" -> "X", the ideographic space -> " "), and any
    decimal digit as its ASCII digit. One character for one keeps match positions valid in
    the original text, so only the masked parts change (full-width punctuation stays)."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            normal = str(digit)
        else:
            folded = unicodedata.normalize("NFKC", char)
            normal = folded if len(folded) == 1 else char
        self[codepoint] = normal
        return normal


_NORMALISED = _Normalised()


def normalise_for_matching(text: str) -> str:
    """``text`` with full-width and other compatibility characters folded, same length."""
    return text if text.isascii() else text.translate(_NORMALISED)


def _mask_number(number: str, preceded_by_letter: bool) -> str | None:
    """The masked form of one written number, or None when it is not personal data."""
    compact = re.sub(r"[ \-+]", "", number).upper()
    if _ID_NUMBER.fullmatch(compact):
        return mask_id_number(compact)
    if compact.endswith("X"):  # not an ID number: mask the digits before the letter, keep it
        masked = _mask_number(number.rstrip("Xx").rstrip(" -"), preceded_by_letter)
        return None if masked is None else masked + number[len(number.rstrip("Xx").rstrip(" -")):]
    if _MOBILE.fullmatch(compact):
        return mask_phone(compact)
    if len(compact) == 6:
        return mask_code(compact)
    # Our own references (GD… work orders, PR… receipts) start with letters; a bank account does not.
    if len(compact) in ACCOUNT_DIGITS and not preceded_by_letter:
        return mask_bank_card(compact)
    return None


_GROUP_SEPARATOR = re.compile(r"([ \-])(?=[0-9])")


def _mask_written(number: str, preceded_by_letter: bool) -> str | None:
    """Mask a written number; several numbers separated by single spaces ("13800000001
    33010619900101123X") are masked one by one when one of them is an ID number, a mobile
    number or a card by itself, else as one number (a grouped card or account)."""
    compact = re.sub(r"[ \-+]", "", number).upper()
    parts = _GROUP_SEPARATOR.split(number)  # group, separator, group, ...
    groups = parts[::2]
    if len(groups) > 1 and not (_ID_NUMBER.fullmatch(compact) or _MOBILE.fullmatch(compact)) and any(
        _ID_NUMBER.fullmatch(g.upper()) or _MOBILE.fullmatch(g.lstrip("+")) or 16 <= len(g) <= 19 for g in groups
    ):
        masked = [
            part if i % 2 else (_mask_number(part, preceded_by_letter and i == 0) or part)
            for i, part in enumerate(parts)
        ]
        return "".join(masked)
    return _mask_number(number, preceded_by_letter)


def redact(text: str) -> str:
    """Mask mobile numbers, resident ID numbers (also with spaces), bank cards and accounts
    (8-30 digits), and 6-digit codes in ``text``, also when typed with full-width digits.

    Left readable: amounts ("128.58"), dates ("2026年11月23日", "2026-11-23"), numbers of up to
    7 digits other than codes, letter-prefixed references (GD…, PR…) and a 户号 named as one
    ("户号3301000001"): it identifies an electricity account, not a person, and what it
    leads to is only shown masked and only to users who bound it. A bare 8-30-digit number
    could be a bank account and is masked even when it is a 户号 typed alone.
    """
    normal = normalise_for_matching(text)
    pieces: list[str] = []
    last = 0
    for match in _SENSITIVE.finditer(normal):
        number = match.group("number")
        if number is None:
            continue
        start = match.start()
        before = normal[start - 1] if start else ""
        masked = _mask_written(number, before.isascii() and before.isalpha())
        if masked is not None:
            pieces += [text[last:start], masked]
            last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


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
