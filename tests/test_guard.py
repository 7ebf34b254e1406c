"""Nothing is fetched unless the user asks (issue 15, fault 2): the embedded engines refuse SERVICE, LOAD and FROM /
FROM NAMED outside the dataset; a fake server on 127.0.0.1 counts what would have reached it."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import kg
from kg.build import build_to_file
from kg.errors import QueryError

ANSWER = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "from afar"}}]}}'


class FakeEndpoint(http.server.BaseHTTPRequestHandler):
    """Answers every request with one SPARQL JSON row and counts the requests."""

    hits: list[str] = []

    def _answer(self) -> None:
        FakeEndpoint.hits.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def fake() -> Iterator[str]:
    FakeEndpoint.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()


@pytest.fixture(params=["oxigraph", "rdflib"])
def mini_graph(request: pytest.FixtureRequest, mini_data: Path, tmp_path: Path) -> kg.KnowledgeGraph:
    path = tmp_path / "mini.nq"
    build_to_file(path, mini_data)
    return kg.load(engine=request.param, path=path)


def outside_queries(url: str) -> dict[str, str]:
    return {
        "service": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?x ?p ?o }} }}",
        "service silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?x ?p ?o }} }}",
        "from": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "from named": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from a file": "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
        "prefixed from": f"PREFIX far: <{url}#> SELECT * FROM far:g WHERE {{ ?s ?p ?o }}",
    }


@pytest.mark.parametrize("case", list(outside_queries("x")))
def test_queries_reaching_outside_are_refused_and_send_nothing(mini_graph, fake: str, case: str) -> None:
    with pytest.raises(QueryError, match="MRKG refuses .*--allow-remote-fetch"):
        mini_graph.query(outside_queries(fake)[case])
    assert FakeEndpoint.hits == []


def test_from_the_datasets_own_graph_is_read_there(mini_graph, fake: str) -> None:
    """FROM a graph of the dataset is allowed, and rdflib reads it from the dataset instead of fetching the IRI."""
    rows = mini_graph.query("SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/mrkg/graph/ref-a> WHERE { ?s ?p ?o }").rows
    assert int(rows[0][0].value) > 0
    assert "SERVICE" in mini_graph.query('SELECT ?t WHERE { BIND("SERVICE <x>" AS ?t) }').rows[0][0].value


def test_allowed_service_reaches_the_endpoint(mini_data: Path, tmp_path: Path, fake: str) -> None:
    path = tmp_path / "mini.nq"
    build_to_file(path, mini_data)
    graph = kg.load(path=path, allow_remote_fetch=True)
    rows = graph.query(f"SELECT ?x WHERE {{ SERVICE <{fake}> {{ ?x ?p ?o }} }}").rows
    assert [row[0].value for row in rows] == ["from afar"] and len(FakeEndpoint.hits) == 1


@pytest.mark.slow
def test_cli_refuses_a_service_query_in_one_line(built: Path, fake: str, tmp_path: Path) -> None:
    mrkg = str(Path(sys.executable).parent / "mrkg")
    query = tmp_path / "far.rq"
    query.write_text(f"SELECT * WHERE {{ SERVICE <{fake}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
    for args in (["--sparql", query.read_text()], [str(query)]):
        done = subprocess.run([mrkg, "query", *args, "--graph", str(built)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and done.stderr.startswith("error: SERVICE reaches another endpoint"), done.stderr
        assert "Traceback" not in done.stderr
    assert FakeEndpoint.hits == []
