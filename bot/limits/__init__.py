"""Abuse limits: counters in fixed time windows (a minute, a China calendar day).

Message rates (many per second, lost on a restart without harm) live in Redis when
``REDIS_URL`` is set, so every replica shares them, else in process memory. Daily limits
(SMS codes, code guesses, real-name attempts, uploads) live in the business database on
every deployment: it is shared by all replicas already, survives restarts, and a limit
can be counted in the same transaction as what it limits.
"""
__all__ = [
    "counters",
    "db_counters",
    "windows",
]
