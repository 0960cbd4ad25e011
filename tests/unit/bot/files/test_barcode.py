"""Reading the 户号 from bill barcodes and QR codes, with images generated here."""
from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from bot.files.barcode import account_from_barcode_digits, decode_account_from_image
from tests.bill_photos import code_image, encoded, on_a_bill


@pytest.mark.parametrize(
    ("payload", "number"),
    [
        ("3301000001", "3301000001"),
        ("3303301000001", "3301000001"),  # province prefix
        ("3301000001202610", "3301000001"),  # followed by the billing month
        ("33010000012026101285", "3301000001"),  # ...and the amount in fen
        ("户号：3301000005 金额：128.50元", "3301000005"),
        ("户号: 330 3301000005", "3301000005"),
        ("https://example.invalid/bind?consNo=1101000002&t=1700000000", "1101000002"),
        ("客户编号 1101-0000-01", "1101000001"),
        ("NO.6501000001", "6501000001"),
        ("ＮＯ．６５０１０００００１", "6501000001"),
        ("12345", None),
        ("hello", None),
        ("", None),
    ],
)
def test_account_number_from_a_payload(payload: str, number: str | None) -> None:
    assert account_from_barcode_digits(payload) == number


@pytest.mark.parametrize(
    ("payload", "code_format"),
    [
        ("3301000001202610", zxingcpp.BarcodeFormat.Code128),
        ("3303301000001", zxingcpp.BarcodeFormat.Code128),
        ("户号:3301000001;户名:张*", zxingcpp.BarcodeFormat.QRCode),
        ("https://example.invalid/bind?consNo=3301000001", zxingcpp.BarcodeFormat.QRCode),
    ],
)
def test_codes_on_a_bill_photo_are_read(payload: str, code_format: zxingcpp.BarcodeFormat) -> None:
    assert decode_account_from_image(encoded(on_a_bill(code_image(payload, code_format)))) == "3301000001"


def test_a_sideways_jpeg_is_read() -> None:
    photo = on_a_bill(code_image("3301000005", zxingcpp.BarcodeFormat.Code128), rotate=90)
    assert decode_account_from_image(encoded(photo.convert("RGB"), "JPEG", quality=90)) == "3301000005"


def test_a_code_without_an_account_number_gives_none() -> None:
    assert decode_account_from_image(encoded(on_a_bill(code_image("hello", zxingcpp.BarcodeFormat.QRCode)))) is None


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image", encoded(Image.new("L", (300, 200), 255)), encoded(Image.new("RGB", (64, 64)), "GIF")],
)
def test_no_code_or_no_image_gives_none(data: bytes) -> None:
    assert decode_account_from_image(data) is None


def test_a_truncated_image_gives_none() -> None:
    data = encoded(on_a_bill(code_image("3301000001", zxingcpp.BarcodeFormat.Code128)))
    assert decode_account_from_image(data[: len(data) // 3]) is None
