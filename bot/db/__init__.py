"""The business database: SQLAlchemy models, engine/session helpers and Alembic migrations.

Plain SQLAlchemy (1.4, written in 2.0 style); nothing here imports Rasa.
"""
