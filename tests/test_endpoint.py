"""Beyond one machine: the same answers from a real Oxigraph server (--endpoint) and an on-disk store (--store).

The server is the ``oxigraph`` binary of the PyPI package ``oxigraph`` (the ``test`` extra), started
once per session on a free loopback port; its tests are skipped only when the binary is missing.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.endpoint import EndpointStore, add_prefixes, bind_values
from kg.errors import EntityNotFound, QueryError
from kg.store import Term
from test_queries import NAMES, example_params, normalised

INJECTION = "baclofen> } ; DROP ALL #"


def _oxigraph_binary() -> str | None:
    """The Oxigraph server binary: beside this Python (a venv's bin/) or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_answering(url: str, server: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Poll ``url`` with an ASK query until the server answers; fail with its log if it dies or never does."""
    request = urllib.request.Request(url, data=b"query=ASK%7B%7D", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the Oxigraph server exited with {server.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    pytest.fail(f"the Oxigraph server did not answer at {url} within {seconds} s: {log.read_text()}")


@pytest.fixture(scope="session")
def endpoint(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of a read-only Oxigraph server that loaded the built file (named graphs and their merge)."""
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install 'oxigraph>=0.5,<0.6', in the test extra)")
    work = tmp_path_factory.mktemp("oxigraph-server")
    # the built file as it is: its default graph holds the merge, so no --union-default-graph
    subprocess.run([binary, "load", "--location", str(work / "db"), "--file", str(built)],
                   check=True, capture_output=True, timeout=300)
    port, log = _free_port(), work / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen([binary, "serve-read-only", "--location", str(work / "db"),
                                   "--bind", f"127.0.0.1:{port}", "--timeout-s", "60"], stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_until_answering(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def remote(endpoint: str) -> kg.KnowledgeGraph:
    return kg.connect(endpoint)


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _csv_rows(output: str) -> list[list[str]]:
    """CSV output as sorted rows, each "; "-joined list sorted (GROUP_CONCAT leaves their order open)."""
    return sorted(["; ".join(sorted(cell.split("; "))) for cell in row] for row in csv.reader(io.StringIO(output)))


def _clean_error(result, *words: str) -> None:
    """A one-line error on exit 2, no traceback, containing ``words``."""
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output


# --- binding and prefixes, no server needed ---------------------------------------------------------------


def test_values_go_first_in_the_where_group_and_in_groups_that_use_them() -> None:
    """Comments and strings are skipped; a UNION branch filtering on ?n gets ?n too; `{ SELECT` stays intact."""
    text = ('# a comment { with braces }\nSELECT ?d ?n WHERE { ?d rdfs:label "a } in a string" .\n'
            '  { ?d mr:x ?n } UNION { ?s mr:y ?m FILTER(?m = ?n) } { SELECT ?q WHERE { ?q mr:z ?d } } VALUES ?z { 1 } }')
    bound = bind_values(text, {"d": Term.iri("http://x/d"), "n": Term.literal("5")})
    both, d, n = ' VALUES (?d ?n) { (<http://x/d> "5") }', " VALUES (?d) { (<http://x/d>) }", ' VALUES (?n) { ("5") }'
    assert bound == ('# a comment { with braces }\nSELECT ?d ?n WHERE {' + both + ' ?d rdfs:label "a } in a string" .\n'
                     '  {' + both + ' ?d mr:x ?n } UNION {' + n + ' ?s mr:y ?m FILTER(?m = ?n) } '
                     '{ SELECT ?q WHERE {' + d + ' ?q mr:z ?d } } VALUES ?z { 1 } }')


def test_values_skip_a_construct_template() -> None:
    text = "CONSTRUCT { ?d rdfs:label ?l } WHERE { ?d rdfs:label ?l }"
    bound = bind_values(text, {"d": Term.iri("https://w3id.org/mrkg/drug/baclofen")})
    assert bound == ("CONSTRUCT { ?d rdfs:label ?l } WHERE { VALUES (?d) { (<https://w3id.org/mrkg/drug/baclofen>) }"
                     " ?d rdfs:label ?l }")
    with pytest.raises(QueryError, match="short form"):
        bind_values("CONSTRUCT WHERE { ?d ?p ?o }", {"d": Term.iri("http://x/y")})


@pytest.mark.parametrize("iri", [INJECTION, "http://x/a b", "http://x/a>", 'http://x/"', "http://x/{", "http://x/\\", ""])
def test_iris_that_could_break_out_are_refused(iri: str) -> None:
    with pytest.raises(QueryError, match="not a valid IRI"):
        bind_values("SELECT ?d WHERE { ?d ?p ?o }", {"d": Term.iri(iri)})


def test_literals_are_escaped_and_variables_checked() -> None:
    bound = bind_values("SELECT ?n WHERE { ?s ?p ?n }", {"n": Term.literal('x" } ; DROP ALL #\n')})
    assert '"x\\" } ; DROP ALL #\\n"' in bound
    with pytest.raises(QueryError, match="not a SPARQL variable"):
        bind_values("SELECT ?n WHERE { ?s ?p ?n }", {"n) } DROP ALL #": Term.literal("x")})
    with pytest.raises(QueryError, match="no WHERE group"):
        bind_values("DESCRIBE ?n", {"n": Term.literal("x")})


def test_prefixes_added_only_when_used_and_undeclared() -> None:
    text = "PREFIX mr: <http://example.org/other#>\nSELECT ?l WHERE { drug:baclofen rdfs:label ?l ; mr:x ?y }"
    added = add_prefixes(text)
    assert added.startswith("PREFIX drug: <https://w3id.org/mrkg/drug/>\nPREFIX rdfs: ")
    assert added.count("PREFIX mr:") == 1 and "PREFIX owl:" not in added
    assert add_prefixes('SELECT ?s WHERE { ?s ?p "owl:Thing" } # skos:x') == 'SELECT ?s WHERE { ?s ?p "owl:Thing" } # skos:x'


def test_bad_endpoint_arguments() -> None:
    with pytest.raises(QueryError, match="not an http"):
        EndpointStore("127.0.0.1:7878/query")
    with pytest.raises(QueryError, match="more than 0"):
        EndpointStore("http://127.0.0.1:7878/query", timeout=0)


# --- the same answers through a real server -------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_named_queries_agree_with_the_embedded_engine(graph, remote, name: str) -> None:
    params = example_params(name)
    rows = normalised(remote.query(name, **params))
    assert rows == normalised(graph.query(name, **params))
    assert rows, f"{name} example returned no rows through the endpoint"


def test_ad_hoc_select_ask_construct(graph, remote) -> None:
    assert remote.query("SELECT ?l WHERE { drug:baclofen rdfs:label ?l }").column("l") == ["baclofen"]
    assert remote.query("ASK { drug:tizanidine mr:metabolisedBy target:cyp1a2 }").boolean is True
    assert remote.query("ASK { drug:tramadol mr:memberOf class:muscle-relaxants }").boolean is False
    construct = "CONSTRUCT { drug:tizanidine ?p ?o } WHERE { drug:tizanidine ?p ?o }"
    triples = remote.query(construct)
    assert triples.variables == ["subject", "predicate", "object"] and len(triples) > 10
    assert normalised(triples) == normalised(graph.query(construct))


def test_counts_agree(graph, remote) -> None:
    """The server's default graph is the merge (each fact once), as the embedded engines see it."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert remote.query(count).rows == graph.query(count).rows
    assert remote.store.quad_count() == graph.store.quad_count()


def test_bound_literal_comes_back_unchanged(remote) -> None:
    evil = 'x" } ; DROP ALL # \\ \n <y>'
    result = remote.store.query("SELECT ?v WHERE { BIND(1 AS ?one) }", {"v": Term.literal(evil)})
    assert result.column("v") == [evil]


def test_injection_is_resolved_or_refused_never_executed(remote) -> None:
    before = remote.store.quad_count()
    with pytest.raises(EntityNotFound):
        remote.query("drug-interactions", drug=INJECTION)
    assert remote.query("find-by-name", name=INJECTION.replace(">", '"')).rows == []
    with pytest.raises(QueryError, match="not a valid IRI"):
        remote.store.query("SELECT ?d WHERE { ?d ?p ?o }", {"d": Term.iri("https://w3id.org/mrkg/drug/" + INJECTION)})
    _clean_error(_run("query", "drug-interactions", "--param", f"drug={INJECTION}", "--endpoint", remote.store.url),
                 "no Substance named")
    assert EndpointStore(remote.store.url).quad_count() == before


def test_dump_round_trips(remote, graph, tmp_path: Path) -> None:
    """An N-Quads export through the endpoint holds the same named graphs and the same merge."""
    path = remote.export("nquads", tmp_path / "remote.nq")
    dumped = ox.Store()
    dumped.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    for count in ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"):
        assert int(next(iter(dumped.query(count)))[0].value) == int(graph.query(count).rows[0][0].value)


# --- the command line with --endpoint -----------------------------------------------------------------


def test_cli_query_and_table(endpoint: str, built: Path) -> None:
    args = ["query", "drug-interactions", "--param", "drug=baclofen", "--format", "csv"]
    remote, local = _run(*args, "--endpoint", endpoint), _run(*args, "--graph", str(built))
    assert remote.exit_code == 0, remote.output
    assert _csv_rows(remote.output) == _csv_rows(local.output)
    for drugs in (["baclofen", "tramadol", "alcohol"], ["tizanidine", "ciprofloxacin", "fluvoxamine"],
                  ["oxycodone", "diazepam", "cyclobenzaprine", "phenelzine"]):
        args = ["check", *drugs, "--format", "csv"]
        assert _csv_rows(_run(*args, "--endpoint", endpoint).output) == _csv_rows(_run(*args, "--graph", str(built)).output)
    sparql = _run("query", "--sparql", "SELECT ?l WHERE { drug:baclofen rdfs:label ?l }", "--endpoint", endpoint,
                  "--timeout", "20", "--format", "csv")
    assert sparql.output.splitlines() == ["l", "baclofen"]


@pytest.mark.parametrize("args", [["stats"], ["show", "lioresal"],
                                  ["neighbors", "tizanidine", "--depth", "2"], ["path", "tizanidine", "ciprofloxacin"],
                                  ["similar", "baclofen"], ["hubs"], ["metapath", "tizanidine", "metabolisedBy <inhibits"]],
                         ids=lambda args: args[0])
def test_cli_commands_agree(endpoint: str, built: Path, args: list[str]) -> None:
    remote, local = _run(*args, "--endpoint", endpoint), _run(*args, "--graph", str(built))
    assert remote.exit_code == 0, remote.output
    assert sorted(remote.output.splitlines()) == sorted(local.output.splitlines())


def test_cli_cold_endpoint_query_stays_light(endpoint: str) -> None:
    """A query against an endpoint imports neither rdflib nor networkx."""
    code = ("import sys\nfrom click.testing import CliRunner\nfrom kg.cli import main\n"
            f"r = CliRunner().invoke(main, ['query', 'drug-interactions', '-p', 'drug=baclofen', '--endpoint', '{endpoint}'])\n"
            "assert r.exit_code == 0 and 'ethanol' in r.output, r.output\n"
            "print(sorted(m for m in ('rdflib', 'networkx', 'owlready2', 'pyshacl') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("extra, words", [
    (["--graph", "x.nq"], "drop --graph"),
    (["--engine", "rdflib", "--inferred"], "drop --engine rdflib, --inferred"),
    (["--store", "somewhere"], "drop --store"),
], ids=["graph", "engine-inferred", "store"])
def test_cli_endpoint_clashes(extra: list[str], words: str) -> None:
    result = _run("query", "drug-interactions", "-p", "drug=baclofen", "--endpoint", "http://127.0.0.1:9/query", *extra)
    _clean_error(result, words)


def test_cli_timeout_needs_endpoint() -> None:
    _clean_error(_run("stats", "--timeout", "5"), "--timeout applies to --endpoint only")


# --- errors a user can meet ---------------------------------------------------------------------------


def test_unreachable_endpoint_is_a_clean_error() -> None:
    url = f"http://127.0.0.1:{_free_port()}/query"
    _clean_error(_run("query", "drug-interactions", "-p", "drug=baclofen", "--endpoint", url),
                 f"cannot reach the SPARQL endpoint {url}", "check the URL")


def test_http_errors_carry_the_servers_message(endpoint: str) -> None:
    _clean_error(_run("query", "--sparql", "SELECT * WHERE { ?s ?p }", "--endpoint", endpoint),
                 "HTTP 400", "check the query")
    wrong = endpoint.removesuffix("query") + "nowhere"
    _clean_error(_run("stats", "--endpoint", wrong), "HTTP 404", "give the endpoint's query address")


class _Html(BaseHTTPRequestHandler):
    """A web server that is not a SPARQL endpoint: a page for every request."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>hello</body></html>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Html)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_non_sparql_answer_is_a_clean_error(web_page: str) -> None:
    _clean_error(_run("show", "baclofen", "--endpoint", web_page), "did not answer with SPARQL results (got text/html)")
    with pytest.raises(QueryError, match="is it a SPARQL endpoint"):
        EndpointStore(web_page).query("CONSTRUCT WHERE { ?s ?p ?o }")


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A socket that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/query"
    sock.close()


def test_timeout_is_a_clean_error(silent_server: str) -> None:
    started = time.monotonic()
    _clean_error(_run("stats", "--endpoint", silent_server, "--timeout", "0.5"),
                 "--timeout: ", "did not answer within 0.5 s", "raise the timeout")
    assert time.monotonic() - started < 10


# --- an on-disk store (--store) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_dir(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("ondisk") / "store"
    result = _run("load-store", str(directory), str(built))
    assert result.exit_code == 0, result.output
    assert f"query it with --store {directory}" in result.output
    return directory


def test_store_round_trip(store_dir: Path, graph) -> None:
    """The saved store holds the same quads graph by graph, and answers as the built graph does (same engine: a few
    named queries of each shape are enough; the engines are compared on every query in test_queries)."""
    stored = kg.load(store=store_dir)
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    assert stored.query(per_graph).dicts() == graph.query(per_graph).dicts()
    assert stored.store.quad_count() == graph.store.quad_count()
    for name in ("drug-interactions", "interaction-summary", "drugs-for-condition", "stats-entities", "find-by-name"):
        params = example_params(name)
        assert normalised(stored.query(name, **params)) == normalised(graph.query(name, **params)), name


def test_store_on_the_command_line(store_dir: Path, built: Path) -> None:
    args = ["query", "drug-interactions", "--param", "drug=baclofen", "--format", "csv"]
    stored = _run(*args, "--store", str(store_dir))
    assert stored.exit_code == 0, stored.output
    assert _csv_rows(stored.output) == _csv_rows(_run(*args, "--graph", str(built)).output)
    assert _run("show", "tizanidine", "--store", str(store_dir)).output == _run("show", "tizanidine", "--graph", str(built)).output
    _clean_error(_run(*args, "--store", str(store_dir), "--graph", str(built)), "--store: an on-disk Oxigraph store cannot be combined with a graph file")


def test_bad_store_paths(tmp_path: Path, built: Path, store_dir: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.txt").write_text("not a store")
    for path, words in ((tmp_path / "missing", "does not exist"), (tmp_path / "empty", "is not an Oxigraph store"),
                        (tmp_path / "file.txt", "is not an Oxigraph store")):
        _clean_error(_run("stats", "--store", str(path)), f"--store: the store {path} {words}", "mrkg load-store")
    _clean_error(_run("load-store", str(store_dir), str(built)), "already exists")
    _clean_error(_run("load-store", str(tmp_path / "new"), str(tmp_path / "file.txt")), "N-Quads (.nq) or TriG")
    _clean_error(_run("load-store", str(tmp_path / "new"), str(tmp_path / "missing.nq")), "no such file")
    broken = tmp_path / "broken.nq"
    broken.write_text('<http://x/a> <http://x/b> "c" <http://x/g> .\n<http://x/a> <http://x/b c> "c" <http://x/g> .\n')
    _clean_error(_run("load-store", str(tmp_path / "new"), str(broken)), f"{broken}: not valid RDF", "line 2")
    assert not [p for p in tmp_path.iterdir() if "new" in p.name], "a failed load left files behind"


def test_store_without_merged_default_graph_is_refused(tmp_path: Path) -> None:
    """A store whose default graph is empty (e.g. `oxigraph load` of named graphs only) would answer nothing."""
    store = ox.Store(str(tmp_path / "bare"))
    store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o"), ox.NamedNode("http://x/g")))
    store.flush()
    del store
    _clean_error(_run("stats", "--store", str(tmp_path / "bare")), "has an empty default graph")


def test_load_store_merges_a_file_from_elsewhere(tmp_path: Path, built: Path) -> None:
    """A file with no default graph gets its triples merged in, once, beside MRKG's file (which brings its own)."""
    foreign = tmp_path / "foreign.nq"
    fact = '<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "X"'
    foreign.write_text(f"{fact} <https://example.org/g1> .\n{fact} <https://example.org/g2> .\n")
    result = _run("load-store", str(tmp_path / "both"), str(built), str(foreign))
    assert result.exit_code == 0, result.output
    stored = kg.load(store=tmp_path / "both")
    assert stored.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {fact} }}").rows[0][0].value == "1"
    assert stored.query("ASK { drug:baclofen mr:memberOf ?class }").boolean


def test_serve_an_on_disk_store(store_dir: Path, tmp_path: Path, graph) -> None:
    """`mrkg serve --store DIR` answers from the on-disk store as from the built file; a bad DIR is refused by name."""
    pytest.importorskip("fastapi")
    httpx = pytest.importorskip("httpx")
    from kg.serve import create_app
    from test_serve import _Server

    with _Server(create_app(store=store_dir, workers=1)) as server:
        answer = httpx.get(f"{server.url}/queries/drug-interactions", params={"drug": "baclofen"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    assert len(answer["results"]["bindings"]) == len(graph.query("drug-interactions", drug="baclofen"))
    with pytest.raises(QueryError, match="does not exist"):
        create_app(store=tmp_path / "missing")
