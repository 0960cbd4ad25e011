"""Pictures of bill barcodes and QR codes, generated with zxing-cpp, for unit and e2e tests."""
from __future__ import annotations

import io

import zxingcpp
from PIL import Image


def code_image(content: str, code_format: zxingcpp.BarcodeFormat, *, scale: int = 3) -> Image.Image:
    picture = zxingcpp.create_barcode(content, code_format).to_image(scale=scale)
    view = memoryview(picture)
    height, width = view.shape[:2]
    return Image.frombytes("L", (width, height), bytes(view))


def encoded(image: Image.Image, image_format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def on_a_bill(code: Image.Image, *, rotate: int = 0) -> Image.Image:
    """The code pasted on a larger white page, as in a photo of a bill, optionally turned."""
    page = Image.new("L", (code.width * 2 + 200, code.height * 3 + 200), 255)
    page.paste(code, (150, 120))
    return page.rotate(rotate, expand=True, fillcolor=255) if rotate else page


def bill_photo(payload: str, image_format: str = "PNG") -> bytes:
    """A photo of a bill whose QR code carries ``payload``."""
    return encoded(on_a_bill(code_image(payload, zxingcpp.BarcodeFormat.QRCode)), image_format)
