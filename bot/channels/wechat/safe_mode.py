"""安全模式 (``encrypt_type=aes``): the body's ``Encrypt`` field is checked against
``msg_signature``, decrypted and the answer encrypted, all with wechatpy's ``WeChatCrypto``.
The outer XML is parsed by :mod:`bot.channels.wechat.messages` (defusedxml) first, and only
the field is handed to wechatpy, whose own parser is not hardened."""
from __future__ import annotations

import secrets
import time

from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

from bot.channels.wechat.messages import BadXml, encrypted_part


class ForgedRequest(Exception):
    """The msg_signature does not match, or the message was encrypted for another 公众号."""


class SafeMode:
    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        try:
            self._crypto = WeChatCrypto(token, encoding_aes_key, app_id)
        except (AssertionError, ValueError) as error:  # binascii.Error is a ValueError
            raise ValueError("WECHAT_ENCODING_AES_KEY must be the 43-character EncodingAESKey") from error


    def decrypt(self, body: bytes, msg_signature: str | None, timestamp: str | None, nonce: str | None) -> str:
        """The plain XML of an encrypted request."""
        encrypted = encrypted_part(body)
        if not (msg_signature and timestamp and nonce):
            raise ForgedRequest("msg_signature, timestamp or nonce missing")
        try:
            return str(self._crypto.decrypt_message({"Encrypt": encrypted}, msg_signature, timestamp, nonce))
        except (InvalidSignatureException, InvalidAppIdException) as error:
            raise ForgedRequest(type(error).__name__) from error
        except Exception as error:  # noqa: BLE001 - signed but undecryptable (bad padding, base64…)
            raise BadXml(f"cannot decrypt: {type(error).__name__}") from error

    def encrypt(self, reply_xml: str) -> str:
        """The encrypted envelope answering a request, signed with a fresh nonce."""
        return str(self._crypto.encrypt_message(reply_xml, secrets.token_hex(8), str(int(time.time()))))
