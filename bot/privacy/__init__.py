"""Personal data: masking in replies and redaction from logs, what is kept of stored
conversations, erasure on request (注销账号) and retention (``python -m bot purge``).

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "cli",
    "conversations",
    "erasure",
    "masking",
    "retention",
]
