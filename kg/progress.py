"""Progress on work that takes seconds (build, reason, validate, large exports): a live line on standard error.

Shown only when standard error is a terminal (and ``MRKG_PROGRESS`` is not ``0``), so pipes, logs, tests and the
server's output stay exactly as they were. The line is drawn by rich, imported only when there is one to draw.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["stage", "shown"]


def shown() -> bool:
    """Whether progress lines are drawn: standard error is a terminal and MRKG_PROGRESS is not 0."""
    return os.environ.get("MRKG_PROGRESS", "1") != "0" and sys.stderr.isatty()


@contextmanager
def stage(what: str) -> Iterator[None]:
    """While the block runs, a spinner with ``what`` and the seconds spent; after it, ``what`` and its time."""
    if not shown():
        yield
        return
    import time

    from rich.console import Console

    console = Console(stderr=True)
    start = time.perf_counter()
    with console.status(f"{what} …"):
        yield
    console.print(f"[dim]{what}: {time.perf_counter() - start:.1f} s[/dim]", highlight=False)
