"""The business database: SQLAlchemy models, engine/session helpers, row locks and Alembic migrations.

Plain SQLAlchemy (1.4, written in 2.0 style); nothing here imports Rasa.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "dml",
    "enums",
    "id_hash",
    "locks",
    "migrate",
    "models",
    "reset",
    "session",
]
