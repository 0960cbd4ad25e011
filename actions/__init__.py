"""rasa-sdk custom actions. Each action reads slots, calls a ``bot`` service, chooses a response.

Importing this package (the action server does) switches on PII redaction for every log record.
"""
from bot.privacy import install_log_redaction

install_log_redaction()
