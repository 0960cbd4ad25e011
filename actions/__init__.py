"""rasa-sdk custom actions. Each action reads slots, calls a ``bot`` service, chooses a response.

Importing this package (the action server does) switches on PII redaction for every log record,
and stops the action server at start when it has the development secrets outside BOT_ENV=demo.
"""
from bot.privacy.masking import install_log_redaction
from bot.server.dev_secrets import refuse_development_secrets_from_env

install_log_redaction()
refuse_development_secrets_from_env()
