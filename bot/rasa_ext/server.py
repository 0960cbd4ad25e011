"""``python -m bot.rasa_ext.server ARGS``: ``rasa run ARGS`` with the HTTP API token from RASA_API_TOKEN.

The token reaches Rasa's ``--auth-token`` inside this process instead of on the command line:
every local user can read command lines (``ps``), while a process's environment is its own.
Without a token it does not start, so the API is never served open.
"""
from __future__ import annotations

import os
import sys

TOKEN_VARIABLE = "RASA_API_TOKEN"


def rasa_arguments(arguments: list[str], token: str) -> list[str]:
    """What Rasa's own command line parser gets (``sys.argv``)."""
    return ["rasa", "run", *arguments, "--auth-token", token]


def main() -> None:
    token = os.environ.get(TOKEN_VARIABLE)
    if not token:
        raise SystemExit(f"{TOKEN_VARIABLE} is not set: Rasa's HTTP API is never served without a token")
    sys.argv = rasa_arguments(sys.argv[1:], token)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
