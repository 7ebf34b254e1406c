"""The word tables of ``kg/ingest/data/`` (cues, context triggers, lay phrasings): their lines, and their patterns
compiled with errors that name the file and line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources

from .read import IngestError

__all__ = ["table_text", "table_rows", "compile_pattern"]


def table_text(name: str) -> str:
    """The text of ``kg/ingest/data/<name>``."""
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


def table_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, tab-separated cells) of each line that is neither blank nor a ``#`` comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            yield number, line.split("\t")


def compile_pattern(name: str, number: int, regex: str) -> re.Pattern[str]:
    """``regex`` compiled without case, or an IngestError naming ``kg/ingest/data/<name>:<number>``."""
    try:
        return re.compile(regex, re.I)
    except re.error as exc:
        raise IngestError(f"kg/ingest/data/{name}:{number}: the pattern is not a regular expression ({exc})") from None
