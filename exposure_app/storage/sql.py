"""Small SQL helpers shared by the store and its migrations."""

from __future__ import annotations

import sqlite3

from exposure_app.storage.sqlite_db import Database


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row an ``INSERT`` on ``cursor`` just added."""
    if cursor.lastrowid is None:
        raise sqlite3.DatabaseError("the INSERT added no row")
    return cursor.lastrowid


def execute_statements(db: Database, script: str) -> None:
    """Run ``;``-separated DDL statements one by one.

    ``sqlite3.executescript`` commits any open transaction first, which would
    break the rule that a migration and its ``user_version`` bump are one
    transaction. Statements here never contain ``;`` inside literals.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
