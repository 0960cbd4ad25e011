"""Conversation-level actions: fallback, hand-off to a human, cancel, FAQ answers; every kind of
notice delivered together (and pushed).

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "dialogue",
    "faq",
    "notices",
]
