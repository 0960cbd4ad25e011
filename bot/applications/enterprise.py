"""Enterprise particulars: the 统一社会信用代码 (USCC) and the VAT invoice details (开票信息).

Both invoice types need the company name and its tax number, which for an enterprise
is its USCC. A 增值税专用发票 (special invoice, the buyer deducts the input tax) also
needs the registered address, a phone number, the bank and the account, as printed on
the invoice; for a 普通发票 these are optional but checked when given.

Input is forgiven the way customers type it: full-width characters (NFKC), spaces,
lower-case letters.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from bot.db.enums import StrEnum
from bot.identity.phones import normalize_mobile
from bot.privacy.masking import mask_bank_card, mask_phone

COMPANY_NAME_MAX_CHARS = 100
ADDRESS_MIN_CHARS = 8
ADDRESS_MAX_CHARS = 200
ADDRESS_MARKERS = "省市区县路街号"
BANK_NAME_MAX_CHARS = 60
BANK_ACCOUNT_DIGITS = (8, 30)
_SEPARATORS = re.compile(r"[\s\-]")
# 3-digit area codes (010 Beijing, 02x) take 8-digit numbers, 4-digit ones 7 or 8; an
# extension may follow after "-" or "转".
_LANDLINE = re.compile(r"(0(?:10|2\d))-?(\d{8})(?:(?:-|转)(\d{1,6}))?|(0[3-9]\d{2})-?(\d{7,8})(?:(?:-|转)(\d{1,6}))?")
_BANK_BRANCH = re.compile(r".+银行.*[支分]行(?:营业部)?")


# --- USCC ------------------------------------------------------------------------


class UsccRejection(str, enum.Enum):
    LENGTH = "LENGTH"  # not 18 characters
    FORMAT = "FORMAT"  # characters outside the code's alphabet (no I, O, Z, S, V)
    CHECKSUM = "CHECKSUM"  # the last character does not match


@dataclass(frozen=True)
class UsccRejected:
    reason: UsccRejection


def validate_uscc(text: str) -> str | UsccRejected:
    """The 18-character code in upper case, or why it is not one (python-stdnum ``cn.uscc``)."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    try:
        return str(uscc.validate(compact))
    except InvalidLength:
        return UsccRejected(UsccRejection.LENGTH)
    except InvalidChecksum:
        return UsccRejected(UsccRejection.CHECKSUM)
    except ValidationError:
        return UsccRejected(UsccRejection.FORMAT)


# --- phones ----------------------------------------------------------------------


def normalize_business_phone(text: str) -> str | None:
    """A mainland mobile (11 digits) or a landline with its area code ("0571-87654321",
    extension as "-12"); None for anything else."""
    mobile = normalize_mobile(text or "")
    if mobile is not None:
        return mobile
    compact = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text or ""))
    match = _LANDLINE.fullmatch(compact)
    if match is None:
        return None
    area, number, extension = match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)
    return f"{area}-{number}" + (f"-{extension}" if extension else "")


def mask_business_phone(phone: str) -> str:
    """A mobile as ``138****0001``; a landline keeps its area code and last 4 digits."""
    if "-" not in phone:
        return mask_phone(phone)
    area, number, *extension = phone.split("-")
    return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}" + "".join(f"-{e}" for e in extension)


# --- invoices --------------------------------------------------------------------


class InvoiceType(StrEnum):
    ORDINARY = "增值税普通发票"
    SPECIAL = "增值税专用发票"


class InvoiceProblemReason(str, enum.Enum):
    MISSING = "MISSING"  # a required field is empty
    UNKNOWN_TYPE = "UNKNOWN_TYPE"  # not an InvoiceType value
    BAD_COMPANY_NAME = "BAD_COMPANY_NAME"  # no letters or Chinese characters, or too long
    BAD_TAX_NUMBER = "BAD_TAX_NUMBER"  # not a valid USCC (detail: UsccRejection)
    ADDRESS_TOO_VAGUE = "ADDRESS_TOO_VAGUE"  # under 8 characters, or no 省/市/区/县/路/街/号
    BAD_PHONE = "BAD_PHONE"  # neither a mobile nor a landline with area code
    BAD_BANK_NAME = "BAD_BANK_NAME"  # not "…银行" nor "…银行…支行/分行"
    BAD_BANK_ACCOUNT = "BAD_BANK_ACCOUNT"  # not 8-30 digits


@dataclass(frozen=True)
class InvoiceProblem:
    field: str  # the parameter of validate_invoice_info at fault
    reason: InvoiceProblemReason
    detail: UsccRejection | None = None


@dataclass(frozen=True)
class InvoiceInfo:
    """Checked and normalised invoice details. The phone and bank account stay out of
    ``repr``; :meth:`masked` is what summaries and work orders show."""

    invoice_type: InvoiceType
    company_name: str
    tax_number: str
    address: str | None = None
    phone: str | None = field(default=None, repr=False)
    bank_name: str | None = None
    bank_account: str | None = field(default=None, repr=False)

    def masked(self) -> dict[str, str]:
        """The details with the phone and bank account masked (account: last 4 digits)."""
        shown = {
            "invoice_type": self.invoice_type.value,
            "company_name": self.company_name,
            "tax_number": self.tax_number,
            "address": self.address,
            "phone_masked": mask_business_phone(self.phone) if self.phone else None,
            "bank_name": self.bank_name,
            "bank_account_masked": mask_bank_card(self.bank_account) if self.bank_account else None,
        }
        return {key: value for key, value in shown.items() if value is not None}


def validate_invoice_info(
    invoice_type: InvoiceType | str,
    *,
    company_name: str,
    tax_number: str,
    address: str | None = None,
    phone: str | None = None,
    bank_name: str | None = None,
    bank_account: str | None = None,
) -> InvoiceInfo | InvoiceProblem:
    """The normalised details, or the first problem in parameter order."""
    try:
        kind = InvoiceType(invoice_type)
    except ValueError:
        return InvoiceProblem("invoice_type", InvoiceProblemReason.UNKNOWN_TYPE)
    name = _text(company_name)
    if not name:
        return InvoiceProblem("company_name", InvoiceProblemReason.MISSING)
    if len(name) > COMPANY_NAME_MAX_CHARS or not any(ch.isalpha() for ch in name):
        return InvoiceProblem("company_name", InvoiceProblemReason.BAD_COMPANY_NAME)
    if not _text(tax_number):
        return InvoiceProblem("tax_number", InvoiceProblemReason.MISSING)
    code = validate_uscc(tax_number)
    if isinstance(code, UsccRejected):
        return InvoiceProblem("tax_number", InvoiceProblemReason.BAD_TAX_NUMBER, code.reason)

    required = kind is InvoiceType.SPECIAL
    given = {"address": address, "phone": phone, "bank_name": bank_name, "bank_account": bank_account}
    values: dict[str, str | None] = {}
    for name_of in INVOICE_FIELDS:
        checked = check_invoice_field(name_of, given[name_of] or "")
        if checked is InvoiceProblemReason.MISSING and not required:
            values[name_of] = None
        elif isinstance(checked, InvoiceProblemReason):
            return InvoiceProblem(name_of, checked)
        else:
            values[name_of] = checked
    return InvoiceInfo(kind, name, code, **values)


INVOICE_FIELDS = ("address", "phone", "bank_name", "bank_account")  # required on a 专用发票 only
_INVOICE_TYPE_WORDS = {
    InvoiceType.ORDINARY: ("普票", "普通发票", "增值税普票", "增值税普通发票"),
    InvoiceType.SPECIAL: ("专票", "专用发票", "增值税专票", "增值税专用发票"),
}
_TYPE_BY_WORD = {word: kind for kind, words in _INVOICE_TYPE_WORDS.items() for word in words}
_EDGE_PUNCTUATION = "。.,，!！、；;~"


def parse_invoice_type(text: str) -> InvoiceType | None:
    """The invoice type a customer names (普票 / 专用发票 / 增值税专用发票 ...), or None."""
    compact = "".join(unicodedata.normalize("NFKC", text or "").split()).strip(_EDGE_PUNCTUATION)
    return _TYPE_BY_WORD.get(compact)


def check_invoice_field(field: str, text: str) -> str | InvoiceProblemReason:
    """One of the 专用发票 extras (:data:`INVOICE_FIELDS`) checked as the chat asks for it:
    the normalised value, or why not (MISSING when empty). The same checks as
    :func:`validate_invoice_info`, so a value accepted here is accepted on submission."""
    check = _FIELD_CHECKS.get(field)
    if check is None:
        raise ValueError(f"not an invoice detail: {field!r}")
    value = _text(text)
    return check(value) if value else InvoiceProblemReason.MISSING


def _text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def _address(text: str) -> str | InvoiceProblemReason:
    compact = text.replace(" ", "")
    if len(compact) < ADDRESS_MIN_CHARS or len(compact) > ADDRESS_MAX_CHARS:
        return InvoiceProblemReason.ADDRESS_TOO_VAGUE
    if not any(marker in compact for marker in ADDRESS_MARKERS):
        return InvoiceProblemReason.ADDRESS_TOO_VAGUE
    return text


def _phone(text: str) -> str | InvoiceProblemReason:
    return normalize_business_phone(text) or InvoiceProblemReason.BAD_PHONE


def _bank_name(text: str) -> str | InvoiceProblemReason:
    name = text.replace(" ", "")
    well_formed = (len(name) > 2 and name.endswith("银行")) or _BANK_BRANCH.fullmatch(name) is not None
    if not well_formed or len(name) > BANK_NAME_MAX_CHARS:
        return InvoiceProblemReason.BAD_BANK_NAME
    return name


def _bank_account(text: str) -> str | InvoiceProblemReason:
    digits = text.replace(" ", "")
    low, high = BANK_ACCOUNT_DIGITS
    if not digits.isascii() or not digits.isdigit() or not low <= len(digits) <= high:
        return InvoiceProblemReason.BAD_BANK_ACCOUNT
    return digits


_FIELD_CHECKS: dict[str, Callable[[str], str | InvoiceProblemReason]] = {
    "address": _address, "phone": _phone, "bank_name": _bank_name, "bank_account": _bank_account,
}
