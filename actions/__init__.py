"""rasa-sdk custom actions. Each action reads slots, calls a ``bot`` service, chooses a response.

One package per sub-domain, named like its ``bot`` package, ``data/nlu`` file and ``domain`` file;
``forms`` holds what the application forms share. rasa-sdk imports every module (``register_package``);
the sub-packages' ``__init__`` import nothing, so no action is registered twice.

Importing this package (the action server does) switches on PII redaction for every log record,
and stops the action server at start when it has the development secrets outside BOT_ENV=demo.
"""
from bot.privacy.masking import install_log_redaction
from bot.server.dev_secrets import refuse_development_secrets_from_env

install_log_redaction()
refuse_development_secrets_from_env()

__all__ = [
    "accounts",
    "applications",
    "billing",
    "common",
    "conversation",
    "files",
    "forms",
    "identity",
    "notify",
    "payments",
    "privacy",
    "tracker_views",
]
