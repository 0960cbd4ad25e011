"""Actions for files sent in chat (reading a 户号 from a bill photo).

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "uploads",
]
