"""Actions for 用能预警 and the other proactive notices: telling a user's pending notices
(``alerts``, called wherever notices are delivered) and turning kinds off and on in chat
(``preferences``).

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "alerts",
    "preferences",
]
