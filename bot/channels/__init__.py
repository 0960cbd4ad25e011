"""Rasa input channels (adapters: REST, the callback, WeChat, Telegram, the web widget and the
hotline IVR): they turn what a messaging platform sends into user messages
and replies back; ``credentials.yml`` names the connectors. Business rules stay in the
sub-domain packages. Replies reach every platform through one rendering layer
(``rendering``), fitted to each channel's limits (``capabilities``).

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "callback",
    "capabilities",
    "ivr",
    "published",
    "rendering",
    "rest_files",
    "seen_once",
    "telegram",
    "webchat",
    "wechat",
    "whole_messages",
]
