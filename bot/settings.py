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
| PAYMENT_SMS_THRESHOLD_YUAN | 200 | a payment above this many yuan (200.00 itself not) needs an SMS code |
| PAYMENT_SMS_LOGIN_AGE_MINUTES | 30 | a payment from a login older than this needs an SMS code, whatever the amount |
| BINDING_LOOKUPS_PER_DAY | 10 | accounts (typed or photographed) and fuzzy searches a user may look up per day |
| RASA_API_TOKEN | (unset: ``bot run`` writes var/rasa_api_token) | token Rasa's HTTP API requires (``?token=``) |
| ACTION_SERVER_TOKEN | (unset: ``bot run`` writes var/action_server_token) | secret Rasa sends the action server |
| REST_CHANNEL_TOKEN | (unset) | bearer token the REST channel requires; mandatory when RASA_HOST is not loopback |
| LOGIN_IDLE_MINUTES / LOGIN_MAX_AGE_DAYS | 30 / 7 | a login ends after this long unused / this long in all |
| MAX_MESSAGE_CHARS | 500 | longer messages are refused at the channel, before NLU |
| MESSAGES_PER_MINUTE / CHANNEL_MESSAGES_PER_MINUTE | 20 / 600 | messages one chat / one channel may send per minute |
| UPLOADS_PER_DAY | 30 | files one logged-in user may upload per China calendar day |
| BOT_ENV | (unset) | ``demo`` (``make run``, the tests) allows the development secrets below; else refused |
| ID_HASH_SECRET | a development value | HMAC key for stored ID numbers and SMS codes (bot/db/id_hash.py) |
| FILE_URL_SECRET | a development value | HMAC key signing the links to published charts, invoices and receipts |
| PUBLISHED_FILE_TTL_HOURS | 24 | how long a link to a chart, invoice or receipt works |
| SLOT_VAULT_MINUTES | 60 | how long raw personal data in slots (login phone, ID number) is kept, outside the tracker |
| WECHAT_TOKEN | (unset: the WeChat webhook answers 503) | the Token of the 公众号's 服务器配置; signs requests |
| WECHAT_APP_ID / WECHAT_APP_SECRET | (unset) | the 公众号's AppID and AppSecret (late replies, media, menu) |
| WECHAT_ENCODING_AES_KEY | (unset: plain only) | the 43-character EncodingAESKey; enables 安全模式 |
| WECHAT_API_BASE_URL | https://api.weixin.qq.com | the WeChat API (tests point it at a local fake) |
| WECHAT_PASSIVE_WAIT_S | 4.0 | how long a WeChat request waits for Rasa (the rest: customer-service API) |
| TELEGRAM_BOT_TOKEN | (unset: the Telegram webhook answers 503) | the bot's token from @BotFather |
| TELEGRAM_WEBHOOK_SECRET | (unset: every update refused) | sent by Telegram in X-Telegram-Bot-Api-Secret-Token |
| TELEGRAM_API_BASE_URL | https://api.telegram.org/bot | the Bot API (PTB's base_url; tests: a local fake) |
| IVR_TOKEN | (unset: the IVR webhook answers 503) | the bearer token the 95598 IVR gateway sends on every call |
| IVR_MIN_CONFIDENCE | 0.5 | recognised speech below this ASR confidence is confirmed before it reaches the dialogue |
| IVR_TRANSFER_TARGET | tel:95598 | where a call is transferred to a human agent (``transferTarget``) |
| IVR_SSML | (off) | ``1``/``true``: amounts and digits spoken with SSML ``<say-as>`` |
| WEBCHAT_ALLOWED_ORIGINS | (unset: own, PUBLIC_URL's) | other sites that embed the web chat widget, comma-separated |
| LOW_BALANCE_YUAN | 30 | ``notify run`` warns of a prepaid balance below this many yuan |
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bot.db.id_hash import DEV_ID_HASH_SECRET

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_PAYMENT_GATEWAY_SECRET = "demo-gateway-secret"
DEV_FILE_URL_SECRET = "dev-only-file-url-secret-change-me"


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
    payment_gateway_secret: str = field(default=DEV_PAYMENT_GATEWAY_SECRET, repr=False)
    payment_gateway_timeout_s: float = 3.0
    demo_gateway_db: Path = PROJECT_ROOT / "var" / "gateway.db"
    demo_gateway_slow_s: float = 5.0
    callback_url: str = "http://127.0.0.1:5034/bot"
    payment_sms_threshold_yuan: Decimal = Decimal("200")  # above it, a payment needs an SMS code
    payment_sms_login_age_minutes: int = 30  # a login older than this needs an SMS code to pay
    binding_lookups_per_day: int = 10  # BINDING_LOOKUPS_PER_DAY: no enumerating account numbers
    # Secrets stay out of repr(): settings objects end up in logs and tracebacks.
    rasa_api_token: str | None = field(default=None, repr=False)  # RASA_API_TOKEN (bot/server/secrets_files.py)
    action_server_token: str | None = field(default=None, repr=False)  # ACTION_SERVER_TOKEN
    rest_channel_token: str | None = field(default=None, repr=False)  # REST_CHANNEL_TOKEN
    login_idle_minutes: int = 30
    login_max_age_days: int = 7
    max_message_chars: int = 500
    messages_per_minute: int = 20  # per chat (channel + sender)
    channel_messages_per_minute: int = 600
    uploads_per_day: int = 30
    bot_env: str = ""  # BOT_ENV: "demo" allows the development secrets (bot/server/dev_secrets.py)
    id_hash_secret: str = field(default=DEV_ID_HASH_SECRET, repr=False)
    file_url_secret: str = field(default=DEV_FILE_URL_SECRET, repr=False)
    published_file_ttl_hours: int = 24
    slot_vault_minutes: int = 60  # SLOT_VAULT_MINUTES: how long raw personal data in slots is kept
    wechat_token: str | None = field(default=None, repr=False)  # WECHAT_TOKEN
    wechat_app_id: str | None = None  # WECHAT_APP_ID
    wechat_app_secret: str | None = field(default=None, repr=False)  # WECHAT_APP_SECRET
    wechat_encoding_aes_key: str | None = field(default=None, repr=False)  # WECHAT_ENCODING_AES_KEY
    wechat_api_base_url: str = "https://api.weixin.qq.com"  # WECHAT_API_BASE_URL
    wechat_passive_wait_s: float = 4.0  # WECHAT_PASSIVE_WAIT_S: WeChat gives up after 5 s
    telegram_bot_token: str | None = field(default=None, repr=False)  # TELEGRAM_BOT_TOKEN
    telegram_webhook_secret: str | None = field(default=None, repr=False)  # TELEGRAM_WEBHOOK_SECRET
    telegram_api_base_url: str = "https://api.telegram.org/bot"  # TELEGRAM_API_BASE_URL
    ivr_token: str | None = field(default=None, repr=False)  # IVR_TOKEN
    ivr_min_confidence: float = 0.5  # IVR_MIN_CONFIDENCE: below it, recognised speech is confirmed first
    ivr_transfer_target: str = "tel:95598"  # IVR_TRANSFER_TARGET
    ivr_ssml: bool = False  # IVR_SSML
    webchat_allowed_origins: tuple[str, ...] = ()  # WEBCHAT_ALLOWED_ORIGINS (bot/channels/webchat/origins.py)
    low_balance_yuan: Decimal = Decimal("30")  # LOW_BALANCE_YUAN: a prepaid balance below it is a notice

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
            payment_sms_threshold_yuan=Decimal(
                env.get("PAYMENT_SMS_THRESHOLD_YUAN") or defaults.payment_sms_threshold_yuan
            ),
            payment_sms_login_age_minutes=int(
                env.get("PAYMENT_SMS_LOGIN_AGE_MINUTES") or defaults.payment_sms_login_age_minutes
            ),
            binding_lookups_per_day=int(env.get("BINDING_LOOKUPS_PER_DAY") or defaults.binding_lookups_per_day),
            rasa_api_token=env.get("RASA_API_TOKEN") or None,
            action_server_token=env.get("ACTION_SERVER_TOKEN") or None,
            rest_channel_token=env.get("REST_CHANNEL_TOKEN") or None,
            login_idle_minutes=int(env.get("LOGIN_IDLE_MINUTES") or defaults.login_idle_minutes),
            login_max_age_days=int(env.get("LOGIN_MAX_AGE_DAYS") or defaults.login_max_age_days),
            max_message_chars=int(env.get("MAX_MESSAGE_CHARS") or defaults.max_message_chars),
            messages_per_minute=int(env.get("MESSAGES_PER_MINUTE") or defaults.messages_per_minute),
            channel_messages_per_minute=int(
                env.get("CHANNEL_MESSAGES_PER_MINUTE") or defaults.channel_messages_per_minute
            ),
            uploads_per_day=int(env.get("UPLOADS_PER_DAY") or defaults.uploads_per_day),
            bot_env=(env.get("BOT_ENV") or "").strip().lower(),
            id_hash_secret=env.get("ID_HASH_SECRET") or defaults.id_hash_secret,
            file_url_secret=env.get("FILE_URL_SECRET") or defaults.file_url_secret,
            published_file_ttl_hours=int(env.get("PUBLISHED_FILE_TTL_HOURS") or defaults.published_file_ttl_hours),
            slot_vault_minutes=int(env.get("SLOT_VAULT_MINUTES") or defaults.slot_vault_minutes),
            wechat_token=env.get("WECHAT_TOKEN") or None,
            wechat_app_id=env.get("WECHAT_APP_ID") or None,
            wechat_app_secret=env.get("WECHAT_APP_SECRET") or None,
            wechat_encoding_aes_key=env.get("WECHAT_ENCODING_AES_KEY") or None,
            wechat_api_base_url=env.get("WECHAT_API_BASE_URL") or defaults.wechat_api_base_url,
            wechat_passive_wait_s=float(env.get("WECHAT_PASSIVE_WAIT_S") or defaults.wechat_passive_wait_s),
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL") or defaults.telegram_api_base_url,
            ivr_token=env.get("IVR_TOKEN") or None,
            ivr_min_confidence=float(env.get("IVR_MIN_CONFIDENCE") or defaults.ivr_min_confidence),
            ivr_transfer_target=env.get("IVR_TRANSFER_TARGET") or defaults.ivr_transfer_target,
            ivr_ssml=(env.get("IVR_SSML") or "").strip().lower() in ("1", "true", "yes", "on"),
            webchat_allowed_origins=tuple(
                origin.strip() for origin in (env.get("WEBCHAT_ALLOWED_ORIGINS") or "").split(",") if origin.strip()
            ),
            low_balance_yuan=Decimal(env.get("LOW_BALANCE_YUAN") or defaults.low_balance_yuan),
        )
