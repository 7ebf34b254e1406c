"""The W3C SPARQL 1.1 Protocol tests, adapted to MRKG's read-only dataset, against ``mrkg serve`` over real HTTP;
then the server's answers to the hostile HTTP requests of issue 15 (fault 8).

Result: 34 of the 34 tests of the W3C manifest pass (``test_w3c_protocol``, one row each); all are applicable once
adapted as below. The suite is https://github.com/w3c/rdf-tests, ``sparql/sparql11/protocol/manifest.ttl``; its
requests are rewritten here, not copied.

How the tests are adapted (the suite assumes a writable store holding its own files):

- its graphs ``http://kasei.us/2009/09/sparql/data/data0.rdf`` to ``data3.rdf`` are replaced by graphs of the
  dataset, each the openFDA NDC listing that types one baclofen product (``DATA1`` to ``DATA3``), and "``<dataN.rdf>
  a ?type``" by "``<productN> a ?type``"; the suite's own IRIs are refused like any graph from outside (a row below);
- each dataset test also runs a control that must answer false, so that the protocol dataset is seen to be used;
- ``query_multiple_dataset``: the manifest sends ``named-graph-uri=...data1.rdf%26named-graph-uri%3D...data2.rdf``,
  one parameter with an ``&`` inside; sent here as the two parameters it means;
- the seven ``update_*`` tests expect a 2xx from a writable store: here the update is refused with 403 (read-only)
  and the suite's follow-up ASK answers false, so nothing was written; ``update_base_uri``'s point, a base IRI the
  service defines, is checked with a query: ``<test>`` resolves against the endpoint's public URL;
- every request carries the suite's ``Host: www.example``; the server, started with ``base_url=PUBLIC``, must name
  ``PUBLIC`` and never echo the Host header.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from xml.dom.minidom import parseString

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")

from click.testing import CliRunner  # noqa: E402

from kg.cli import main  # noqa: E402
from kg.errors import QueryError  # noqa: E402
from kg.serve import create_app  # noqa: E402
from test_serve import _Server  # noqa: E402  (the loopback uvicorn server of the endpoint tests)

#: The public URL the test server is configured with (``--base-url``); nothing resolves it, nothing needs to.
PUBLIC = "https://sparql.mrkg.example"
GRAPH = "https://w3id.org/mrkg/graph/"
PRODUCT = "https://w3id.org/mrkg/product/baclofen-intrathecal-"
#: Stand-ins for the suite's data0.rdf ... data3.rdf: graphs of the dataset, and a product each one types.
DATA0 = GRAPH + "drugcentral-2016"
DATA1, DATA2, DATA3 = (GRAPH + f"openfda-ndc-baclofen-{n}" for n in ("25021-679", "72888-146", "70511-121"))
DOC1, DOC2, DOC3 = (f"<{PRODUCT}{strength}-mcg-ml>" for strength in (2000, 1000, 50))
KASEI = "http://kasei.us/2009/09/sparql/data/"

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}
QUERY, UPDATE, FORM = "application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded"


def at(*params: tuple[str, str], path: str = "/sparql/") -> str:
    """``path`` with ``params`` percent-encoded as the manifest writes them (%20 for a space)."""
    return path + ("?" + urlencode(params, quote_via=quote) if params else "")


def dataset(default: tuple[str, ...] = (), named: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    return (*(("default-graph-uri", g) for g in default), *(("named-graph-uri", g) for g in named))


@dataclass
class Step:
    """One request of a test and what its answer must be."""

    method: str
    path: str
    body: bytes | str = b""
    content_type: str | None = None
    status: str = "2xx"  # "2xx" (2xx or 3xx, as the suite says), "4xx", or an exact code such as "403"
    form: str | None = None  # "boolean", "tabular" or "RDF": the media types the answer may have
    boolean: bool | None = None
    words: str = ""  # in the answer's text


def refused_update(update: str, path: str = "/sparql/") -> Step:
    return Step("POST", path, update, UPDATE, status="403", words="read-only")


def ask(query: str, answer: bool, path: str = "/sparql/") -> Step:
    return Step("POST", path, query, QUERY, form="boolean", boolean=answer)


TWO_DOCS = f"ASK {{ {DOC1} a ?type . {DOC2} a ?type . }}"
TWO_NAMED = f"ASK {{ GRAPH ?g1 {{ {DOC1} a ?type }} GRAPH ?g2 {{ {DOC2} a ?type }} }}"
FULL = f"ASK {{ {DOC3} a ?type GRAPH ?g1 {{ {DOC1} a ?type }} GRAPH ?g2 {{ {DOC2} a ?type }} }}"
MULTIPLE = f"ASK FROM <{DATA3}> {{ GRAPH ?g1 {{ {DOC1} a ?type }} GRAPH ?g2 {{ {DOC2} a ?type }} }}"
UPDATE_DATASET = """PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
DROP ALL ;
INSERT DATA { GRAPH <http://example.org/d1> { <http://example.org/d1> a foaf:Document } } ;
INSERT { GRAPH <http://example.org/protocol-update-dataset-test/> { ?s a dc:BibliographicResource } }
WHERE { ?s a foaf:Document }"""
UPDATE_WRITTEN = """ASK { GRAPH <http://example.org/protocol-update-dataset-test/> {
  <http://example.org/d1> a <http://purl.org/dc/terms/BibliographicResource> } }"""
BASE_TEST = "http://example.org/protocol-base-test/"

#: The manifest's 34 tests, in its order, as adapted (see the module's docstring).
W3C_TESTS = [
    pytest.param([Step("POST", at(*dataset((DATA0,))), "query=ASK%20%7B%7D", FORM, form="boolean", boolean=True)],
                 id="query_post_form"),
    pytest.param([Step("GET", at(("query", TWO_DOCS), *dataset((DATA1, DATA2))), form="boolean", boolean=True),
                  Step("GET", at(("query", TWO_DOCS), *dataset((DATA1,))), form="boolean", boolean=False)],
                 id="query_dataset_default_graphs_get"),
    pytest.param([ask(TWO_DOCS, True, at(*dataset((DATA1, DATA2)))), ask(TWO_DOCS, False, at(*dataset((DATA2,))))],
                 id="query_dataset_default_graphs_post"),
    pytest.param([ask(TWO_NAMED, True, at(*dataset(named=(DATA1, DATA2)))),
                  ask(TWO_NAMED, False, at(*dataset(named=(DATA1,))))], id="query_dataset_named_graphs_post"),
    pytest.param([Step("GET", at(("query", TWO_NAMED), *dataset(named=(DATA1, DATA2))), form="boolean", boolean=True),
                  Step("GET", at(("query", TWO_NAMED), *dataset(named=(DATA2,))), form="boolean", boolean=False)],
                 id="query_dataset_named_graphs_get"),
    pytest.param([ask(FULL, True, at(*dataset((DATA3,), (DATA1, DATA2)))),
                  ask(FULL, False, at(*dataset((DATA1,), (DATA1, DATA2))))], id="query_dataset_full"),
    pytest.param([ask(MULTIPLE, True, at(*dataset(named=(DATA1, DATA2)))), ask(MULTIPLE, False)],
                 id="query_multiple_dataset"),
    pytest.param([Step("GET", at(("query", "ASK {}"), *dataset((DATA0,))), form="boolean", boolean=True)],
                 id="query_get"),
    pytest.param([Step("POST", at(*dataset((DATA0,))), "SELECT (1 AS ?value) {}", QUERY, form="tabular", words="1")],
                 id="query_content_type_select"),
    pytest.param([Step("POST", at(*dataset((DATA0,))), "ASK {}", QUERY, form="boolean", boolean=True)],
                 id="query_content_type_ask"),
    pytest.param([Step("POST", at(*dataset((DATA0,))), "DESCRIBE <http://example.org/>", QUERY, form="RDF")],
                 id="query_content_type_describe"),
    pytest.param([Step("POST", at(*dataset((DATA0,))), "CONSTRUCT { <s> <p> 1 } WHERE {}", QUERY, form="RDF",
                       words=f"{PUBLIC}/s")], id="query_content_type_construct"),
    pytest.param([refused_update(UPDATE_DATASET, at(("using-graph-uri", KASEI + "data1.rdf"))),
                  ask(UPDATE_WRITTEN, False)], id="update_dataset_default_graph"),
    pytest.param([refused_update(UPDATE_DATASET, at(("using-graph-uri", KASEI + "data1.rdf"),
                                                    ("using-graph-uri", KASEI + "data2.rdf"))),
                  ask(UPDATE_WRITTEN, False)], id="update_dataset_default_graphs"),
    pytest.param([refused_update(UPDATE_DATASET, at(("using-named-graph-uri", KASEI + "data1.rdf"),
                                                    ("using-named-graph-uri", KASEI + "data2.rdf"))),
                  ask(UPDATE_WRITTEN, False)], id="update_dataset_named_graphs"),
    pytest.param([refused_update(UPDATE_DATASET, at(("using-graph-uri", KASEI + "data1.rdf"),
                                                    ("using-named-graph-uri", KASEI + "data2.rdf"))),
                  ask(UPDATE_WRITTEN, False)], id="update_dataset_full"),
    pytest.param([Step("POST", "/sparql/", "update=CLEAR+ALL", FORM, status="403", words="read-only"),
                  ask("ASK { ?s ?p ?o }", True)], id="update_post_form"),
    pytest.param([refused_update("CLEAR ALL"), ask("ASK { ?s ?p ?o }", True)], id="update_post_direct"),
    pytest.param([refused_update(f"CLEAR GRAPH <{BASE_TEST}> ; INSERT DATA {{ GRAPH <{BASE_TEST}> "
                                 "{ <http://example.org/s> <http://example.org/p> <test> } }"),
                  ask(f"ASK {{ GRAPH <{BASE_TEST}> {{ <http://example.org/s> <http://example.org/p> ?o }} }}", False),
                  Step("POST", "/sparql/", "SELECT ?o WHERE { BIND(<test> AS ?o) }", QUERY, form="tabular",
                       words=f'"value": "{PUBLIC}/test"')], id="update_base_uri"),
    pytest.param([Step("POST", "/sparql/", "ASK {}", QUERY, form="boolean", boolean=True)], id="query_post_direct"),
    pytest.param([Step("PUT", at(("query", "ASK {}"), *dataset((DATA0,))), content_type=FORM, status="4xx",
                       words="GET and POST")], id="bad_query_method"),
    pytest.param([Step("GET", at(("query", "ASK {}"), ("query", "SELECT * {}")), status="4xx", words="once")],
                 id="bad_multiple_queries"),
    pytest.param([Step("POST", "/sparql/", "ASK {}", "text/plain", status="4xx", words="Content-Type")],
                 id="bad_query_wrong_media_type"),
    pytest.param([Step("POST", "/sparql/", "query=ASK%20%7B%7D", status="4xx", words="Content-Type")],
                 id="bad_query_missing_form_type"),
    pytest.param([Step("POST", "/sparql/", "ASK {}", status="4xx", words="Content-Type")],
                 id="bad_query_missing_direct_type"),
    pytest.param([Step("POST", "/sparql/", "ASK {}".encode("utf-16"), QUERY + "; charset=UTF-16", status="4xx",
                       words="UTF-8")], id="bad_query_non_utf8"),
    pytest.param([Step("GET", at(("query", "ASK {")), status="4xx", words="syntax")], id="bad_query_syntax"),
    pytest.param([Step("GET", at(("update", "CLEAR ALL")), status="4xx", words="read-only")], id="bad_update_get"),
    pytest.param([Step("POST", "/sparql/", "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM, status="4xx")],
                 id="bad_multiple_updates"),
    pytest.param([Step("POST", "/sparql/", "CLEAR NAMED", "text/plain", status="4xx", words="Content-Type")],
                 id="bad_update_wrong_media_type"),
    pytest.param([Step("POST", "/sparql/", "update=CLEAR%20NAMED", status="4xx", words="Content-Type")],
                 id="bad_update_missing_form_type"),
    pytest.param([Step("POST", "/sparql/", "CLEAR NAMED".encode("utf-16"), UPDATE + "; charset=UTF-16",
                       status="4xx", words="UTF-8")], id="bad_update_non_utf8"),
    pytest.param([Step("POST", "/sparql/", "update=CLEAR%20XYZ", FORM, status="4xx", words="read-only")],
                 id="bad_update_syntax"),
    pytest.param([refused_update("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
                                 "DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' }\n"
                                 "WHERE { ?person foaf:givenName 'Bill' }",
                                 at(("using-named-graph-uri", "http://example/people")))],
                 id="bad_update_dataset_conflict"),
]


@pytest.fixture(scope="module")
def server(built: Path):  # type: ignore[no-untyped-def]
    """The endpoint over the real graph with a configured public URL; plus a route that fails, to see a 500."""
    app = create_app(built, workers=2, timeout=30, max_results=500, max_request_bytes=20_000, base_url=PUBLIC + "/")

    async def fails() -> None:
        raise RuntimeError("a bug, with <b>markup</b> in its message")

    app.add_api_route("/-/fails", fails)
    app.router.routes.insert(0, app.router.routes.pop())  # before the resource route, which takes any path
    with _Server(app) as running:
        yield running


@pytest.fixture
def http(server: _Server):  # type: ignore[no-untyped-def]
    """A client that says ``Host: www.example``, as the suite's requests do."""
    with httpx.Client(base_url=server.url, timeout=60, headers={"Host": "www.example"}) as client:
        yield client


def media(response: Any) -> str:
    return response.headers.get("content-type", "").split(";")[0]


def boolean_of(response: Any) -> bool:
    if media(response) == "application/sparql-results+json":
        return bool(json.loads(response.text)["boolean"])
    return parseString(response.content).getElementsByTagName("boolean")[0].firstChild.data == "true"


def check(step: Step, response: Any) -> None:
    code = response.status_code
    assert (200 <= code < 400 if step.status == "2xx" else 400 <= code < 500 if step.status == "4xx"
            else code == int(step.status)), f"{step.method} {step.path}: {code} {response.text[:300]}"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert step.words in response.text, response.text[:300]
    if code >= 400:  # a one-line reason a person can read, never a traceback
        assert media(response) == "text/plain" and response.text.strip() and "Traceback" not in response.text
    if step.form == "boolean":
        assert media(response) in BOOLEAN_TYPES
        assert boolean_of(response) is step.boolean
    elif step.form == "tabular":
        assert media(response) in TABULAR_TYPES
    elif step.form == "RDF":
        from rdflib import Graph

        assert media(response) in RDF_TYPES
        Graph().parse(data=response.text, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                                  "application/ld+json": "json-ld"}.get(media(response), "xml"))
    assert "www.example" not in response.text  # the Host header is never echoed


@pytest.mark.parametrize("steps", W3C_TESTS)
def test_w3c_protocol(http, steps: list[Step]) -> None:
    for step in steps:
        headers = {"Content-Type": step.content_type} if step.content_type else {}
        body = step.body.encode() if isinstance(step.body, str) else step.body
        check(step, http.request(step.method, step.path, content=body, headers=headers))


def test_the_stand_in_graphs_hold_what_the_tests_assume(http) -> None:
    """Each stand-in graph types its own product and neither of the others (what makes the controls false)."""
    query = (f"SELECT ?g ?doc WHERE {{ VALUES ?g {{ <{DATA1}> <{DATA2}> <{DATA3}> }} VALUES ?doc {{ {DOC1} {DOC2} {DOC3} }}"
             " GRAPH ?g { ?doc a ?type } }")
    answer = http.post("/sparql/", content=query, headers={"Content-Type": QUERY, "Accept": "text/csv"})
    rows = {tuple(line.split(",")) for line in answer.text.split()[1:]}
    assert rows == {(g, doc.strip("<>")) for g, doc in [(DATA1, DOC1), (DATA2, DOC2), (DATA3, DOC3)]}


@pytest.mark.parametrize("params", [
    pytest.param(dataset((KASEI + "data0.rdf",)), id="default-graph-uri"),
    pytest.param(dataset(named=(KASEI + "data1.rdf",)), id="named-graph-uri"),
    pytest.param((("query", f"ASK FROM <{KASEI}data3.rdf> {{}}"),), id="from"),
])
def test_the_suites_own_graphs_are_refused(http, params: tuple[tuple[str, str], ...]) -> None:
    """The suite's graphs live on another site: reading them is refused, as for any graph outside the dataset."""
    answer = http.get(at(*params) + ("&query=ASK%20%7B%7D" if params[0][0] != "query" else ""))
    assert answer.status_code == 400 and "not a graph of this dataset" in answer.text


# --- relative IRIs and the base IRI ----------------------------------------------------------------

@pytest.mark.parametrize(("query", "iri"), [
    pytest.param("SELECT ?o WHERE { BIND(<test> AS ?o) }", f"{PUBLIC}/test", id="relative-to-the-endpoint"),
    pytest.param("SELECT ?o WHERE { BIND(<#x> AS ?o) }", f"{PUBLIC}/sparql#x", id="fragment"),
    pytest.param("BASE <http://example.org/a/> SELECT ?o WHERE { BIND(<b> AS ?o) }", "http://example.org/a/b",
                 id="the-querys-own-base-wins"),
    pytest.param("PREFIX x: <rel/> SELECT ?o WHERE { BIND(x:y AS ?o) }", f"{PUBLIC}/rel/y", id="relative-prefix"),
])
def test_relative_iris_resolve_against_the_public_endpoint(http, query: str, iri: str) -> None:
    answer = http.get("/sparql", params={"query": query, "format": "json"})
    assert answer.status_code == 200, answer.text
    assert [b["o"]["value"] for b in answer.json()["results"]["bindings"]] == [iri]


def test_a_relative_from_is_resolved_before_the_check(http) -> None:
    """``FROM <graph/x>`` names ``PUBLIC/graph/x``, not a graph of the dataset: refused, with the IRI it names."""
    answer = http.get("/sparql", params={"query": "SELECT * FROM <graph/drugcentral-2016> WHERE { ?s ?p ?o }"})
    assert answer.status_code == 400 and f"FROM <{PUBLIC}/graph/drugcentral-2016>" in answer.text


# --- issue 15, fault 8: hostile HTTP requests -----------------------------------------------------

@pytest.mark.parametrize(("path", "status", "words"), [
    pytest.param("/drug/%ZZ", 400, "malformed percent-encoding", id="bad-percent-escape"),
    pytest.param("/drug/baclofen%", 400, "malformed percent-encoding", id="percent-at-the-end"),
    pytest.param("/drug/%4", 400, "malformed percent-encoding", id="one-hex-digit"),
    pytest.param("/drug/%2541", 404, "<https://w3id.org/mrkg/drug/%41> is not in the graph", id="good-percent-escape"),
    pytest.param("/queries/drug-interactions?query=baclofen", 400, "has no parameter query", id="param-named-query"),
    pytest.param("/queries/drug-interactions?drug=baclofen&self=x", 400, "has no parameter self",
                 id="param-named-self"),
    pytest.param("/queries/find-by-name?query=x&name=baclofen", 400, "has no parameter query",
                 id="param-named-query-beside-a-good-one"),
    pytest.param("/sparql/", 200, "sparql-service-description", id="service-description-at-the-slash"),
    pytest.param("/sparql//", 404, "not a resource", id="two-slashes"),
    pytest.param("/queries/<b>bold", 404, "no named query '<b>bold'", id="404-echoing-markup"),
    pytest.param("/<img src=x onerror=alert(1)>", 404, "<img src=x", id="resource-404-echoing-markup"),
    pytest.param("/-/fails", 500, "internal error: RuntimeError", id="a-bug"),
])
def test_hostile_requests_get_a_clear_answer(http, path: str, status: int, words: str) -> None:
    answer = http.get(path)
    assert answer.status_code == status, answer.text
    assert words in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "Traceback" not in answer.text and "<b>markup" not in answer.text and "def " not in answer.text
    if status >= 400:
        assert media(answer) == "text/plain"


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    pytest.param("GET", "/sparql?query=ASK%7B%7D", {}, id="answer"),
    pytest.param("GET", "/", {}, id="explorer-page"),
    pytest.param("GET", "/drug/baclofen", {"headers": {"Accept": "text/html"}}, id="entity-page"),
    pytest.param("GET", "/-/static/cytoscape.LICENSE", {}, id="static-file"),
    pytest.param("GET", "/queries", {}, id="json"),
    pytest.param("GET", "/-/neighbourhood", {}, id="fastapi-422"),
    pytest.param("DELETE", "/queries", {}, id="starlette-405"),
    pytest.param("POST", "/sparql", {"content": b"#" * 30_000, "headers": {"Content-Type": QUERY}}, id="too-large-413"),
])
def test_every_response_says_nosniff(http, method: str, path: str, kwargs: dict) -> None:
    answer = http.request(method, path, **kwargs)
    assert answer.headers["x-content-type-options"] == "nosniff", answer.status_code


@pytest.mark.parametrize("path", ["/sparql", "/sparql/", "/void"])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:1/<script>", "127.0.0.1:1"])
def test_descriptions_name_the_configured_url_not_the_host_header(server: _Server, path: str, host: str) -> None:
    from rdflib import Graph, URIRef

    with httpx.Client(base_url=server.url, timeout=60) as client:
        answer = client.get(path, headers={"Host": host})
    assert answer.status_code == 200
    assert "evil" not in answer.text
    endpoints = {str(o) for p in ("http://www.w3.org/ns/sparql-service-description#endpoint",
                                  "http://rdfs.org/ns/void#sparqlEndpoint")
                 for o in Graph().parse(data=answer.text, format="turtle").objects(None, URIRef(p))}
    assert endpoints == {f"{PUBLIC}/sparql"}


def test_without_a_base_url_the_descriptions_name_the_address_listened_on(built: Path) -> None:
    """The default public URL is http://HOST:PORT of the socket the request reached, whatever the Host header says."""
    with _Server(create_app(built, workers=1, timeout=30)) as plain, httpx.Client(base_url=plain.url, timeout=60) as client:
        answer = client.get("/void", headers={"Host": "evil.example"})
        relative = client.get("/sparql", params={"query": "SELECT ?o WHERE { BIND(<x> AS ?o) }", "format": "csv"},
                              headers={"Host": "evil.example"})
    assert "evil" not in answer.text and f"<{plain.url}/sparql>" in answer.text
    assert relative.text.split() == ["o", f"{plain.url}/x"]


@pytest.mark.parametrize("base_url", [
    pytest.param("ftp://kg.example.org", id="not-http"),
    pytest.param("kg.example.org", id="no-scheme"),
    pytest.param("https://", id="no-host"),
    pytest.param("https://kg.example.org/?a=1", id="query"),
    pytest.param("https://kg.example.org/#top", id="fragment"),
    pytest.param("https://someone@kg.example.org", id="user-name"),
    pytest.param("https://kg.example.org/a b", id="space"),
    pytest.param("https://kg.example.org/<x>", id="angle-brackets"),
])
def test_a_bad_base_url_is_refused_with_the_reason(built: Path, base_url: str) -> None:
    with pytest.raises(QueryError, match="the base URL") as refused:
        create_app(built, workers=1, base_url=base_url)
    assert refused.value.option == "base_url"
    with pytest.raises(QueryError) as refused:
        create_app(built, workers=1, base_url=base_url)
    assert base_url in str(refused.value)


def test_the_base_url_loses_its_trailing_slash(built: Path) -> None:
    app = create_app(built, workers=1, base_url="https://kg.example.org/mrkg/")
    assert app.state.settings["base_url"] == "https://kg.example.org/mrkg"


def test_serve_refuses_a_bad_base_url_in_one_line(built: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--graph", str(built), "--base-url", "ftp://kg.example.org"])
    assert result.exit_code != 0
    assert "--base-url: the base URL 'ftp://kg.example.org': it must be an absolute http:// or https:// URL" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
