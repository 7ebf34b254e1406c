"""Read the curated TSV files of ``kg/data/`` into rows that remember their file and line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError
from .iris import SLUG

__all__ = ["TABLES", "ENTITY_TABLES", "IMPORTED_DIR", "Row", "read_table", "read_tables", "split_list"]

#: Every curated table: file → (columns, required columns). kg/data/README.md documents them.
TABLES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "sources.tsv": (["id", "kind", "title", "publisher", "date", "url", "licence", "commercial_use", "note"],
                    ("id", "kind", "title", "licence", "commercial_use")),
    "drugs.tsv": (["id", "label", "kind", "description", "source", "source_detail"], ("id", "label", "kind", "source")),
    "drug_classes.tsv": (["id", "label", "parents", "description", "source", "source_detail"], ("id", "label", "source")),
    "targets.tsv": (["id", "label", "kind", "description", "source", "source_detail"], ("id", "label", "kind", "source")),
    "mechanisms.tsv": (["id", "label", "targets", "action", "description", "source", "source_detail"], ("id", "label", "source")),
    "conditions.tsv": (["id", "label", "kind", "description", "source", "source_detail"], ("id", "label", "kind", "source")),
    "adverse_effects.tsv": (["id", "label", "description", "source", "source_detail"], ("id", "label", "source")),
    "therapies.tsv": (["id", "label", "kind", "description", "source", "source_detail"], ("id", "label", "kind", "source")),
    "identifiers.tsv": (["entity", "scheme", "value", "source", "source_detail"], ("entity", "scheme", "value", "source")),
    "names.tsv": (["entity", "name", "kind", "lang", "source", "source_detail"], ("entity", "name", "kind", "source")),
    "class_membership.tsv": (["drug", "class", "source", "source_detail"], ("drug", "class", "source")),
    "drug_mechanisms.tsv": (["drug", "mechanism", "source", "source_detail"], ("drug", "mechanism", "source")),
    "drug_targets.tsv": (["drug", "target", "relation", "action", "source", "source_detail"], ("drug", "target", "relation", "source")),
    "indications.tsv": (["drug", "condition", "status", "role", "evidence", "source", "source_detail"],
                        ("drug", "condition", "status", "source")),
    "drug_adverse_effects.tsv": (["drug", "effect", "frequency", "serious", "source", "source_detail"], ("drug", "effect", "source")),
    "interactions.tsv": (["id", "participants", "affected", "precipitant", "level", "mechanism_type", "via", "effects",
                          "effect_size", "clinical_effect", "management", "source_text", "source", "source_detail"],
                         ("id", "participants", "level", "source")),
    "metabolites.tsv": (["drug", "metabolite", "via", "active", "source", "source_detail"], ("drug", "metabolite", "source")),
    "elimination.tsv": (["drug", "route", "detail", "source", "source_detail"], ("drug", "route", "source")),
    "warnings.tsv": (["id", "drug", "topic", "recommendation", "detail", "source", "source_detail"], ("id", "drug", "topic", "source")),
    "products.tsv": (["id", "drug", "brand", "form", "route", "strength_value", "strength_unit", "source", "source_detail"],
                     ("id", "drug", "form", "route", "source")),
    "therapy_uses.tsv": (["therapy", "condition", "source", "source_detail"], ("therapy", "condition", "source")),
    "claims.tsv": (["id", "source", "quote", "subject", "predicate", "object", "object_value", "assessment",
                    "assessment_note", "assessed_against"], ("id", "source", "quote", "subject", "predicate", "assessment")),
}

#: Entity tables: file → (IRI segment and family name, class or kind family root).
ENTITY_TABLES: dict[str, tuple[str, str]] = {
    "drugs.tsv": ("drug", "Substance"),
    "drug_classes.tsv": ("class", "DrugClass"),
    "targets.tsv": ("target", "Target"),
    "mechanisms.tsv": ("mechanism", "Mechanism"),
    "conditions.tsv": ("condition", "Condition"),
    "adverse_effects.tsv": ("effect", "AdverseEffect"),
    "therapies.tsv": ("therapy", "Therapy"),
}


#: Sub-folder of a data directory with tables written by a script (kg/importers/), not by hand. A file there
#: has the schema of the table of the same name and its rows are read after the curated ones.
IMPORTED_DIR = "imported"

#: Files larger than this are refused: curated tables are small, a huge one is a mistake.
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Row:
    """One data row: its cells by column name, and where it came from."""

    file: str
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    @property
    def where(self) -> str:
        """``file:line`` for error messages."""
        return f"{self.file}:{self.line}"

    @property
    def entry(self) -> str:
        """A short name of the row for error messages: its id, or its first two cells."""
        if self.cells.get("id"):
            return self.cells["id"]
        return " / ".join(v for v in list(self.cells.values())[:2] if v)

    def error(self, message: str) -> DataError:
        """A DataError that points at this row."""
        return DataError(self.where, message, self.entry)

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
    """Split a list cell on ``;``, dropping blanks."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def read_tables(data_dir: Path) -> dict[str, list[Row]]:
    """Every table of ``data_dir``: the curated file, then the imported file of the same name when there is one."""
    tables = {}
    for name, (columns, required) in TABLES.items():
        rows = read_table(data_dir / name, columns, required)
        imported = data_dir / IMPORTED_DIR / name
        if imported.is_file():
            rows += read_table(imported, columns, required)
        tables[name] = rows
    return tables


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
            raise DataError(f"{name}:{number}", f"{len(cells)} cells where the header has {len(columns)}; check for a missing or extra tab", cells[0])
        row = Row(name, number, {c: v.strip() for c, v in zip(columns, cells)})
        for column in required:
            if not row[column]:
                raise row.error(f"column '{column}' is empty but required")
        yield row
