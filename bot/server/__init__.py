"""Running the assistant: the launcher of all servers, the action server behind its token, the
shared secrets between our servers, and the ``train``/``run``/``actions``/``chat`` commands.

Only :mod:`bot.server.action_server` imports ``rasa_sdk``; nothing here imports Rasa.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "auth_tokens",
    "cli",
    "dev_secrets",
    "launcher",
    "secrets_files",
]
