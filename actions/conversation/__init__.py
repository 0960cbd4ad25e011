"""Conversation-level actions: fallback, hand-off to a human, cancel.

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "dialogue",
]
