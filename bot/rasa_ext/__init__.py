"""Rasa-facing adapters (stores, later channel connectors and NLU components).

The Rasa server imports this package when it builds the stores named in ``endpoints.yml``;
that import switches on PII redaction for every log record of the Rasa process.
"""
from bot.privacy.masking import install_log_redaction

install_log_redaction()
