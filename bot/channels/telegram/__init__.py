"""The Telegram connector (python-telegram-bot): the webhook ``/webhooks/telegram/webhook``
verified by its secret token, the bot's handlers (text, /start, /help, photos and documents,
a shared contact, pressed buttons), replies in Telegram's native form, and the
``python -m bot telegram`` commands (set-webhook, poll).

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "cli",
    "input",
    "output",
]
