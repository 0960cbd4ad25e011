"""Running an INSERT, UPDATE or DELETE through a session and counting the rows it matched."""
from __future__ import annotations

from typing import cast

from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


def execute_dml(session: Session, statement: Executable) -> int:
    """Run the data-changing ``statement`` in ``session``; how many rows it matched.

    ``Session.execute`` returns a ``CursorResult`` (which has ``rowcount``) for such a
    statement, but SQLAlchemy 1.4's type stubs declare the plain ``Result``.
    """
    return cast(CursorResult, session.execute(statement)).rowcount
