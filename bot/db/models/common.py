"""Column sizes, foreign-key columns and indexes shared by the model modules."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer

PHONE_LENGTH = 11
ACCOUNT_NUMBER_LENGTH = 10
SHA256_HEX_LENGTH = 64
CHAT_KEY_LENGTH = 161  # channel (32) + ':' + sender id (128)


def user_fk(*, nullable: bool, ondelete: str = "SET NULL") -> Column:
    """An indexed link to ``users``."""
    return Column(
        Integer, ForeignKey("users.id", ondelete=ondelete), nullable=nullable, index=True
    )


def account_fk(*, nullable: bool, ondelete: str = "RESTRICT", index: bool = True) -> Column:
    """A link to ``electricity_accounts``, indexed unless a composite key covers it."""
    return Column(
        Integer,
        ForeignKey("electricity_accounts.id", ondelete=ondelete),
        nullable=nullable,
        index=index,
    )


def convention_index(*columns: str) -> Index:
    """An index on ``columns``, named by the metadata's naming convention (``ix_…``)."""
    return Index(None, *columns)  # type: ignore[arg-type]  # None: named by the naming convention
