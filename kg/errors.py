"""Errors a user can meet. Each says what is wrong, where, and what to do; the CLI prints it on one line."""

from __future__ import annotations

__all__ = ["MRKGError", "DataError", "QueryError", "EntityNotFound"]


class MRKGError(Exception):
    """Base class of every error the CLI reports without a traceback.

    ``option`` names the parameter of the Python API that the error is about and that fixes it (``store``,
    ``timeout``, ...), so that each front can name it in its own way: the CLI as its flag (``--store``). Messages
    themselves name no front's spelling.
    """

    def __init__(self, *args: object, option: str | None = None) -> None:
        super().__init__(*args)
        self.option = option


class DataError(MRKGError):
    """A curated source file is malformed or inconsistent.

    ``where`` is ``file:line`` (or just the file); ``entry`` names the row's id or first cells.
    """

    def __init__(self, where: str, message: str, entry: str = "") -> None:
        self.where, self.entry, self.message = where, entry, message
        super().__init__(f"{where}{f' [{entry}]' if entry else ''}: {message}")


class QueryError(MRKGError):
    """A query, a named query's parameters or a query file is wrong."""


class EntityNotFound(QueryError):
    """A name given for an entity matches nothing (or too many things) in the graph."""
