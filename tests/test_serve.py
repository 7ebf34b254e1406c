"""The SPARQL endpoint over real HTTP: a server on 127.0.0.1 started here, plain httpx and SPARQLWrapper.

Checked: every result format through a real SPARQL client; the refusals (update, SERVICE, LOAD,
FROM outside the dataset), including keywords hidden in comments and literals that must *not* be
refused; the time limit stopping a runaway query while another client is served; the request and
result limits; the named queries as resources; the descriptions; linked data.
"""

from __future__ import annotations

import csv
import io
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")

from kg.serve import create_app  # noqa: E402
from kg.serve.formats import choose, negotiate  # noqa: E402
from kg.serve.safety import Refused, check_query  # noqa: E402

BACLOFEN = "https://w3id.org/mrkg/drug/baclofen"
DRUGCENTRAL = "https://w3id.org/mrkg/graph/drugcentral-2016"
ATC_QUERY = "SELECT ?atc WHERE { drug:baclofen mr:atcCode ?atc }"
#: Runs for minutes on the real graph: three-way cartesian product of every triple.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: The time limit on an idle machine: long enough for the slowest honest request (the first picture builds the
#: projection), short enough for the runaway test to wait for it. On a slower or busier machine it grows with the
#: time one entity page takes here (``time_limit``), so that no honest request meets it.
TIMEOUT = 5.0
#: How many entity pages fit in the limit: the slowest honest request is a few pages' worth of work.
PAGES_PER_LIMIT = 20
MAX_RESULTS = 500
MAX_REQUEST = 20_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    """``server_config(app)`` (the configuration ``mrkg serve`` runs) in a thread on a free loopback port."""

    #: the app's time limit, in seconds, for clients that must wait past it
    limit: float = TIMEOUT

    def __init__(self, app, **limits: int) -> None:  # type: ignore[no-untyped-def]
        from kg.serve.app import server_config

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(server_config(app, "127.0.0.1", self.port, **limits))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def time_limit(graph) -> float:  # type: ignore[no-untyped-def]
    """TIMEOUT, or more on a machine where one entity page (tizanidine's, every statement) takes longer than
    TIMEOUT / PAGES_PER_LIMIT: measured in this process, at the machine's present load."""
    start = time.perf_counter()
    graph.describe("tizanidine")
    return max(TIMEOUT, PAGES_PER_LIMIT * (time.perf_counter() - start))


@pytest.fixture(scope="module")
def server(built: Path, graph):  # type: ignore[no-untyped-def]
    """The endpoint over the real graph: 2 workers, a time limit of 5 s or more (time_limit), 500 results, 20 kB
    requests."""
    limit = time_limit(graph)
    app = create_app(built, workers=2, timeout=limit, max_results=MAX_RESULTS, max_request_bytes=MAX_REQUEST)
    with _Server(app) as running:
        running.limit = limit
        yield running


@pytest.fixture
def http(server: _Server):  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


# --- the SPARQL protocol with a real client ------------------------------------------------

@pytest.fixture
def wrapper(server: _Server):  # type: ignore[no-untyped-def]
    sparqlwrapper = pytest.importorskip("SPARQLWrapper")
    return lambda: sparqlwrapper.SPARQLWrapper(f"{server.url}/sparql")


@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_in_every_format_with_sparqlwrapper(wrapper, method: str, fmt: str) -> None:
    """Baclofen's ATC code is M03BX01 (WHO ATC, M03BX 'other centrally acting agents')."""
    from SPARQLWrapper import POST, POSTDIRECTLY, URLENCODED

    client = wrapper()
    client.setQuery(ATC_QUERY)
    client.setReturnFormat(fmt)
    if method != "GET":
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY if method == "POSTDIRECTLY" else URLENCODED)
    response = client.query()
    body = response.convert()
    if fmt == "json":
        assert [b["atc"]["value"] for b in body["results"]["bindings"]] == ["M03BX01"]
    elif fmt == "xml":
        values = [n.firstChild.data for n in body.getElementsByTagName("literal")]
        assert values == ["M03BX01"]
    else:
        text = body.decode() if isinstance(body, bytes) else body
        rows = list(csv.reader(io.StringIO(text), delimiter=",") if fmt == "csv"
                    else csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
        assert rows[0] == (["atc"] if fmt == "csv" else ["?atc"])
        assert rows[1] == (["M03BX01"] if fmt == "csv" else ['"M03BX01"'])


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_with_sparqlwrapper(wrapper, fmt: str) -> None:
    client = wrapper()
    client.setQuery("ASK { drug:baclofen a mr:Drug }")
    client.setReturnFormat(fmt)
    body = client.query().convert()
    answer = body["boolean"] if fmt == "json" else body.getElementsByTagName("boolean")[0].firstChild.data
    assert answer in (True, "true")


@pytest.mark.parametrize("fmt", ["turtle", "n3", "json-ld", "xml", "rdf+xml"])
def test_construct_in_every_graph_format_with_sparqlwrapper(wrapper, fmt: str) -> None:
    """CONSTRUCT answers parse back, through rdflib, to the graph's own triple."""
    from rdflib import Graph, Literal, URIRef

    client = wrapper()
    client.setQuery("CONSTRUCT { drug:baclofen mr:atcCode ?atc } WHERE { drug:baclofen mr:atcCode ?atc }")
    client.setReturnFormat(fmt)
    body = client.query().convert()
    if not isinstance(body, Graph):  # SPARQLWrapper hands Turtle and JSON-LD over as bytes
        body = Graph().parse(data=body, format="json-ld" if fmt == "json-ld" else "turtle")
    assert set(body) == {(URIRef(BACLOFEN), URIRef("https://w3id.org/mrkg/vocab/atcCode"), Literal("M03BX01"))}


@pytest.mark.parametrize(("accept", "media", "rdflib_format"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
], ids=["turtle", "ntriples", "jsonld", "rdfxml"])
def test_describe_negotiated_by_accept(http, accept: str, media: str, rdflib_format: str) -> None:
    from rdflib import Graph, URIRef

    answer = http.get("/sparql", params={"query": "DESCRIBE drug:baclofen"}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media
    graph = Graph().parse(data=answer.content, format=rdflib_format)
    assert (URIRef(BACLOFEN), URIRef("https://w3id.org/mrkg/vocab/atcCode"), None) in graph


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_media_types(http, accept: str, media: str) -> None:
    answer = http.get("/sparql", params={"query": ATC_QUERY}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media
    assert "M03BX01" in answer.text


def test_unacceptable_format_is_406_or_400(http) -> None:
    assert http.get("/sparql", params={"query": ATC_QUERY}, headers={"Accept": "image/png"}).status_code == 406
    answer = http.get("/sparql", params={"query": ATC_QUERY, "format": "turtle"})
    assert answer.status_code == 400 and "SELECT" in answer.text
    assert http.get("/sparql", params={"query": ATC_QUERY, "format": "pdf"}).status_code == 400


def test_default_and_named_graph_uri(http) -> None:
    """default-graph-uri narrows the default graph to one source; named-graph-uri limits GRAPH."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = http.get("/sparql", params={"query": count, "format": "csv"}).text.split()[1]
    one = http.get("/sparql", params={"query": count, "format": "csv", "default-graph-uri": DRUGCENTRAL}).text.split()[1]
    assert 0 < int(one) < int(whole)
    graphs = http.post("/sparql", data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                        "named-graph-uri": DRUGCENTRAL}, headers={"Accept": "text/csv"})
    assert graphs.text.split() == ["g", DRUGCENTRAL]


# --- safety ----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX ex: <http://example.org/>\nSELECT * FROM ex:data WHERE { ?s ?p ?o }",
    "BASE <http://example.org/> SELECT * FROM <data> WHERE { ?s ?p ?o }",
    'SELECT * WHERE { ?s ?p "#" . SERVICE <http://example.org/s> { ?s ?p ?o } }',
    "LOAD <http://example.org/data.ttl>",
], ids=["service", "service-silent-lowercase", "from", "from-named-file", "from-prefixed", "from-relative",
        "service-after-hash-in-literal", "load"])
def test_outside_access_refused(http, query: str) -> None:
    answer = http.post("/sparql", data={"query": query})
    assert answer.status_code in (400, 403), answer.text
    assert "refuse" in answer.text


@pytest.mark.parametrize("query", [
    'SELECT ?x WHERE { BIND("SERVICE <http://example.org/> FROM <http://example.org/> LOAD" AS ?x) }',
    "SELECT ?x WHERE { BIND(1 AS ?x) } # SERVICE <http://example.org/sparql> { }  FROM <http://x/>",
    "PREFIX service: <http://example.org/>\nSELECT ?service WHERE { BIND(service:load AS ?service) }",
    f"SELECT (COUNT(*) AS ?x) FROM <{DRUGCENTRAL}> WHERE {{ ?s ?p ?o }}",
    "SELECT (COUNT(*) AS ?x) FROM graph:drugcentral-2016 WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { BIND(<http://example.org/from> AS ?x) }",
], ids=["keywords-in-literal", "keywords-in-comment", "keywords-as-prefixed-names", "from-own-graph",
        "from-own-graph-prefixed", "keyword-in-iri"])
def test_harmless_lookalikes_run(http, query: str) -> None:
    answer = http.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200, answer.text
    assert answer.text.split()[0] in ("x", "service")


@pytest.mark.parametrize("request_kwargs", [
    {"data": {"update": "INSERT DATA { <http://a/b> <http://a/b> <http://a/b> }"}},
    {"content": "DELETE WHERE { ?s ?p ?o }", "headers": {"Content-Type": "application/sparql-update"}},
    {"data": {"query": "PREFIX ex: <http://a/> INSERT DATA { ex:b ex:b ex:b }"}},
    {"data": {"query": "DROP ALL"}},
], ids=["update-form", "update-direct", "insert-as-query", "drop-as-query"])
def test_updates_refused_with_403(http, request_kwargs: dict) -> None:
    answer = http.post("/sparql", **request_kwargs)
    assert answer.status_code == 403
    assert "read-only" in answer.text


def test_update_by_get_refused(http) -> None:
    assert http.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 403


@pytest.mark.parametrize("query", ["SELEC ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { ?x ?p ", "ASK { ?s <unclosed ?o }",
                                   "SELECT ?x WHERE { ?x undeclared:p ?o }", ""])
def test_malformed_query_is_400_with_the_parser_message(http, query: str) -> None:
    answer = http.get("/sparql", params={"query": query})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")
    assert "Traceback" not in answer.text and answer.text.strip()


def test_wrong_content_type_is_415(http) -> None:
    answer = http.post("/sparql", content=ATC_QUERY, headers={"Content-Type": "application/json"})
    assert answer.status_code == 415


def test_request_size_limit(http) -> None:
    padding = "#" + "x" * MAX_REQUEST + "\n"
    assert http.post("/sparql", content=padding + ATC_QUERY,
                     headers={"Content-Type": "application/sparql-query"}).status_code == 413
    assert http.get("/sparql", params={"query": padding + ATC_QUERY}).status_code == 413
    assert http.post("/sparql", data={"query": "#" + "x" * (MAX_REQUEST // 2) + "\n" + ATC_QUERY},
                     headers={"Accept": "text/csv"}).status_code == 200


def test_result_size_limit(http) -> None:
    answer = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert answer.status_code == 400 and f"{MAX_RESULTS:,}" in answer.text
    graph = http.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.status_code == 400
    small = http.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_RESULTS}"},
                     headers={"Accept": "text/csv"})
    assert small.status_code == 200 and len(small.text.strip().splitlines()) == MAX_RESULTS + 1


def test_runaway_query_stopped_while_others_are_served(server: _Server) -> None:
    """A cartesian product is killed at the time limit; a short query sent meanwhile is answered."""
    def ask(query: str) -> httpx.Response:  # the client waits longer than the server's limit
        with httpx.Client(base_url=server.url, timeout=server.limit + 30) as client:
            return client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})

    with ThreadPoolExecutor(2) as pool:
        runaway = pool.submit(ask, RUNAWAY)
        time.sleep(0.3)  # let the runaway take its worker first
        short = pool.submit(ask, ATC_QUERY)
        assert short.result().status_code == 200
        assert short.result().text.split() == ["atc", "M03BX01"]
        stopped = runaway.result()
    assert stopped.status_code == 503
    assert "time limit" in stopped.text
    # the killed worker is replaced: the server keeps answering, on both workers
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(ask, [ATC_QUERY, ATC_QUERY]))
    assert [a.status_code for a in answers] == [200, 200]


# --- named queries -----------------------------------------------------------------------------

def test_queries_listed(http) -> None:
    listing = {q["name"]: q for q in http.get("/queries").json()}
    assert {"drug-interactions", "find-by-name", "drugs-for-condition"} <= set(listing)
    params = listing["drug-interactions"]["parameters"]
    assert params == [{"name": "drug", "type": "Substance", "required": True,
                       "description": params[0]["description"]}]
    assert listing["drug-interactions"]["title"] and listing["drug-interactions"]["question"].startswith("CQ5")


def test_named_query_binds_names_like_the_cli(http, graph) -> None:
    """A brand name resolves to its drug, exactly as ``mrkg query`` resolves it."""
    answer = http.get("/queries/drug-interactions", params={"drug": "Lioresal"}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    partners = [row["partner"] for row in csv.DictReader(io.StringIO(answer.text))]
    assert partners == graph.query("drug-interactions", drug="baclofen").column("partner")
    found = http.get("/queries/find-by-name", params={"name": "Lioresal", "format": "json"}).json()
    assert found["results"]["bindings"][0]["entity"]["value"] == BACLOFEN


@pytest.mark.parametrize(("path", "params", "status", "words"), [
    ("/queries/no-such-query", {}, 404, "no named query"),
    ("/queries/drug-interactions", {"drug": "baclofne"}, 404, "did you mean"),
    ("/queries/drug-interactions", {}, 400, "needs"),
    ("/queries/drug-interactions", {"drug": "baclofen", "colour": "red"}, 400, "no parameter colour"),
], ids=["unknown-query", "unknown-entity", "missing-param", "unknown-param"])
def test_named_query_errors(http, path: str, params: dict, status: int, words: str) -> None:
    answer = http.get(path, params=params)
    assert answer.status_code == status
    assert words in answer.text


def test_named_query_text_and_openapi(http) -> None:
    text = http.get("/queries/drug-interactions", params={"format": "sparql"})
    assert text.headers["content-type"].startswith("application/sparql-query") and "SELECT" in text.text
    spec = http.get("/openapi.json").json()
    operation = spec["paths"]["/queries/drug-interactions"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["drug", "format"]
    assert operation["parameters"][0]["required"] is True


# --- descriptions ------------------------------------------------------------------------------

def test_service_description(http, server: _Server) -> None:
    from rdflib import Graph, URIRef

    answer = http.get("/sparql")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    sd = Graph().parse(data=answer.text, format="turtle")
    SD = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(SD + "endpoint"), URIRef(f"{server.url}/sparql")) in sd
    assert (None, URIRef(SD + "name"), URIRef(DRUGCENTRAL)) in sd
    formats = set(sd.objects(None, URIRef(SD + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in formats


def test_void_counts_and_sources(http, graph) -> None:
    from rdflib import Graph, Literal, URIRef

    void = Graph().parse(data=http.get("/void", headers={"Accept": "application/ld+json"}).text, format="json-ld")
    dataset = URIRef("https://w3id.org/mrkg/dataset")
    triples = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").column("n")[0]
    assert int(void.value(dataset, URIRef("http://rdfs.org/ns/void#triples"))) == int(triples)
    assert int(void.value(dataset, URIRef("http://rdfs.org/ns/void#entities"))) > 300
    subset = URIRef("https://w3id.org/mrkg/dataset/drugcentral-2016")
    assert (dataset, URIRef("http://rdfs.org/ns/void#subset"), subset) in void
    assert "CC BY" in str(void.value(subset, URIRef("http://purl.org/dc/terms/rights")))
    assert void.value(dataset, URIRef("http://www.w3.org/ns/dcat#version")) == Literal("0.1.0")


# --- linked data and the explorer --------------------------------------------------------------

def test_entity_iri_resolves_as_html_for_browsers(http) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = http.get("/drug/tizanidine", headers={"Accept": browser})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>tizanidine <span class=\"kind\"" in page.text  # its name and its kind, in the kind's colour
    # "metabolised by: Cytochrome P450 1A2 [drugbank-4]" — the fact, linked, with its source
    assert '<a href="/target/cyp1a2">Cytochrome P450 1A2</a>' in page.text
    assert '<a href="/source/drugbank-4">drugbank-4</a>' in page.text


@pytest.mark.parametrize(("accept", "rdflib_format"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_entity_iri_resolves_as_rdf_for_clients(http, accept: str, rdflib_format: str) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    answer = http.get("/drug/baclofen", headers={"Accept": accept})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(accept)
    data = Graph().parse(data=answer.text, format=rdflib_format)
    assert (URIRef(BACLOFEN), RDFS.label, Literal("baclofen")) in data


def test_other_resources_and_unknown_iris(http) -> None:
    source = http.get("/source/drugbank-4", headers={"Accept": "text/html"})
    assert source.status_code == 200 and "dcterms:title" in source.text
    assert http.get("/drug/no-such-drug").status_code == 404
    assert http.get("/drug/no-such-drug", headers={"Accept": "text/html"}).status_code == 404


def test_search_suggestions_and_home(http) -> None:
    hits = http.get("/search", params={"q": "zanaf"}).json()
    assert hits[0]["path"] == "/drug/tizanidine" and hits[0]["matched"] == "Zanaflex"
    home = http.get("/", headers={"Accept": "text/html"})
    assert home.status_code == 200 and 'id="sparql"' in home.text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', home.text), "nothing is loaded from elsewhere"


# --- units: negotiation and the query check ----------------------------------------------------

def test_negotiation_units() -> None:
    assert negotiate("text/*;q=0.5, application/n-triples", [("text/turtle", "t"), ("application/n-triples", "n")]) == "n"
    assert negotiate("text/turtle;q=0", [("text/turtle", "t")]) is None
    assert choose("json", None).graph == "jsonld"
    assert choose(None, "application/json").results == "json"


def test_check_query_units() -> None:
    check_query("SELECT * WHERE { ?s ?p '''SERVICE\n''' }", set())
    with pytest.raises(Refused) as refused:
        check_query("PREFIX : <http://x/> INSERT DATA { :a :b :c }", set())
    assert refused.value.status == 403
    check_query("SELECT * FROM <http://example.org/> WHERE { ?s ?p ?o }", set(), allow_remote=True)


def test_allow_remote_fetch_lets_service_through(built: Path, server: _Server) -> None:
    """With the flag, SERVICE works: here against the other test server, on 127.0.0.1."""
    app = create_app(built, workers=2, timeout=10, allow_remote_fetch=True)
    with _Server(app) as federating, httpx.Client(base_url=federating.url, timeout=30) as client:
        query = (f"SELECT ?atc WHERE {{ SERVICE <{server.url}/sparql> "
                 f"{{ <{BACLOFEN}> <https://w3id.org/mrkg/vocab/atcCode> ?atc }} }}")
        answer = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
        assert answer.status_code == 200, answer.text
        assert answer.text.split() == ["atc", "M03BX01"]
        sd = client.get("/sparql").text
        assert "BasicFederatedQuery" in sd


# --- the explorer's picture ----------------------------------------------------------------

def test_neighbourhood_gives_the_entities_around_one(http, graph) -> None:
    """The picture's data: the entity, its neighbours with their distance and page, and the edges from one ring to the
    next (the links among neighbours at the same distance are left out)."""
    body = http.get("/-/neighbourhood", params={"iri": BACLOFEN, "max_nodes": 400}).json()
    around = graph.subgraph(["baclofen"], 1)
    nodes = {n["data"]["id"]: n["data"] for n in body["elements"]["nodes"]}
    assert set(nodes) == set(around.nodes) and body["shown"] == body["total"] == around.number_of_nodes()
    toward_focus = [(u, v) for u, v in around.edges() if BACLOFEN in (u, v)]
    assert len(body["elements"]["edges"]) == len(toward_focus) < around.number_of_edges()
    assert nodes[BACLOFEN]["distance"] == 0 and nodes[BACLOFEN]["path"] == "/drug/baclofen"
    assert {d["distance"] for d in nodes.values()} == {0, 1}
    capped = http.get("/-/neighbourhood", params={"iri": BACLOFEN, "depth": 2, "max_nodes": 10}).json()
    assert capped["shown"] == 10 < capped["total"] and BACLOFEN in {n["data"]["id"] for n in capped["elements"]["nodes"]}


@pytest.mark.parametrize(("params", "status", "message"), [
    ({"iri": "https://w3id.org/mrkg/drug/no-such-drug"}, 404, "not an entity"),
    ({"iri": BACLOFEN, "depth": 9}, 400, "depth must be 1, 2 or 3"),
    ({"iri": BACLOFEN, "max_nodes": 0}, 400, "max_nodes"),
    ({}, 422, ""),
])
def test_neighbourhood_refuses_bad_input(http, params: dict, status: int, message: str) -> None:
    response = http.get("/-/neighbourhood", params=params)
    assert response.status_code == status and message in response.text


def test_the_drawing_library_is_served_by_the_server_itself(http) -> None:
    """Entity pages load Cytoscape.js from /-/static, never from a CDN; nothing else is served from there."""
    page = http.get("/drug/baclofen", headers={"Accept": "text/html"}).text
    assert '<script src="/-/static/cytoscape.min.js">' in page and 'id="graph"' in page
    assert "cdn" not in page.lower()
    script = http.get("/-/static/cytoscape.min.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"] and len(script.content) > 100_000
    assert http.get("/-/static/app.py").status_code == 404
    assert http.get("/-/static/..%2F..%2Fkg%2Fapi.py").status_code == 404


def test_the_editor_completes_the_vocabulary(http) -> None:
    """/-/terms: the prefixes the endpoint predeclares and the mr: terms with their labels, for the SPARQL editor."""
    terms = http.get("/-/terms").json()
    assert terms["prefixes"]["drug"] == "https://w3id.org/mrkg/drug/"
    by_iri = {t["iri"]: t for t in terms["terms"]}
    assert by_iri["https://w3id.org/mrkg/vocab/hasTarget"] == {"iri": "https://w3id.org/mrkg/vocab/hasTarget",
                                                               "label": "has target", "kind": "property"}
    assert by_iri["https://w3id.org/mrkg/vocab/Drug"]["kind"] == "class"


# --- POST /ingest ----------------------------------------------------------------------------------

ARTICLE = "Baclofen is a muscle relaxant that acts on GABA-B receptors. Tramadol is a muscle relaxant too."


def test_ingest_gives_the_verdicts_of_mrkg_ingest(http) -> None:  # type: ignore[no-untyped-def]
    answer = http.post("/ingest", params={"title": "A test article"}, content=ARTICLE.encode(),
                       headers={"Content-Type": "text/plain"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    verdicts = {(c["subject"], c["predicate"], c["object"]): c["verdict"] for c in body["claims"]}
    assert verdicts[("baclofen", "member-of-class", "muscle-relaxants")] == "supported"
    assert verdicts[("tramadol", "member-of-class", "muscle-relaxants")] == "contradicted"  # WHO ATC files it under N02
    assert body["document"]["title"] == "A test article"


@pytest.mark.parametrize("content, headers, params, status, words", [
    pytest.param(b"\x00\x01\x02binary", {"Content-Type": "text/plain"}, {}, 400, "binary", id="binary"),
    pytest.param(b"", {"Content-Type": "text/plain"}, {}, 400, "empty", id="empty"),
    pytest.param(ARTICLE.encode(), {"Content-Type": "application/pdf"}, {}, 415, "text/plain", id="pdf"),
    pytest.param(ARTICLE.encode(), {"Content-Type": "text/plain"}, {"fetch": "yes"}, 400, "unknown parameter 'fetch'",
                 id="unknown-parameter"),
])
def test_ingest_refuses_bad_input_in_one_line(http, content: bytes, headers: dict, params: dict,  # type: ignore[no-untyped-def]
                                              status: int, words: str) -> None:
    answer = http.post("/ingest", params=params, content=content, headers=headers)
    assert answer.status_code == status and words in answer.text, answer.text
    assert "Traceback" not in answer.text and len(answer.text.strip().splitlines()) == 1
