"""Write query results for people (an aligned table) and programs (SPARQL 1.1 JSON, CSV and TSV)."""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape, quoteattr

from .iris import shorten
from .store import Result, Term

__all__ = ["RESULT_FORMATS", "SPARQL_RESULT_WRITERS", "format_result", "to_table", "to_json", "to_csv", "to_tsv", "to_xml",
           "printable"]

#: Widest a table cell may be before it is cut with an ellipsis.
MAX_CELL = 44


#: What a terminal would act on instead of showing: control characters (but a tab and a newline), which include ESC,
#: the start of escape sequences, and the Unicode controls that reorder or split lines.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""``text`` safe to show on a terminal: each control character written as its escape, so that data or an
    endpoint's answer can neither clear the screen nor forge lines.

    >>> printable("red \x1b[31malert\x00")
    'red \\x1b[31malert\\x00'
    """
    return CONTROL.sub(lambda match: ascii(match.group())[1:-1], text)


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    text = shorten(term.value) if term.kind == "uri" else term.value
    text = printable(" ".join(text.split()))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


#: The narrowest a column is made to fit a terminal.
MIN_COLUMN = 8


def terminal_width() -> int | None:
    """The width of the terminal standard output is on, or None when it is a pipe or a file (tables are then whole)."""
    import shutil
    import sys

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def fit(widths: list[int], width: int) -> list[int]:
    """Column widths narrowed, widest first and never below MIN_COLUMN, until the row (two spaces between columns)
    fits in ``width`` characters.

    >>> fit([4, 40, 30], 50)
    [4, 21, 21]
    """
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > width:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(result: Result, width: int | None = None) -> str:
    """An aligned plain-text table with IRIs shortened, and a row count; on a terminal (or with ``width``) long cells
    are cut with "…" so that each row fits its width."""
    if result.boolean is not None:
        return "yes" if result.boolean else "no"
    rows = [[_cell(t) for t in row] for row in result.rows]
    widths = [max([len(v), *(len(r[i]) for r in rows)]) for i, v in enumerate(result.variables)]
    width = width if width is not None else terminal_width()
    if width is not None:
        widths = fit(widths, width)
        rows = [[_clip(c, w) for c, w in zip(r, widths)] for r in rows]
    line = lambda cells: "  ".join(_clip(c, w).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(result.variables), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _json_term(term: Term) -> dict[str, str]:
    if term.kind != "literal":
        return {"type": term.kind, "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.lang:
        value["xml:lang"] = term.lang
    elif term.datatype:
        value["datatype"] = term.datatype
    return value


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, indent=1, ensure_ascii=False)


def to_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV (plain values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerows([["boolean"], [str(result.boolean).lower()]])
    else:
        writer.writerow(result.variables)
        writer.writerows([[t.value if t else "" for t in row] for row in result.rows])
    return buffer.getvalue()


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples syntax)."""
    if result.boolean is not None:
        return f"?boolean\n{str(result.boolean).lower()}\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(t.n3() if t else "" for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def to_xml(result: Result) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.boolean is not None:
        out.append(f"<boolean>{str(result.boolean).lower()}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for name, term in zip(result.variables, row):
                if term is None:
                    continue
                if term.kind == "uri":
                    value = f"<uri>{escape(term.value)}</uri>"
                elif term.kind == "bnode":
                    value = f"<bnode>{escape(term.value)}</bnode>"
                elif term.lang:
                    value = f"<literal xml:lang={quoteattr(term.lang)}>{escape(term.value)}</literal>"
                elif term.datatype:
                    value = f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
                else:
                    value = f"<literal>{escape(term.value)}</literal>"
                out.append(f"<binding name={quoteattr(name)}>{value}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


#: Output format name → writer (the CLI's choices).
RESULT_FORMATS = {"table": to_table, "json": to_json, "csv": to_csv, "tsv": to_tsv}
#: The SPARQL 1.1 result formats → writer (what the server answers).
SPARQL_RESULT_WRITERS = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}


def format_result(result: Result, fmt: str = "table") -> str:
    """The result in one of ``RESULT_FORMATS``."""
    return RESULT_FORMATS[fmt](result)
