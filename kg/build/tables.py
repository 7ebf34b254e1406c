"""Read one TSV file of ``kg/data/`` into rows that remember their file and line (the schemas are in the registry)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from ..iris import SLUG
from ..paths import IMPORTED_DIR

__all__ = ["IMPORTED_DIR", "MAX_BYTES", "MAX_CELL", "Row", "read_table", "split_list"]


#: Files larger than this are refused: curated tables are small, a huge one is a mistake.
MAX_BYTES = 20 * 1024 * 1024
#: The longest cell (characters): far above any curated cell (a label sentence, a note), far below the line length
#: the engines load (kg.files.MAX_LINE).
MAX_CELL = 100_000
#: Characters no table may hold: control characters (a tab separates cells, a line ends with a newline) and the
#: Unicode line separators, which would reach the terminal or split a line of the built N-Quads file.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Row:
    """One data row: its cells by column name, and where it came from."""

    file: str
    line: int
    cells: dict[str, str]
    #: the column (1-based character position in the line) where each cell's text starts
    starts: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def table(self) -> str:
        """The file name of the row's table (``indications.tsv``), curated or imported."""
        return Path(self.file).name

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    @property
    def where(self) -> str:
        """``file:line`` for error messages."""
        return f"{self.file}:{self.line}"

    def at(self, column: str, index: int = 0) -> str:
        """``file:line:column`` of the character at ``index`` in the cell of ``column``, for error messages."""
        return f"{self.where}:{self.starts.get(column, 1) + index}"

    @property
    def entry(self) -> str:
        """A short name of the row for error messages: its id, or its first two cells."""
        if self.cells.get("id"):
            return self.cells["id"]
        return " / ".join(v for v in list(self.cells.values())[:2] if v)

    def error(self, message: str, column: str = "", index: int = 0) -> DataError:
        """A DataError that points at this row (at the character ``index`` of the cell of ``column``, when given)."""
        return DataError(self.at(column, index) if column else self.where, message, self.entry)

    def slug(self, column: str, required: bool = True) -> str:
        """The cell of ``column`` checked to be an id slug (or empty when not required)."""
        value = self[column]
        if not value:
            if required:
                raise self.error(f"column '{column}' is empty; it needs an id")
            return ""
        if not SLUG.match(value):
            raise self.error(f"'{value}' in column '{column}' is not an id: use lowercase letters, digits and single hyphens")
        return value

    def slugs(self, column: str, required: bool = True) -> list[str]:
        """The ``;``-separated ids of a list column."""
        values = split_list(self[column])
        if required and not values:
            raise self.error(f"column '{column}' is empty; it needs at least one id")
        for value in values:
            if not SLUG.match(value):
                raise self.error(f"'{value}' in column '{column}' is not an id: use lowercase letters, digits and single hyphens")
        return values


def split_list(cell: str) -> list[str]:
    """Split a list cell on ``;``, dropping blanks.

    >>> split_list("drugbank-4; ddinter-2022;;")
    ['drugbank-4', 'ddinter-2022']
    """
    return [part.strip() for part in cell.split(";") if part.strip()]


def read_table(path: Path, columns: list[str], required: tuple[str, ...] = ()) -> list[Row]:
    """Read a TSV file whose header must be exactly ``columns``; check ``required`` cells are filled.

    Raises DataError naming the file (and line) for a missing file, a wrong encoding, a wrong
    header, a row with the wrong number of cells, or an empty required cell.
    """
    if path.parent.name == "data":
        name = f"kg/data/{path.name}"
    elif path.parent.name == IMPORTED_DIR and path.parent.parent.name == "data":
        name = f"kg/data/{IMPORTED_DIR}/{path.name}"
    else:
        name = str(path)
    if not path.is_file():
        raise DataError(name, "file is missing; every table listed in kg/data/README.md must exist (a header row is enough)")
    if path.stat().st_size > MAX_BYTES:
        raise DataError(name, f"file is {path.stat().st_size:,} bytes, over the {MAX_BYTES:,}-byte limit for a curated table")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{name}:{line}", f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    if control := CONTROL.search(text):
        line, column = text.count("\n", 0, control.start()) + 1, control.start() - text.rfind("\n", 0, control.start())
        raise DataError(f"{name}:{line}:{column}", f"the control character {ascii(control.group())[1:-1]} has no place "
                        "in a table; remove it (tables hold plain text, one row a line, cells separated by tabs)")
    return list(_rows(name, text, columns, required))


def _rows(name: str, text: str, columns: list[str], required: tuple[str, ...]) -> Iterator[Row]:
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        raise DataError(name, f"file is empty; it needs the header row: {' | '.join(columns)}")
    header = lines[0].split("\t")
    if header != columns:
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        detail = "; ".join(filter(None, [
            f"missing {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(extra)}" if extra else "",
            "columns out of order" if not missing and not extra else "",
        ]))
        raise DataError(f"{name}:1", f"header does not match ({detail}); expected: {' | '.join(columns)}")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise DataError(f"{name}:{number}", f"{len(cells)} cells where the header has {len(columns)}; "
                            "check for a missing or extra tab", cells[0])
        for column, cell in zip(columns, cells):
            if len(cell) > MAX_CELL:
                raise DataError(f"{name}:{number}", f"column '{column}' holds {len(cell):,} characters, over the {MAX_CELL:,} "
                                "a cell may hold; keep the source's sentence, not the whole document", cells[0][:60])
        row = Row(name, number, {c: v.strip() for c, v in zip(columns, cells)}, _starts(columns, cells))
        for column in required:
            if not row[column]:
                raise row.error(f"column '{column}' is empty but required")
        yield row


def _starts(columns: list[str], cells: list[str]) -> dict[str, int]:
    """Where each cell's text starts in its line (1-based), past the blanks the row's cells are stripped of."""
    starts, offset = {}, 1
    for column, cell in zip(columns, cells):
        starts[column] = offset + len(cell) - len(cell.lstrip())
        offset += len(cell) + 1
    return starts
