"""Mainland China mobile numbers as customers type them."""
from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-]+")
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})", re.ASCII)


def normalize_mobile(text: str) -> str | None:
    """The 11-digit mobile number in ``text``, or None if it is not one.

    Accepts an optional ``+86``/``86``/``0086`` prefix, spaces and dashes
    ("+86 138-0000-0001") and full-width characters (NFKC), which Chinese input
    methods often produce.
    """
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    match = _MOBILE.fullmatch(compact)
    return match.group(1) if match else None
