"""Refuse to run with the development secrets outside the demo.

The defaults of ID_HASH_SECRET, PAYMENT_GATEWAY_SECRET and FILE_URL_SECRET are in this
repository, so with them a stored ID hash gives back the ID number: the masked copy stored
next to it (``3301**********123X``) leaves 2 district digits and a birth date unknown,
about 100 x 36,500 candidates, a few seconds of HMACs (tests/unit/bot/server/test_dev_secrets.py
does one birth year). Anyone could also sign gateway requests and forge a link to any
published invoice. Every server checks at start (the action server when its
package is imported, the Rasa server when it mounts the published-files channel, ``python
-m bot run`` and ``gateway`` before anything else, and :func:`bot.container.services`
for anything else): outside ``BOT_ENV=demo`` it stops with one line naming the variables
to set; with ``BOT_ENV=demo`` (``make run``, the test suite) it logs a warning and goes on.
"""
from __future__ import annotations

import logging

from bot.db.id_hash import DEV_ID_HASH_SECRET
from bot.settings import DEV_FILE_URL_SECRET, DEV_PAYMENT_GATEWAY_SECRET, Settings

log = logging.getLogger(__name__)
DEMO_ENV = "demo"


class DevelopmentSecretsRefused(SystemExit):
    """Raised at start-up: the process exits with status 1 and prints the message (one line)."""


def development_secrets_in_use(settings: Settings) -> list[str]:
    """The variables of ``settings`` still at their published development value."""
    development = {
        "ID_HASH_SECRET": (settings.id_hash_secret, DEV_ID_HASH_SECRET),
        "PAYMENT_GATEWAY_SECRET": (settings.payment_gateway_secret, DEV_PAYMENT_GATEWAY_SECRET),
        "FILE_URL_SECRET": (settings.file_url_secret, DEV_FILE_URL_SECRET),
    }
    return [name for name, (value, default) in development.items() if value == default]


def refuse_development_secrets(settings: Settings) -> None:
    """Stop the process (:class:`DevelopmentSecretsRefused`) if a secret has its development
    value and ``BOT_ENV`` is not ``demo``; under ``demo`` only warn."""
    names = development_secrets_in_use(settings)
    if not names:
        return
    listed = ", ".join(names)
    if settings.bot_env == DEMO_ENV:
        log.warning("BOT_ENV=demo: using the development values of %s (never in production)", listed)
        return
    raise DevelopmentSecretsRefused(
        f"error: refusing to start with the development values of {listed}: "
        f"set {listed} to secret values of your own (or BOT_ENV=demo for the local demo)"
    )


def refuse_development_secrets_from_env() -> None:
    """:func:`refuse_development_secrets` for this process's environment."""
    refuse_development_secrets(Settings.from_env())
