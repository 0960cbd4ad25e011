"""Configuration from environment variables, with embedded single-machine defaults.

| variable | default | meaning |
| --- | --- | --- |
| DATABASE_URL | sqlite:///<project>/var/app.db | the business database |
| TRACKER_STORE_URL | sqlite:///<project>/var/tracker.db | Rasa's conversation tracker store |
| REDIS_URL | (unset: in-memory lock store) | Redis lock store, needed with several Rasa replicas |
| EVENT_BROKER_URL | (unset: no broker) | RabbitMQ (amqp://) event broker |
| RASA_HOST / RASA_PORT | 127.0.0.1 / 5005 | the Rasa server |
| ACTION_HOST / ACTION_PORT | 127.0.0.1 / 5055 | the action server |
| ACTION_ENDPOINT_URL | http://ACTION_HOST:ACTION_PORT/webhook | where Rasa calls actions |
| SMS_GATEWAY | demo | ``demo`` records messages in the database instead of sending them |
| IDENTITY_REGISTRY | demo | real-name checks; ``demo`` uses the ``citizen_registry`` table |
| BUSINESS_SYSTEM | local | where 新装 pre-applications go; ``local`` keeps them in the ``pre_applications`` table |
| FILES_DIR | <project>/var/files | uploads (bill photos, certificates) and generated charts/PDFs |
| PUBLIC_URL | http://RASA_HOST:RASA_PORT | how users' devices reach the Rasa server (links to charts/PDFs) |
| PAYMENT_GATEWAY_HOST / PAYMENT_GATEWAY_PORT | 127.0.0.1 / 5077 | where ``python -m bot gateway`` serves |
| PAYMENT_GATEWAY_URL | http://PAYMENT_GATEWAY_HOST:PAYMENT_GATEWAY_PORT | the gateway payments go to |
| PAYMENT_GATEWAY_SECRET | demo-gateway-secret | HMAC key signing every gateway request |
| PAYMENT_GATEWAY_TIMEOUT_S | 3.0 | seconds before a gateway call counts as "outcome unknown" |
| DEMO_GATEWAY_DB | <project>/var/gateway.db | the demo bank's own SQLite ledger (not the business database) |
| DEMO_GATEWAY_SLOW_S | 5.0 | how late the demo gateway answers for its slow and lost cards |
| BOT_FIXED_NOW | (unset: wall clock) | pins "now", e.g. 2026-11-23 |
| CALLBACK_URL | http://127.0.0.1:5034/bot | where the callback channel posts replies (a client that takes pushes) |
| BOT_CLOCK_FILE | (unset) | a file with an ISO datetime every process reads as "now" (end-to-end tests move it) |
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / name}"


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one process."""

    database_url: str = field(default_factory=lambda: _sqlite_url("app.db"))
    tracker_store_url: str = field(default_factory=lambda: _sqlite_url("tracker.db"))
    redis_url: str | None = None
    event_broker_url: str | None = None
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    sms_gateway: str = "demo"
    identity_registry: str = "demo"
    business_system: str = "local"
    tariff_dir: Path = PROJECT_ROOT / "data" / "tariffs"
    action_endpoint: str | None = None  # ACTION_ENDPOINT_URL; None derives it from host and port
    files_dir: Path = PROJECT_ROOT / "var" / "files"
    public: str | None = None  # PUBLIC_URL; None derives it from the Rasa server's host and port
    payment_gateway_host: str = "127.0.0.1"
    payment_gateway_port: int = 5077
    payment_gateway: str | None = None  # PAYMENT_GATEWAY_URL; None derives it from host and port
    payment_gateway_secret: str = "demo-gateway-secret"
    payment_gateway_timeout_s: float = 3.0
    demo_gateway_db: Path = PROJECT_ROOT / "var" / "gateway.db"
    demo_gateway_slow_s: float = 5.0
    callback_url: str = "http://127.0.0.1:5034/bot"

    @property
    def action_endpoint_url(self) -> str:
        return self.action_endpoint or f"http://{self.action_host}:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        """How tools on this machine reach the Rasa server's HTTP API."""
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def public_url(self) -> str:
        """Base of links sent to users (charts, PDFs), without a trailing slash."""
        return (self.public or f"http://{self.rasa_host}:{self.rasa_port}").rstrip("/")

    @property
    def payment_gateway_url(self) -> str:
        """Base URL of the payment gateway, without a trailing slash."""
        return (self.payment_gateway or f"http://{self.payment_gateway_host}:{self.payment_gateway_port}").rstrip("/")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        defaults = cls()
        return cls(
            database_url=env.get("DATABASE_URL") or defaults.database_url,
            tracker_store_url=env.get("TRACKER_STORE_URL") or defaults.tracker_store_url,
            redis_url=env.get("REDIS_URL") or None,
            event_broker_url=env.get("EVENT_BROKER_URL") or None,
            rasa_host=env.get("RASA_HOST") or defaults.rasa_host,
            rasa_port=int(env.get("RASA_PORT") or defaults.rasa_port),
            action_host=env.get("ACTION_HOST") or defaults.action_host,
            action_port=int(env.get("ACTION_PORT") or defaults.action_port),
            sms_gateway=env.get("SMS_GATEWAY") or defaults.sms_gateway,
            identity_registry=env.get("IDENTITY_REGISTRY") or defaults.identity_registry,
            business_system=env.get("BUSINESS_SYSTEM") or defaults.business_system,
            tariff_dir=Path(env.get("TARIFF_DIR") or defaults.tariff_dir),
            action_endpoint=env.get("ACTION_ENDPOINT_URL") or None,
            files_dir=Path(env.get("FILES_DIR") or defaults.files_dir),
            public=env.get("PUBLIC_URL") or None,
            payment_gateway_host=env.get("PAYMENT_GATEWAY_HOST") or defaults.payment_gateway_host,
            payment_gateway_port=int(env.get("PAYMENT_GATEWAY_PORT") or defaults.payment_gateway_port),
            payment_gateway=env.get("PAYMENT_GATEWAY_URL") or None,
            payment_gateway_secret=env.get("PAYMENT_GATEWAY_SECRET") or defaults.payment_gateway_secret,
            payment_gateway_timeout_s=float(env.get("PAYMENT_GATEWAY_TIMEOUT_S") or defaults.payment_gateway_timeout_s),
            demo_gateway_db=Path(env.get("DEMO_GATEWAY_DB") or defaults.demo_gateway_db),
            demo_gateway_slow_s=float(env.get("DEMO_GATEWAY_SLOW_S") or defaults.demo_gateway_slow_s),
            callback_url=env.get("CALLBACK_URL") or defaults.callback_url,
        )
