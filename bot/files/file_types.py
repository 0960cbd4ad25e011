"""What a file is, judged by its bytes: a JPEG or PNG image Pillow can read, of bounded
dimensions, or a PDF that parses and has pages.

Image dimensions are read from the header (``Image.open`` decodes nothing) and capped
before anything else touches the pixels: a 63 KB PNG can declare 7000×7000 pixels and
cost 300 MB once decoded. ``Image.MAX_IMAGE_PIXELS`` is lowered to the same cap for the
whole process, so a later decode (the barcode reader) refuses such an image as well.
"""
from __future__ import annotations

import io
import logging
import warnings

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

log = logging.getLogger(__name__)

MAX_IMAGE_SIDE = 8000
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

PDF_SIGNATURE = b"%PDF-"
# The end-of-file marker must be in the last bytes (incremental updates append after it).
PDF_EOF_WINDOW = 2048
IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
PDF_TYPE = ("application/pdf", ".pdf")


class ImageTooLarge(Exception):
    """An image whose declared dimensions exceed the caps."""


def sniff_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an acceptable file, else None; raises
    :class:`ImageTooLarge` for an image above the caps."""
    if data[:1024].lstrip().startswith(PDF_SIGNATURE):
        return PDF_TYPE if is_readable_pdf(data) else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                check_dimensions(*image.size)
                kind = IMAGE_TYPES.get(image.format or "")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLarge(str(error)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return kind


def check_dimensions(width: int, height: int) -> None:
    if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise ImageTooLarge(f"{width}x{height}")


def is_readable_pdf(data: bytes) -> bool:
    """A real parse (pypdf): a cross-reference, an end-of-file marker and at least one page.
    A file that is ``%PDF-`` followed by anything else is not a document anyone can open."""
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        return False
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return False
        return len(reader.pages) > 0
    except Exception as error:  # noqa: BLE001 - any parser failure on untrusted bytes means "not a PDF"
        log.info("PDF refused: %s", type(error).__name__)
        return False
