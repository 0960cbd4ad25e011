"""Reading the 户号 from a photo of a bill's barcode or QR code (zxing-cpp).

Payloads vary: a bare 10-digit number, the 13-digit form with a province prefix, the
number followed by more digits (billing period, amount), a labelled text ("户号：…")
or a URL with a ``consNo=`` parameter. :func:`account_from_barcode_digits` reads them
in that order of confidence: a labelled value first, then a run of exactly 10 or 13
digits, and only then the leading 10 digits of a longer run.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from bot.accounts.binding import AccountNumberRejected, parse_account_number
from bot.db.models import ACCOUNT_NUMBER_LENGTH
from bot.db.session import SessionFactory
from bot.files.attachments import UploadProblem, read_upload

log = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 50_000_000  # a phone photo is ~12-50 MP; more is not a bill photo
LONG_FORM_LENGTH = 13
_LABELLED = re.compile(
    r"(?:户号|用户编号|客户编号|consno|cons_no|custno|cust_no|accountno|account_no)"
    r"\W{0,3}(\d[\d\s\-]*\d)",
    re.IGNORECASE,
)
_DIGIT_RUNS = re.compile(r"\d+")


def account_from_barcode_digits(text: str) -> str | None:
    """The 10-digit 户号 carried by a barcode payload, or None."""
    text = unicodedata.normalize("NFKC", text or "")
    for match in _LABELLED.finditer(text):
        number = parse_account_number(match.group(1))
        if not isinstance(number, AccountNumberRejected):
            return number
    runs = _DIGIT_RUNS.findall(text)
    for run in runs:
        if len(run) in (ACCOUNT_NUMBER_LENGTH, LONG_FORM_LENGTH):
            return _as_account(run)
    for run in runs:
        if len(run) > LONG_FORM_LENGTH:
            return run[:ACCOUNT_NUMBER_LENGTH]
    return None


def _as_account(run: str) -> str | None:
    number = parse_account_number(run)
    return None if isinstance(number, AccountNumberRejected) else number


def decode_account_from_image(data: bytes) -> str | None:
    """The 户号 in the first barcode or QR code of an image that carries one, or None
    (not an image, no code found, or no account number in it)."""
    image = _open_image(data)
    if image is None:
        return None
    try:
        codes = zxingcpp.read_barcodes(image)
    except (ValueError, RuntimeError) as error:
        log.info("barcode reader failed: %s", type(error).__name__)
        return None
    for code in codes:
        number = account_from_barcode_digits(code.text)
        if number is not None:
            return number
    log.info("image had %d code(s), none with an account number", len(codes))
    return None


def _open_image(data: bytes) -> Image.Image | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                return None
            upright = ImageOps.exif_transpose(opened)  # photos are often stored sideways
            return upright.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        return None


def account_from_upload(
    session_factory: SessionFactory, files_dir: Path, *, attachment_id: object, channel: str, sender_id: str
) -> str | UploadProblem | None:
    """The 户号 on a bill photo this chat uploaded; the upload's problem if it cannot be
    read; None when it is readable but carries no account barcode (or is a PDF)."""
    upload = read_upload(
        session_factory, files_dir, attachment_id=attachment_id, channel=channel, sender_id=sender_id
    )
    if isinstance(upload, UploadProblem):
        return upload
    return decode_account_from_image(upload.data) if upload.is_image else None
