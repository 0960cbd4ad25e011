"""WeChat's request signatures: the sha1 of the token, timestamp and nonce (and, in 安全模式,
the encrypted body) sorted and joined. Compared in constant time."""
from __future__ import annotations

import hashlib
import hmac


def signature_of(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signed(token: str, signature: str | None, *parts: str | None) -> bool:
    """Whether ``signature`` is WeChat's signature of ``token`` and ``parts`` (none missing)."""
    if not signature or any(part is None for part in parts):
        return False
    expected = signature_of(token, *(part for part in parts if part is not None))
    return hmac.compare_digest(expected, signature.lower())
