"""Rasa-facing adapters: the stores ``endpoints.yml`` names, the NLU component ``config.yml`` names,
and ``python -m bot.rasa_ext.server`` (Rasa's server with its API token).

The Rasa server imports this package when it builds the stores named in ``endpoints.yml``;
that import switches on PII redaction for every log record of the Rasa process.

Modules not in ``__all__`` are internal to the package.
"""
from bot.privacy.masking import install_log_redaction

install_log_redaction()

__all__ = [
    "importer",
    "nlu",
    "safety",
    "server",
    "stores",
]
