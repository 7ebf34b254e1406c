"""Hostile input (issue 15, fault 8): every case ends with one clear line or a correct answer, never a traceback.

One parametrised row per case: bad cells of the tables, control characters on their way to the terminal,
corrupt files given to ``--graph`` (both engines) and to ``load-store``, parameter names that clash with Python's,
arguments that are not UTF-8, out-of-range server options, ``SERVICE ?var`` and the leftovers of a killed build.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import kg
from conftest import MINI, REPO, replace
from kg.cli import main
from kg.errors import QueryError
from kg.files import MAX_LINE

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ESC = "\x1b[2J\x1b]0;owned\x07"  # clear the screen, set the window title
DRUG_A = "https://w3id.org/mrkg/drug/drug-a"


def mrkg(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_clean_line(result: Result, *words: str) -> str:
    """The error line of a command that failed on bad input: exit code 2, one line, no traceback, ``words`` in it."""
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert len(lines) == 1 or lines[-1].startswith("Error:"), result.output  # click's usage errors add two lines
    for word in words:
        assert word in result.output, result.output
    return lines[-1]


@pytest.fixture(scope="module")
def mini_nq(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture tables built with the CLI (mrkg build --data DIR --output FILE)."""
    out = tmp_path_factory.mktemp("mini") / "mini.nq"
    result = mrkg("build", "--data", str(MINI), "--output", str(out))
    assert result.exit_code == 0, result.output
    return out


# --- bad cells stop the build at file:line:column ------------------------------------------------------------

URL = "https://example.org/a"
#: sources.tsv line 2 holds ``https://example.org/a`` from column 39; each row puts one bad character after it.
URL_COLUMN = 39 + len(URL)
BAD_CELLS = [
    *(pytest.param("sources.tsv", f"{URL}\t", f"{URL}{char}b\t", f"sources.tsv:2:{URL_COLUMN}",
                   f"holds {ascii(char)} at character {len(URL) + 1}, which an IRI may not hold", id=f"url {name}")
      for name, char in (("space", " "), ("<", "<"), (">", ">"), ('"', '"'), ("{", "{"), ("}", "}"), ("|", "|"),
                         ("backslash", "\\"), ("^", "^"), ("backtick", "`"), ("no-break space", "\u00a0"))),
    pytest.param("sources.tsv", f"{URL}\t", f"{URL}\x01b\t", f"sources.tsv:2:{URL_COLUMN}",
                 "the control character \\x01", id="url control character"),
    pytest.param("sources.tsv", f"{URL}\t", f"{URL}\x7fb\t", f"sources.tsv:2:{URL_COLUMN}",
                 "the control character \\x7f", id="url DEL"),
    pytest.param("sources.tsv", f"{URL}\t", f"{URL}%ZZ\t", "sources.tsv:2:39", "Invalid IRI percent encoding",
                 id="url bad percent-encoding"),
    pytest.param("sources.tsv", f"{URL}\t", f"{URL}#x#y\t", "sources.tsv:2:39", "is not a valid IRI", id="url two #"),
    pytest.param("sources.tsv", f"{URL}\t", "ftp://example.org/a\t", "sources.tsv:2:39", "is not an http(s) address",
                 id="url not http"),
    *(pytest.param("products.tsv", "\t10\tmg\t", f"\t{value}\tmg\t", "products.tsv:2:41",
                   f"strength_value '{value}' is not a number", id=f"strength {value}")
      for value in ("sNaN", "NaN", "Infinity", "-Infinity", "1e999999", "1E+3", "1_000", "\u0661\u0662", "-0", "0x10")),
    pytest.param("pharmacokinetics.tsv", "\t2.5\t4\t", "\t1e999999\t4\t", "pharmacokinetics.tsv:2:18",
                 "value '1e999999' is not a number", id="pk value 1e999999"),
    pytest.param("pharmacokinetics.tsv", "\t2.5\t4\t", "\t2.5\tNaN\t", "pharmacokinetics.tsv:2:22",
                 "value_max 'NaN' is not a number", id="pk value_max NaN"),
    pytest.param("dose_limits.tsv", "\t80\tmg\t", "\tInfinity\tmg\t", "dose_limits.tsv:2:23",
                 "value 'Infinity' is not a number", id="dose limit Infinity"),
    pytest.param("sources.tsv", "\t2016\t", "\t2016-13\t", "sources.tsv:2:34", "month must be in 1..12",
                 id="date month 13"),
    pytest.param("sources.tsv", "\t2016\t", "\t2023-02-29\t", "sources.tsv:2:34", "day is out of range",
                 id="date 29 February 2023"),
    *(pytest.param("drugs.tsv", "Drug A\t", f"Drug{char}A\t", "drugs.tsv:2:12", f"the control character {shown}",
                   id=f"label {name}")
      for name, char, shown in (("NUL", "\x00", "\\x00"), ("ESC", "\x1b[31m", "\\x1b"), ("C1 CSI", "\x9b", "\\x9b"),
                                ("line separator", "\u2028", "\\u2028"), ("file separator", "\x1c", "\\x1c"))),
]


@pytest.mark.parametrize(("table", "old", "new", "where", "message"), BAD_CELLS)
def test_a_bad_cell_stops_the_build_at_its_place(tmp_path: Path, table: str, old: str, new: str, where: str,
                                                 message: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    replace(data, table, old, new)
    output = tmp_path / "out.nq"
    line = one_clean_line(mrkg("build", "--data", str(data), "--output", str(output)), message)
    assert f"{data.name}/{where}" in line, line
    assert not output.exists()


# --- control characters reach the terminal as escapes, and programs exactly ------------------------------------


@pytest.fixture(scope="module")
def hostile_nq(mini_nq: Path) -> Path:
    """The mini graph with a brand name full of terminal controls (a file from elsewhere, appended by hand)."""
    path = mini_nq.with_name("hostile.nq")
    literal = json.dumps(f"Evil{ESC}\x00\r\u202eNAME")  # JSON's escapes (\u001b) are N-Quads escapes too
    quad = f"<{DRUG_A}> <https://w3id.org/mrkg/vocab/brandName> {literal}"
    path.write_text(mini_nq.read_text(encoding="utf-8") + f"{quad} <https://w3id.org/mrkg/graph/ref-a> .\n{quad} .\n",
                    encoding="utf-8")
    return path


class HostileEndpoint(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint on 127.0.0.1 whose answers, and error messages, carry terminal controls."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        status, kind = (400, "text/plain") if "fail" in body else (200, "application/sparql-results+json")
        answer = (f"bad query {ESC}" if status == 400 else json.dumps(
            {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": f"far{ESC}"}}]}}))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(answer.encode())))
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


BRAND = "SELECT ?x WHERE { drug:drug-a mr:brandName ?x FILTER(STRSTARTS(?x, 'Evil')) }"
#: (arguments, where: "graph" or "endpoint"); what must appear, shown as escapes.
TO_TERMINAL = {
    "query table from data": (("query", "--sparql", BRAND), "graph", "Evil\\x1b[2J\\x1b]0;owned\\x07\\x00 \\u202eNAME"),
    "show from data": (("show", "drug-a"), "graph", "Evil\\x1b[2J\\x1b]0;owned\\x07\\x00\\r\\u202eNAME  [ref-a]"),
    "error echoing an argument": (("show", f"no{ESC}such"), "graph", "no Entity named 'no\\x1b[2J\\x1b]0;owned\\x07such'"),
    "query table from an endpoint": (("query", "--sparql", "SELECT ?x WHERE { ?s ?p ?x }"), "endpoint",
                                     "far\\x1b[2J\\x1b]0;owned\\x07"),
    "error message from an endpoint": (("query", "--sparql", "SELECT * WHERE { ?s ?p 'fail' }"), "endpoint",
                                       "bad query \\x1b[2J\\x1b]0;owned\\x07"),
}


@pytest.mark.parametrize("case", list(TO_TERMINAL), ids=list(TO_TERMINAL))
def test_control_characters_reach_the_terminal_as_escapes(hostile_nq: Path, endpoint: str, case: str) -> None:
    args, target, shown = TO_TERMINAL[case]
    result = mrkg(*args, *(["--graph", str(hostile_nq)] if target == "graph" else ["--endpoint", endpoint]))
    assert shown in result.output, result.output
    assert not any(char in result.output for char in "\x1b\x00\x07\r\u202e"), repr(result.output)


@pytest.mark.parametrize("fmt", ["csv", "json", "tsv"])
def test_output_for_programs_stays_exact(hostile_nq: Path, fmt: str) -> None:
    result = mrkg("query", "--sparql", BRAND, "--format", fmt, "--graph", str(hostile_nq))
    assert result.exit_code == 0, result.output
    value = f"Evil{ESC}\x00\r\u202eNAME"
    if fmt == "json":
        assert json.loads(result.output)["results"]["bindings"][0]["x"]["value"] == value
    elif fmt == "csv":
        assert f'"{value}"' in result.output  # quoted, as CSV quotes a value holding a line break
    else:
        assert value.replace("\r", "\\r") in result.output


# --- corrupt files given to --graph, on both engines ------------------------------------------------------------


def _body(mini: Path) -> bytes:
    """The quads of the mini graph without MRKG's seal (a file from elsewhere)."""
    return b"".join(line for line in mini.read_bytes().splitlines(True) if not line.startswith(b"#"))


#: name → (how to make the file in a folder from the mini graph, words of the error)
CORRUPT: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "empty": (lambda d, m: _write(d / "g.nq", b""), "the file is empty"),
    "binary garbage": (lambda d, m: _write(d / "g.nq", bytes(range(256)) * 64), "holds a NUL byte"),
    "truncated line": (lambda d, m: _write(d / "g.nq", _body(m)[:len(_body(m)) // 2 + 17]), "not valid N-Quads"),
    "sealed file cut short": (lambda d, m: _write(d / "g.nq", m.read_bytes()[:-200]), "the file was cut short"),
    "wrong extension": (lambda d, m: _write(d / "g.ttl", m.read_bytes()), "the name says Turtle"),
    "Turtle syntax": (lambda d, m: _write(d / "g.nq", b"@prefix ex: <http://e/> .\nex:a ex:b ex:c .\n"),
                      "not valid N-Quads"),
    "invalid UTF-8": (lambda d, m: _write(d / "g.nq", _body(m).replace(b'"Drug A"', b'"Drug \xff A"', 1)),
                      "not UTF-8"),
    "NUL bytes": (lambda d, m: _write(d / "g.nq", _body(m)[:2000] + b"\0\0" + _body(m)[2000:]), "holds a NUL byte"),
    "30 MB single line": (lambda d, m: _write(d / "g.nq", b'<http://e/s> <http://e/p> "' + b"x" * 30_000_000 + b'" .\n'),
                          f"longer than {MAX_LINE:,} bytes"),
    "a directory": (lambda d, m: _mkdir(d / "g.nq"), "is a folder, not a file"),
    "unreadable": (lambda d, m: _unreadable(_write(d / "g.nq", m.read_bytes())), "cannot read it (Permission denied)"),
    "missing": (lambda d, m: d / "missing.nq", "no such file"),
    "gzip named .nq": (lambda d, m: _write(d / "g.nq", gzip.compress(m.read_bytes())), "compressed with gzip"),
    "gzip named .gz": (lambda d, m: _write(d / "g.nq.gz", gzip.compress(m.read_bytes())), "the file is compressed"),
}


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _unreadable(path: Path) -> Path:
    path.chmod(0)
    return path


def _corrupt_cases() -> list:
    return [pytest.param(name, engine, id=f"{name}, {engine}",
                         marks=[pytest.mark.skipif(ROOT, reason="root reads any file")] if name == "unreadable" else [])
            for name in CORRUPT for engine in ("oxigraph", "rdflib")]


@pytest.mark.parametrize(("name", "engine"), _corrupt_cases())
def test_a_corrupt_graph_file_is_one_clear_line(tmp_path: Path, mini_nq: Path, name: str, engine: str) -> None:
    """rdflib once spent over 300 s on the 30 MB line: the line limit of Oxigraph now stops both engines first."""
    make, words = CORRUPT[name]
    path = make(tmp_path, mini_nq)
    line = one_clean_line(mrkg("query", "--sparql", "ASK { ?s ?p ?o }", "--engine", engine, "--graph", str(path)), words)
    assert path.name in line


# --- load-store -------------------------------------------------------------------------------------------------


def _file_as_parent(tmp_path: Path) -> Path:
    (tmp_path / "a-file").write_text("x")
    return tmp_path / "a-file" / "store"


def _read_only_parent(tmp_path: Path) -> Path:
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    return tmp_path / "ro" / "store"


LOAD_STORE = [
    pytest.param(lambda t: t / "store", "30 MB single line", f"longer than {MAX_LINE:,} bytes", id="30 MB line"),
    pytest.param(lambda t: t / "store", "empty", "the file is empty", id="empty file"),
    pytest.param(lambda t: t / "store", "NUL bytes", "holds a NUL byte", id="NUL bytes"),
    pytest.param(lambda t: t / "store", "a directory", "is a folder", id="a directory"),
    pytest.param(_file_as_parent, "", "cannot make the store there", id="a file where the folder should be"),
    pytest.param(_read_only_parent, "", "cannot make the store there (Permission denied)", id="unwritable folder",
                 marks=pytest.mark.skipif(ROOT, reason="root writes anywhere")),
]


@pytest.mark.parametrize(("target", "corrupt", "words"), LOAD_STORE)
def test_load_store_refuses_what_it_cannot_load_or_write(tmp_path: Path, mini_nq: Path, target: Callable[[Path], Path],
                                                         corrupt: str, words: str) -> None:
    source = CORRUPT[corrupt][0](tmp_path, mini_nq) if corrupt else mini_nq
    one_clean_line(mrkg("load-store", str(target(tmp_path)), str(source)), words)
    assert not (tmp_path / "store").exists()


# --- parameter names that are Python's, and arguments that are not UTF-8 -----------------------------------------

PARAMS = {
    "query= on a named query": (("query", "drug-interactions", "--param", "query=x"), "has no parameter query"),
    "self= on a named query": (("query", "drug-interactions", "--param", "self=x"), "has no parameter self"),
    "query= on SPARQL text": (("query", "--sparql", "ASK { ?s ?p ?o }", "--param", "query=x"), "takes no parameters"),
}


@pytest.mark.parametrize("case", list(PARAMS), ids=list(PARAMS))
def test_parameters_named_like_python_arguments_are_parameters(mini_nq: Path, case: str) -> None:
    args, words = PARAMS[case]
    one_clean_line(mrkg(*args, "--graph", str(mini_nq)), words)


@pytest.mark.parametrize("name", ["query", "self"])
def test_the_python_api_binds_parameters_named_query_or_self(mini_nq: Path, tmp_path: Path, name: str) -> None:
    from kg.query import parse_named_query

    rq = tmp_path / "echo.rq"
    rq.write_text(f"# title: Echo\n# question: What was given?\n# param: {name} (string) anything\n"
                  f"# example: mrkg query echo --param {name}=x\nSELECT ?{name} WHERE {{}}\n", encoding="utf-8")
    graph = kg.load(path=mini_nq)
    with pytest.raises(QueryError, match=f"has no parameter {name}"):
        graph.query("drug-interactions", **{name: "x"})
    graph.library["echo"] = parse_named_query(rq)
    assert graph.query("echo", **{name: "given"}).column(name) == ["given"]


NOT_UTF8 = {
    "entity name": ("show", "baclof\udcffen"),
    "parameter value": ("query", "drug-interactions", "--param", "drug=\udcff"),
    "SPARQL text": ("query", "--sparql", 'ASK { ?s ?p "\udcff" }'),
    "option value": ("query", "drug-interactions", "--format", "\udcff"),
}


@pytest.mark.parametrize("case", list(NOT_UTF8), ids=list(NOT_UTF8))
def test_an_argument_that_is_not_utf8_is_refused(mini_nq: Path, case: str) -> None:
    """Python keeps the bytes of such an argument as surrogates (``\\udcff``), which nothing downstream can encode."""
    line = one_clean_line(mrkg(*NOT_UTF8[case], "--graph", str(mini_nq)), "is not valid UTF-8", "\\xff")
    assert "\udcff" not in line


def test_an_argument_that_is_not_utf8_is_refused_by_the_installed_command(mini_nq: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kg", "show", b"baclof\xffen", "--graph", str(mini_nq)],
                          capture_output=True, cwd=REPO, timeout=120)
    assert done.returncode == 2 and b"is not valid UTF-8" in done.stderr and b"Traceback" not in done.stderr, done.stderr


# --- server options are refused before a server starts -------------------------------------------------------------

SERVE_OPTIONS = [("--port", "99999"), ("--port", "0"), ("--port", "-1"), ("--timeout", "0"), ("--timeout", "-1"),
                 ("--timeout", "nan"), ("--timeout", "inf"), ("--max-results", "-5"), ("--max-results", "0")]


@pytest.mark.parametrize(("option", "value"), SERVE_OPTIONS, ids=[f"{o} {v}" for o, v in SERVE_OPTIONS])
def test_serve_refuses_out_of_range_options(monkeypatch: pytest.MonkeyPatch, option: str, value: str) -> None:
    import kg.serve

    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server was started")

    monkeypatch.setattr(kg.serve, "run_serve", started)
    one_clean_line(mrkg("serve", option, value), f"Invalid value for '{option}'")


def test_the_endpoint_timeout_refuses_nan() -> None:
    one_clean_line(mrkg("stats", "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "nan"),
                   "Invalid value for '--timeout'")


# --- SERVICE with a variable ------------------------------------------------------------------------------------

SERVICE = ["SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }",
           "SELECT * WHERE { BIND(<http://127.0.0.1:9/> AS ?x) SERVICE SILENT ?x { ?s ?p ?o } }",
           "select * where { service $x { ?s ?p ?o } }"]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("sparql", SERVICE, ids=["SERVICE ?x", "SERVICE SILENT ?x bound", "service $x"])
def test_service_with_a_variable_is_refused(mini_nq: Path, engine: str, sparql: str) -> None:
    one_clean_line(mrkg("query", "--sparql", sparql, "--engine", engine, "--graph", str(mini_nq)),
                   "SERVICE reaches another endpoint", "--allow-remote-fetch")


# --- what a killed build leaves behind --------------------------------------------------------------------------


def test_the_temporary_file_of_a_killed_build_is_removed(tmp_path: Path) -> None:
    """A killed build leaves ``.out.nq.*.tmp`` (its lock died with it): the next build to the same place removes it."""
    left = tmp_path / ".out.nq.killed.tmp"
    left.write_text("half a build")
    result = mrkg("build", "--data", str(MINI), "--output", str(tmp_path / "out.nq"))
    assert result.exit_code == 0, result.output
    assert not left.exists() and not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
