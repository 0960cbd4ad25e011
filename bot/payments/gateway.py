"""The payment gateway as the payment service sees it: the contract and its HTTP client.

Charges are idempotent by ``order_id``: sending the same order again never charges twice,
so after :class:`GatewayOutcomeUnknown` the caller asks :meth:`PaymentGateway.query`, and
if the gateway never got the order, :meth:`PaymentGateway.close` makes sure a late arrival
is refused. Amounts are integer fen. Instruments are opaque tokens, never card numbers.
Order ids are 1-64 ASCII letters, digits and ``_-.:`` (:data:`ORDER_ID_PATTERN`).

Wire format: JSON bodies (UTF-8, ``ensure_ascii=False``), each request signed with
``X-Signature: hex(hmac_sha256(secret, METHOD + "\\n" + path + "\\n" + body))``, and each
answer signed by the gateway (:mod:`bot.payments.response_auth`). An answer that is unsigned,
badly signed, stale or replayed is never believed: the outcome is unknown
(:class:`GatewayOutcomeUnknown`), so a payment stays pending until a genuine answer to a
query by order id settles it.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import aiohttp
from yarl import URL

from bot.clock import Clock, SystemClock
from bot.db.enums import StrEnum
from bot.db.session import SessionFactory
from bot.payments.response_auth import MemoryNonceStore, NonceStore, check_response, nonce_store_from_settings
from bot.settings import Settings

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature"
ORDER_ID_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class ChargeStatus(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    NOT_FOUND = "not_found"  # the gateway never received the order
    CLOSED = "closed"  # never received, then closed: a late arrival is refused


class DeclineReason(StrEnum):
    INSUFFICIENT_FUNDS = "insufficient_funds"  # 余额不足
    CARD_FROZEN = "card_frozen"  # 卡片冻结
    UNKNOWN_INSTRUMENT = "unknown_instrument"


@dataclass(frozen=True)
class ChargeResult:
    order_id: str
    status: ChargeStatus
    reason: DeclineReason | None = None  # only for DECLINED
    transaction_id: str | None = None  # the bank's id of a SUCCEEDED charge

    def to_json(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "status": self.status.value,
            "reason": self.reason.value if self.reason else None,
            "transaction_id": self.transaction_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChargeResult:
        """Raises ValueError (or TypeError/KeyError) on anything that is not a result."""
        order_id, transaction_id = data["order_id"], data.get("transaction_id")
        if not isinstance(order_id, str) or not (transaction_id is None or isinstance(transaction_id, str)):
            raise ValueError("order_id and transaction_id must be strings")
        reason = data.get("reason")
        return cls(
            order_id=order_id,
            status=ChargeStatus(data["status"]),
            reason=DeclineReason(reason) if reason is not None else None,
            transaction_id=transaction_id,
        )


class GatewayOutcomeUnknown(Exception):
    """No answer in time, connection failed, or 5xx: the charge may or may not have happened."""


class GatewayError(Exception):
    """The gateway refused the request itself (bad signature, conflicting reuse of an order id):
    a bug, not a decline."""


class PaymentGateway(Protocol):
    async def charge(self, *, order_id: str, instrument: str, amount_fen: int, description: str) -> ChargeResult:
        """Charge ``amount_fen`` to ``instrument`` once per ``order_id`` (a retry returns the first result)."""

    async def query(self, order_id: str) -> ChargeResult:
        """The order's result; NOT_FOUND when the gateway never received it."""

    async def close(self, order_id: str) -> ChargeResult:
        """Close a never-received order so a late arrival is refused (-> CLOSED);
        for an existing order, its result unchanged."""

    async def balance(self, instrument: str) -> int:
        """The instrument's balance in fen."""


def encode_body(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str, method: str, path: str, body: bytes) -> str:
    """The request signature both sides compute; ``path`` is the raw (percent-encoded) path."""
    message = f"{method.upper()}\n{path}\n".encode() + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


class HttpPaymentGateway:
    """:class:`PaymentGateway` over HTTP.

    Each call opens its own short-lived ``aiohttp.ClientSession``: nothing is bound to an
    event loop, so one instance serves tests, ``asyncio.run`` in the CLI and the action server.
    """

    def __init__(
        self, base_url: str, secret: str, timeout_s: float, *, clock: Clock | None = None,
        nonces: NonceStore | None = None,
    ) -> None:
        """``nonces`` remembers the answers taken; replicas must share one (see
        :func:`gateway_from_settings`): the in-process default suits one-off clients only."""
        self._base_url = base_url.rstrip("/")
        self._secret = secret
        self._timeout_s = timeout_s
        self._clock = clock or SystemClock()
        self._nonces = nonces or MemoryNonceStore()

    @property
    def base_url(self) -> str:
        return self._base_url

    async def charge(self, *, order_id: str, instrument: str, amount_fen: int, description: str) -> ChargeResult:
        _check_order_id(order_id)
        if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
            raise ValueError(f"amount_fen must be a positive int, got {amount_fen!r}")
        payload = {"order_id": order_id, "instrument": instrument, "amount_fen": amount_fen, "description": description}
        status, body = await self._request("POST", "/v1/charges", payload)
        result = self._result(status, body, order_id, "charge")
        log.info("payment gateway: charge %s of %d fen -> %s %s", order_id, amount_fen, result.status,
                 result.reason or "")
        return result

    async def query(self, order_id: str) -> ChargeResult:
        _check_order_id(order_id)
        status, body = await self._request("GET", f"/v1/charges/{_segment(order_id)}")
        if status == 404:
            return ChargeResult(order_id, ChargeStatus.NOT_FOUND)
        return self._result(status, body, order_id, "query")

    async def close(self, order_id: str) -> ChargeResult:
        _check_order_id(order_id)
        status, body = await self._request("POST", f"/v1/charges/{_segment(order_id)}/close")
        result = self._result(status, body, order_id, "close")
        log.info("payment gateway: close %s -> %s", order_id, result.status)
        return result

    async def balance(self, instrument: str) -> int:
        status, body = await self._request("GET", f"/v1/instruments/{_segment(instrument)}")
        if status != 200:
            raise GatewayError(f"balance refused: HTTP {status} {_error_of(body)}")
        value = body.get("balance_fen") if isinstance(body, dict) else None
        if not isinstance(value, int) or isinstance(value, bool):
            raise GatewayOutcomeUnknown("balance: unreadable answer")
        return value

    async def _request(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> tuple[int, Any]:
        """(HTTP status, decoded JSON or None); transport failures and 5xx raise GatewayOutcomeUnknown."""
        body = b"" if payload is None else encode_body(payload)
        url = URL(self._base_url + path, encoded=True)
        headers = {SIGNATURE_HEADER: sign(self._secret, method, url.raw_path, body)}
        if payload is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        timeout = aiohttp.ClientTimeout(total=self._timeout_s)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, session.request(
                method, url, data=body or None, headers=headers
            ) as response:
                status, raw, answer_headers = response.status, await response.read(), dict(response.headers)
        except (asyncio.TimeoutError, aiohttp.ClientError) as error:
            log.warning("payment gateway: %s %s got no answer (%s)", method, path, type(error).__name__)
            raise GatewayOutcomeUnknown(f"{method} {path}: {type(error).__name__}") from error
        if status >= 500:
            log.warning("payment gateway: %s %s answered HTTP %d", method, path, status)
            raise GatewayOutcomeUnknown(f"{method} {path}: HTTP {status}")
        rejection = await asyncio.to_thread(
            check_response, self._secret, answer_headers, status=status, method=method, path=url.raw_path,
            body=raw, now=self._clock.now(), nonces=self._nonces,
        )
        if rejection is not None:
            log.warning("payment gateway: %s %s answer not taken (%s)", method, path, rejection.value)
            raise GatewayOutcomeUnknown(f"{method} {path}: answer not authentic ({rejection.value})")
        try:
            return status, json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            return status, None

    def _result(self, status: int, body: Any, order_id: str, what: str) -> ChargeResult:
        if status != 200:
            raise GatewayError(f"{what} {order_id} refused: HTTP {status} {_error_of(body)}")
        try:
            result = ChargeResult.from_json(body)
        except (ValueError, TypeError, KeyError) as error:
            # The request may have been carried out: only a query can tell.
            raise GatewayOutcomeUnknown(f"{what} {order_id}: unreadable answer") from error
        if result.order_id != order_id:
            raise GatewayError(f"{what} {order_id}: the answer is about order {result.order_id}")
        return result


def _check_order_id(order_id: str) -> None:
    if not isinstance(order_id, str) or not ORDER_ID_PATTERN.fullmatch(order_id):
        raise ValueError(f"order ids are 1-64 letters, digits and _-.: ; got {order_id!r}")


def _segment(value: str) -> str:
    """``value`` as one percent-encoded path segment."""
    return quote(value, safe="")


def _error_of(body: Any) -> str:
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def gateway_from_settings(settings: Settings, session_factory: SessionFactory, clock: Clock) -> PaymentGateway:
    """The gateway at PAYMENT_GATEWAY_URL (the demo one by default); the answers' nonces are
    remembered in Redis (REDIS_URL) or the business database, so every replica refuses a replay."""
    return HttpPaymentGateway(
        settings.payment_gateway_url, settings.payment_gateway_secret, settings.payment_gateway_timeout_s,
        clock=clock, nonces=nonce_store_from_settings(settings, session_factory),
    )
