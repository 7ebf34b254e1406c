"""Small statistics and table helpers shared by the benchmark scripts (standard library only)."""

from __future__ import annotations

import statistics


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(seconds: list[float]) -> dict:
    """n, median, p95, min and mean of a list of durations in seconds, reported in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "median_ms": statistics.median(ms) if ms else None,
            "p95_ms": percentile(ms, 95) if ms else None, "min_ms": min(ms) if ms else None,
            "mean_ms": statistics.fmean(ms) if ms else None}


def fmt_ms(value: float | None) -> str:
    """Milliseconds with sensible precision: 0.412, 12.3, 1,234."""
    if value is None:
        return "—"
    if value < 1:
        return f"{value:.3f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}×" if value >= 100 else f"{value:.1f}×"


def table(headers: list[str], rows: list[list], align: str | None = None) -> str:
    """A plain-text table; ``align`` gives one of ``l``/``r`` per column (numbers right by default)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    align = align or "l" + "r" * (len(headers) - 1)
    lines = []
    for index, row in enumerate(cells):
        parts = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align)]
        lines.append("  ".join(parts).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Progress:
    """Progress bars on stderr: rich's when it is installed and stderr is a terminal, else plain lines.

    >>> with Progress() as progress:                       # doctest: +SKIP
    ...     advance = progress.task("queries", total=19)
    ...     advance(1, "drug-interactions")
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._rich = None

    def __enter__(self) -> Progress:
        import sys

        if self.enabled and sys.stderr.isatty():
            try:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
                from rich.progress import Progress as RichProgress

                self._rich = RichProgress(TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(),
                                          TimeElapsedColumn(), TextColumn("{task.fields[note]}"),
                                          console=Console(stderr=True), transient=False)
                self._rich.__enter__()
            except ImportError:
                self._rich = None
        return self

    def __exit__(self, *exc) -> None:
        if self._rich is not None:
            self._rich.__exit__(*exc)

    def task(self, description: str, total: int | None):
        """Start a bar; returns ``advance(steps=1, note="")``."""
        import sys
        import time

        if not self.enabled:
            return lambda steps=1, note="": None
        if self._rich is not None:
            task_id = self._rich.add_task(description, total=total, note="")

            def advance(steps: int = 1, note: str = "") -> None:
                self._rich.update(task_id, advance=steps, note=note)
            return advance
        state = {"done": 0, "start": time.monotonic(), "shown": time.monotonic(), "shown_done": 0}

        def advance(steps: int = 1, note: str = "") -> None:
            # one line per tenth of the work or per 15 s, and at the end (logs stay short)
            state["done"] += steps
            now = time.monotonic()
            tenth = max(1, (total or 10) // 10)
            if state["done"] == total or state["done"] - state["shown_done"] >= tenth or now - state["shown"] >= 15:
                state["shown"], state["shown_done"] = now, state["done"]
                print(f"  {description}: {state['done']}/{total if total is not None else '?'} "
                      f"({now - state['start']:.0f} s) {note}", file=sys.stderr, flush=True)
        return advance
