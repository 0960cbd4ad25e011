"""统一社会信用代码 and VAT invoice details: what each invoice type needs, normalising, masking."""
from __future__ import annotations

import pytest
from stdnum.cn import uscc

from bot.applications.enterprise import (
    InvoiceInfo,
    InvoiceProblem,
    InvoiceProblemReason,
    InvoiceType,
    UsccRejected,
    UsccRejection,
    check_invoice_field,
    mask_business_phone,
    normalize_business_phone,
    parse_invoice_type,
    validate_invoice_info,
    validate_uscc,
)
from bot.billing.invoices import demo_seller_tax_id

COMPANY_CODE = "91330106MA2B3C4D5" + uscc.calc_check_digit("91330106MA2B3C4D5")
SPECIAL = {
    "company_name": "杭州西湖示范科技有限公司",
    "tax_number": COMPANY_CODE,
    "address": "浙江省杭州市西湖区文三路100号",
    "phone": "0571-87654321",
    "bank_name": "中国工商银行杭州西湖支行",
    "bank_account": "1202 0212 0900 1234 567",
}


# --- USCC ------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["330106", "110105", "650102"])
def test_the_demo_seller_ids_are_valid(region: str) -> None:
    code = demo_seller_tax_id(region)
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    "typed",
    [COMPANY_CODE, COMPANY_CODE.lower(), " 9133 0106 MA2B 3C4D 5" + COMPANY_CODE[-1],
     "９１３３０１０６ＭＡ２Ｂ３Ｃ４Ｄ５" + COMPANY_CODE[-1], "91330106-MA2B3C4D5" + COMPANY_CODE[-1]],
)
def test_uscc_is_normalised(typed: str) -> None:
    assert validate_uscc(typed) == COMPANY_CODE


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", UsccRejection.LENGTH),
        ("91330106MA2B3C4D", UsccRejection.LENGTH),
        (COMPANY_CODE + "1", UsccRejection.LENGTH),
        ("91330106MA2B3C4D5@", UsccRejection.FORMAT),
        ("91330106MA2B3C4DI" + "0", UsccRejection.FORMAT),  # I is not in the alphabet
        (COMPANY_CODE[:-1] + ("0" if COMPANY_CODE[-1] != "0" else "1"), UsccRejection.CHECKSUM),
    ],
)
def test_uscc_rejections(typed: str, reason: UsccRejection) -> None:
    assert validate_uscc(typed) == UsccRejected(reason)


# --- phones ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("0571-87654321", "0571-87654321"),
        ("057187654321", "0571-87654321"),
        ("(0571) 8765 4321", "0571-87654321"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("020-87654321-123", "020-87654321-123"),
        ("0991-1234567", "0991-1234567"),
        ("0571-87654321转8", "0571-87654321-8"),
        ("+86 138 0000 0001", "13800000001"),
        ("０５７１－８７６５４３２１", "0571-87654321"),
    ],
)
def test_business_phones(typed: str, normal: str) -> None:
    assert normalize_business_phone(typed) == normal


@pytest.mark.parametrize("typed", ["", "87654321", "0571-123", "010-1234567", "12345678901", "0571-876543210"])
def test_not_business_phones(typed: str) -> None:
    assert normalize_business_phone(typed) is None


def test_phone_masks() -> None:
    assert mask_business_phone("0571-87654321") == "0571-****4321"
    assert mask_business_phone("020-87654321-123") == "020-****4321-123"
    assert mask_business_phone("13800000001") == "138****0001"


# --- invoices --------------------------------------------------------------------


def test_an_ordinary_invoice_needs_only_name_and_tax_number() -> None:
    info = validate_invoice_info(
        "增值税普通发票", company_name=" 杭州西湖示范科技有限公司 ", tax_number=COMPANY_CODE.lower()
    )
    assert info == InvoiceInfo(InvoiceType.ORDINARY, "杭州西湖示范科技有限公司", COMPANY_CODE)
    assert info.masked() == {
        "invoice_type": "增值税普通发票", "company_name": "杭州西湖示范科技有限公司", "tax_number": COMPANY_CODE,
    }


def test_a_special_invoice_with_everything() -> None:
    info = validate_invoice_info(InvoiceType.SPECIAL, **SPECIAL)
    assert isinstance(info, InvoiceInfo)
    assert (info.phone, info.bank_account) == ("0571-87654321", "1202021209001234567")
    assert info.masked() == {
        "invoice_type": "增值税专用发票",
        "company_name": "杭州西湖示范科技有限公司",
        "tax_number": COMPANY_CODE,
        "address": "浙江省杭州市西湖区文三路100号",
        "phone_masked": "0571-****4321",
        "bank_name": "中国工商银行杭州西湖支行",
        "bank_account_masked": "尾号4567",
    }
    assert "1202021209001234567" not in repr(info) and "87654321" not in repr(info)


@pytest.mark.parametrize("missing", ["address", "phone", "bank_name", "bank_account"])
def test_a_special_invoice_needs_the_bank_and_address_details(missing: str) -> None:
    fields = {**SPECIAL, missing: "  "}
    assert validate_invoice_info(InvoiceType.SPECIAL, **fields) == InvoiceProblem(missing, InvoiceProblemReason.MISSING)
    ordinary = validate_invoice_info(InvoiceType.ORDINARY, **fields)
    assert isinstance(ordinary, InvoiceInfo) and getattr(ordinary, missing) is None


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("company_name", "", InvoiceProblemReason.MISSING),
        ("company_name", "12345", InvoiceProblemReason.BAD_COMPANY_NAME),
        ("company_name", "公" * 101, InvoiceProblemReason.BAD_COMPANY_NAME),
        ("tax_number", "", InvoiceProblemReason.MISSING),
        ("address", "杭州文三路", InvoiceProblemReason.ADDRESS_TOO_VAGUE),  # too short
        ("address", "我们公司在那边的大楼里面", InvoiceProblemReason.ADDRESS_TOO_VAGUE),  # no marker
        ("phone", "87654321", InvoiceProblemReason.BAD_PHONE),
        ("bank_name", "银行", InvoiceProblemReason.BAD_BANK_NAME),
        ("bank_name", "杭州信用社", InvoiceProblemReason.BAD_BANK_NAME),
        ("bank_account", "1234567", InvoiceProblemReason.BAD_BANK_ACCOUNT),
        ("bank_account", "1" * 31, InvoiceProblemReason.BAD_BANK_ACCOUNT),
        ("bank_account", "6222-0212-0900", InvoiceProblemReason.BAD_BANK_ACCOUNT),
        ("bank_account", "账号12345678", InvoiceProblemReason.BAD_BANK_ACCOUNT),
    ],
)
def test_invoice_problems(field: str, value: str, reason: InvoiceProblemReason) -> None:
    assert validate_invoice_info(InvoiceType.SPECIAL, **{**SPECIAL, field: value}) == InvoiceProblem(field, reason)


def test_a_bad_tax_number_says_why() -> None:
    problem = validate_invoice_info(InvoiceType.ORDINARY, company_name="某公司", tax_number="91330106MA2B3C4D")
    assert problem == InvoiceProblem("tax_number", InvoiceProblemReason.BAD_TAX_NUMBER, UsccRejection.LENGTH)


def test_optional_details_of_an_ordinary_invoice_are_checked_when_given() -> None:
    problem = validate_invoice_info(InvoiceType.ORDINARY, company_name="某公司", tax_number=COMPANY_CODE, phone="123")
    assert problem == InvoiceProblem("phone", InvoiceProblemReason.BAD_PHONE)


def test_an_unknown_invoice_type() -> None:
    assert validate_invoice_info("电子发票", company_name="某公司", tax_number=COMPANY_CODE) == InvoiceProblem(
        "invoice_type", InvoiceProblemReason.UNKNOWN_TYPE
    )


@pytest.mark.parametrize(
    "bank",
    ["招商银行", "杭州银行文三路支行", "中国银行北京分行营业部", "浙江杭州余杭农村商业银行",
     "中国建设银行股份有限公司杭州分行"],
)
def test_bank_names(bank: str) -> None:
    info = validate_invoice_info(InvoiceType.SPECIAL, **{**SPECIAL, "bank_name": bank})
    assert isinstance(info, InvoiceInfo) and info.bank_name == bank


def test_a_mobile_phone_on_the_invoice_is_masked() -> None:
    info = validate_invoice_info(InvoiceType.SPECIAL, **{**SPECIAL, "phone": "138-0000-0001"})
    assert isinstance(info, InvoiceInfo)
    assert info.phone == "13800000001" and info.masked()["phone_masked"] == "138****0001"


# --- the chat's one-question-at-a-time checks --------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("普票", InvoiceType.ORDINARY), ("普通发票", InvoiceType.ORDINARY), ("增值税普通发票", InvoiceType.ORDINARY),
        (" 增值税 普通发票。", InvoiceType.ORDINARY), ("专票", InvoiceType.SPECIAL), ("专用发票", InvoiceType.SPECIAL),
        ("增值税专用发票", InvoiceType.SPECIAL), ("增值税专票！", InvoiceType.SPECIAL),
        ("专 票", InvoiceType.SPECIAL), ("专票．", InvoiceType.SPECIAL),  # full-width full stop (NFKC)
    ],
)
def test_invoice_types_as_customers_name_them(typed: str, kind: InvoiceType) -> None:
    assert parse_invoice_type(typed) is kind


@pytest.mark.parametrize("typed", ["", "发票", "电子发票", "收据", "普通", "专票和普票", "不要专票"])
def test_not_an_invoice_type(typed: str) -> None:
    assert parse_invoice_type(typed) is None


@pytest.mark.parametrize(
    ("field", "typed", "value"),
    [
        ("address", " 浙江省杭州市西湖区 文三路100号 ", "浙江省杭州市西湖区 文三路100号"),
        ("phone", "（0571）8765 4321", "0571-87654321"),
        ("phone", "１３８０００００００１", "13800000001"),
        ("bank_name", "中国工商银行 杭州西湖支行", "中国工商银行杭州西湖支行"),
        ("bank_account", "1202 0212 0900 1234 567", "1202021209001234567"),
    ],
)
def test_one_invoice_detail_at_a_time(field: str, typed: str, value: str) -> None:
    assert check_invoice_field(field, typed) == value
    # what the chat accepted is accepted again on submission
    info = validate_invoice_info(InvoiceType.SPECIAL, **{**SPECIAL, field: typed})
    assert isinstance(info, InvoiceInfo) and getattr(info, field) == value


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        ("address", "  ", InvoiceProblemReason.MISSING),
        ("address", "杭州文三路", InvoiceProblemReason.ADDRESS_TOO_VAGUE),
        ("phone", "", InvoiceProblemReason.MISSING),
        ("phone", "87654321", InvoiceProblemReason.BAD_PHONE),
        ("bank_name", "杭州信用社", InvoiceProblemReason.BAD_BANK_NAME),
        ("bank_account", "\u3000", InvoiceProblemReason.MISSING),
        ("bank_account", "6222-0212-0900", InvoiceProblemReason.BAD_BANK_ACCOUNT),
    ],
)
def test_a_bad_invoice_detail_says_why(field: str, typed: str, reason: InvoiceProblemReason) -> None:
    assert check_invoice_field(field, typed) is reason


@pytest.mark.parametrize("field", ["company_name", "tax_number", "invoice_type", "Phone", ""])
def test_only_the_special_invoice_extras_are_checked_one_at_a_time(field: str) -> None:
    with pytest.raises(ValueError):
        check_invoice_field(field, "x")
