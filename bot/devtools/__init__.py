"""Developer tools, not used at run time: the terminal chat client and ``make bench``.
"""
__all__ = [
    "bench",
    "chat_client",
]
