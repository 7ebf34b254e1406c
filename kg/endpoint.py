"""Beyond one machine: query any SPARQL 1.1 endpoint (the on-disk store is :mod:`kg.disk_store`).

:class:`EndpointStore` speaks the SPARQL 1.1 protocol with the standard library only (no rdflib,
so a remote query starts as fast as a local one). The protocol has no parameter binding, so
bound values travel as a ``VALUES`` block built from typed terms and placed first in the query's
top-level ``WHERE`` group (and in each inner group that uses them); user text is never pasted into
a query, and an IRI that could break out of ``<...>`` is refused.

The server is not trusted: the whole request must end within ``timeout`` seconds (every read of the answer
gets only the time left, so a server that drips a byte a second is cut off too), an answer over
``max_bytes`` is refused without being read whole, and a redirect is followed only to the same scheme, host
and port unless ``follow_redirects`` is given.
"""

from __future__ import annotations

import http.client
import io
import json
import math
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .errors import QueryError
from .iris import GRAPH_BASE, MERGE_GRAPH, PREFIXES
from .lexer import tokens
from .rdf_formats import oxigraph_format, prefixes_for
from .store import QUAD_COUNT, Result, Store, Term, from_oxigraph, memo, to_oxigraph

__all__ = ["EndpointStore", "bind_values", "add_prefixes", "group_patterns", "query_form"]

#: Seconds a request to an endpoint may take unless told otherwise: connecting, the answer and any redirects.
DEFAULT_TIMEOUT = 60.0
#: The largest answer read from an endpoint unless told otherwise (bytes, 256 MiB): five times MRKG's whole graph as
#: SPARQL JSON results (every quad, as mrkg export asks an endpoint for it, is about 50 MiB).
MAX_ANSWER_BYTES = 256 * 1024 * 1024
#: Redirects followed for one request before giving up (a loop, or a chain that leads nowhere).
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
#: Bytes read from the answer at a time.
CHUNK = 1024 * 1024
#: Characters an IRIREF may not contain (SPARQL 1.1 grammar, rule 139), besides controls and space.
IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LANGTAG = re.compile(r"^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
RESULT_TYPES = {"SELECT": "application/sparql-results+json", "ASK": "application/sparql-results+json",
                "CONSTRUCT": "application/n-triples", "DESCRIBE": "application/n-triples"}
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: The canonical lexical forms of xsd:boolean values written as 1 and 0.
BOOLEANS = {"1": "true", "0": "false"}
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
#: The graphs an endpoint holds (GROUP BY, not DISTINCT: Virtuoso 7.2 times out on the DISTINCT form).
GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
#: Virtuoso's answer headers: the cap it cut a SELECT answer at, and the state of a query it stopped early.
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
STATE_HEADER = "X-SQL-State"
#: What to do about Virtuoso's refusals, by a phrase of its message: each names the virtuoso.ini setting.
VIRTUOSO_HINTS = {
    "estimated execution time": "Virtuoso refused the query on its own estimate of the time it takes (for MRKG's "
                                "queries far above their run time): set MaxQueryCostEstimationTime = 0 (no estimate "
                                "check) in the [SPARQL] section of its virtuoso.ini and restart it",
    "Transaction timed out": "the query ran out of Virtuoso's time: raise MaxQueryExecutionTime in the [SPARQL] "
                             "section of its virtuoso.ini, or narrow the query",
}
#: Virtuoso's ResultSetMaxRows, asked for with its built-ins (a CONSTRUCT answer it cuts has no header saying so).
VIRTUOSO_CAP = "SELECT (bif:cfg_item_value(bif:virtuoso_ini_path(), 'SPARQL', 'ResultSetMaxRows') AS ?cap) {}"


# --- query text ---------------------------------------------------------------------------------


def _tokens(sparql: str) -> Iterator[tuple[str, str, int, int]]:
    """``(kind, text, start, end)`` of each token of ``sparql`` (:mod:`kg.lexer`; comments dropped)."""
    for token in tokens(sparql):
        yield token.kind, token.text, token.start, token.end


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword outside strings, IRIs and comments."""
    for kind, text, _, _ in _tokens(sparql):
        if kind == "word" and text.upper() in FORMS:
            return text.upper()
    raise QueryError("not a SPARQL query: it has no SELECT, ASK, CONSTRUCT or DESCRIBE")


@dataclass
class Group:
    """A ``{ ... }`` group pattern: offsets just after its ``{`` and at its ``}``."""

    start: int
    end: int = -1
    top: bool = False  # the query's WHERE group
    subquery: bool = False  # ``{ SELECT ... }``: nothing may precede the SELECT


def group_patterns(sparql: str) -> list[Group]:
    """The group patterns of ``sparql``, in order of opening; a CONSTRUCT template and VALUES data blocks are not."""
    groups: list[Group] = []
    stack: list[Group | None] = []  # None for a template or data block
    form, pending, parens, opened = False, "", 0, None
    for kind, text, start, end in _tokens(sparql):
        if opened is not None:
            opened.subquery = kind == "word" and text.upper() == "SELECT"
            opened = None
        if not form:
            form = kind == "word" and text.upper() in FORMS
            pending = "template" if form and text.upper() == "CONSTRUCT" else ""
        elif text == "{":
            if pending in ("template", "data"):
                stack.append(None)
            else:
                opened = Group(end, top=not stack and parens == 0 and not any(g.top for g in groups))
                groups.append(opened)
                stack.append(opened)
            pending = ""
        elif text == "}" and stack:
            group = stack.pop()
            if group is not None:
                group.end = start
        else:
            parens += {"(": 1, ")": -1}.get(text, 0)
            starts_data = kind == "word" and text.upper() == "VALUES"
            pending = "data" if starts_data or pending == "data" else ""
    return groups


def _variables(sparql: str, start: int, end: int) -> set[str]:
    """The names of the variables written between offsets ``start`` and ``end``."""
    return {text[1:] for kind, text, s, _ in _tokens(sparql) if kind == "var" and start <= s < end}


def _value(name: str, term: Term) -> str:
    """``term`` as a SPARQL data block value; QueryError when it cannot be written safely."""
    if term.kind == "uri":
        if IRI_FORBIDDEN.search(term.value) or not term.value:
            raise QueryError(f"parameter '{name}': <{term.value}> is not a valid IRI (no spaces or <>\"{{}}|^`\\ allowed)")
        return term.n3()
    if term.kind == "bnode":
        raise QueryError(f"parameter '{name}': a blank node cannot be bound on a SPARQL endpoint; give an IRI")
    if term.lang and not LANGTAG.match(term.lang):
        raise QueryError(f"parameter '{name}': '{term.lang}' is not a language tag")
    if term.datatype and IRI_FORBIDDEN.search(term.datatype):
        raise QueryError(f"parameter '{name}': datatype <{term.datatype}> is not a valid IRI")
    return term.n3()


def bind_values(sparql: str, bindings: dict[str, Term]) -> str:
    """``sparql`` with ``VALUES (?a ?b) { (...) }`` first in its WHERE group and in each inner group that uses them.

    The WHERE group gets every binding. An inner group (a UNION branch, OPTIONAL, GRAPH, a subquery)
    gets the ones it mentions too, because SPARQL evaluates it before the join: without them a
    ``FILTER(?name = ...)`` inside a UNION branch would see ``?name`` unbound, where bound parameters
    must act as if written there.
    """
    if not bindings:
        return sparql
    for name in bindings:
        if not VARNAME.match(name):
            raise QueryError(f"parameter '{name}' is not a SPARQL variable name (letters, digits, _)")
    values = {name: _value(name, term) for name, term in bindings.items()}
    words = [text.upper() if kind == "word" else text for kind, text, _, _ in _tokens(sparql)]
    if "CONSTRUCT" in words and words[words.index("CONSTRUCT") + 1:][:1] == ["WHERE"]:
        raise QueryError("cannot bind parameters in the short form CONSTRUCT WHERE { ... }; "
                         "write CONSTRUCT { template } WHERE { pattern }")
    groups = [group for group in group_patterns(sparql) if not group.subquery]
    if not any(group.top for group in groups):
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    inserts = []
    for group in groups:
        names = list(values) if group.top else [n for n in values if n in _variables(sparql, group.start, group.end)]
        if names:
            block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(values[n] for n in names)}) }}"
            inserts.append((group.start, block))
    for offset, block in sorted(inserts, reverse=True):
        sparql = sparql[:offset] + block + sparql[offset:]
    return sparql


def add_prefixes(sparql: str) -> str:
    """``sparql`` with a PREFIX line for each MRKG prefix it uses but does not declare."""
    toks = [(kind, text) for kind, text, _, _ in _tokens(sparql)]
    declared = {toks[i + 1][1].rstrip(":") for i, (kind, text) in enumerate(toks[:-1])
                if kind == "word" and text.upper() == "PREFIX" and toks[i + 1][0] == "pname"}
    used = {text.split(":", 1)[0] for kind, text in toks if kind == "pname"}
    lines = [f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p in used and p not in declared]
    return "".join(lines) + sparql


# --- answers ------------------------------------------------------------------------------------


def _json_term(cell: dict[str, str]) -> Term:
    kind = cell.get("type")
    if kind == "uri":
        return Term.iri(cell["value"])
    if kind == "bnode":
        return Term("bnode", cell["value"])
    value, datatype = cell["value"], cell.get("datatype")
    if datatype == XSD_BOOLEAN:  # canonical form: Virtuoso writes true as 1
        value = BOOLEANS.get(value, value)
    return Term.literal(value, datatype, cell.get("xml:lang"))


def parse_json_results(data: dict[str, Any]) -> Result:
    """A SPARQL 1.1 JSON results document as a :class:`Result`."""
    if "boolean" in data:
        return Result([], boolean=bool(data["boolean"]))
    variables = list(data["head"]["vars"])
    seen: dict[tuple, Term] = {}  # an answer repeats its terms: make each Term once (they are immutable)

    def term(cell: dict[str, str]) -> Term:
        key = (cell.get("type"), cell.get("value"), cell.get("datatype"), cell.get("xml:lang"))
        if key not in seen:
            seen[key] = _json_term(cell)
        return seen[key]

    rows = [tuple(term(b[v]) if v in b else None for v in variables) for b in data["results"]["bindings"]]
    return Result(variables, rows)


def parse_ntriples(body: bytes) -> Result:
    """An N-Triples document as subject / predicate / object rows."""
    import pyoxigraph as ox

    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    return Result(["subject", "predicate", "object"],
                  [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in triples])


# --- transport: a total deadline, no redirects ----------------------------------------------------------


def _left(end: float) -> float:
    """Seconds until ``end`` (a :func:`time.monotonic` time); TimeoutError once it has passed."""
    left = end - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline has passed")
    return left


class _Clock(io.RawIOBase):
    """The socket an HTTP answer is read from, each read given only the time left before ``end``."""

    def __init__(self, sock: socket.socket, end: float) -> None:
        super().__init__()
        self.sock, self.end, self.file = sock, end, sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self.sock.settimeout(_left(self.end))
        return self.file.readinto(buffer)

    def close(self) -> None:
        self.file.close()
        super().close()


class _Answer(http.client.HTTPResponse):
    """An HTTP answer, status line, headers and body read through a :class:`_Clock` (``end`` set per request)."""

    end = 0.0

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp.close()
        self.fp = io.BufferedReader(_Clock(sock, self.end))


class _Deadline(urllib.request.AbstractHTTPHandler):
    """Opens http:// and https:// URLs whose answers must arrive by ``end``, headers and body alike."""

    def __init__(self, end: float) -> None:
        super().__init__()
        answer = {"response_class": type("Answer", (_Answer,), {"end": end})}
        self.http = cast(type[http.client.HTTPConnection], type("HTTP", (http.client.HTTPConnection,), answer))
        self.https = cast(type[http.client.HTTPSConnection], type("HTTPS", (http.client.HTTPSConnection,), answer))

    def http_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.http, request)

    def https_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.https, request)

    http_request = https_request = urllib.request.AbstractHTTPHandler.do_request_


def _opener(end: float) -> urllib.request.OpenerDirector:
    """urllib's usual opener (proxies from the environment, HTTP errors raised) without its redirect handler, and
    with every answer due by ``end``; a redirect comes back as an HTTPError for :class:`EndpointStore` to judge."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), _Deadline(end),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _origin(url: str) -> tuple[str, str, int | None]:
    """The scheme, host and port of ``url``, the port made explicit."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(parts.scheme)


class _Redirected(Exception):
    """The endpoint answered with a redirect to ``location`` (already made absolute)."""

    def __init__(self, code: int, location: str) -> None:
        super().__init__(location)
        self.code, self.location = code, location


# --- the endpoint -------------------------------------------------------------------------------


class EndpointStore(Store):
    """A SPARQL 1.1 endpoint (its query URL, e.g. ``http://127.0.0.1:7878/query``) behind the Store interface.

    The server's default graph should hold the merge of the named graphs, as MRKG's built file does. A server
    whose default graph is something else (Virtuoso's is the union of all its graphs, system graphs included) is
    given ``default_graph``, the graph where the merge was loaded: each query is then sent with that graph as
    ``default-graph-uri`` and MRKG's graphs (IRIs under ``graph:``) as ``named-graph-uri``, so ``GRAPH ?g`` sees
    the sources only.
    """

    engine = "endpoint"

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_ANSWER_BYTES,
                 follow_redirects: bool = False, default_graph: str | None = None) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise QueryError(f"the endpoint '{url}' is not an http:// or https:// URL; give the query URL, "
                             "e.g. http://127.0.0.1:7878/query", option="endpoint")
        if not (timeout > 0 and math.isfinite(timeout)):
            raise QueryError(f"the timeout must be a number of seconds more than 0, not {timeout}", option="timeout")
        if max_bytes < 1:
            raise QueryError(f"the answer limit must be at least 1 byte, not {max_bytes}", option="max_bytes")
        if default_graph is not None and (IRI_FORBIDDEN.search(default_graph) or ":" not in default_graph):
            raise QueryError(f"the default graph '{default_graph}' is not an IRI; give the graph the merge was "
                             f"loaded into, e.g. {MERGE_GRAPH}", option="default_graph")
        self.url, self.timeout, self.max_bytes, self.follow_redirects = url, timeout, max_bytes, follow_redirects
        self.default_graph = default_graph
        self._quads: int | None = None
        self._dataset: list[tuple[str, str]] | None = None
        self._pragmas = ""
        self._virtuoso = False  # the server said it is Virtuoso (its Server header)
        self._cap: int | None = None

    def query(self, sparql: str, bindings: dict[str, Term] | None = None) -> Result:
        form = query_form(sparql)
        fields, pragmas = self.dataset()
        text = pragmas + add_prefixes(bind_values(sparql, bindings or {}))
        content_type, body = self._post(text, RESULT_TYPES[form], fields)
        if form in ("SELECT", "ASK"):
            return self._json(content_type, body)
        return self._capped_triples(self._triples(content_type, body))

    def dataset(self) -> tuple[list[tuple[str, str]], str]:
        """The protocol's ``default-graph-uri`` and ``named-graph-uri`` fields sent with each query, and text put
        before it: nothing, unless ``default_graph`` was given. Then the graphs on the server are asked for once;
        the default graph is ``default_graph`` and the named graphs are MRKG's others (IRIs under ``graph:``).
        Virtuoso is told the same in pragmas (``define input:named-graph-uri <...>``) before the query: it repeats
        each ``named-graph-uri`` field as a header of its answer, more headers than an HTTP client reads."""
        if self.default_graph is None:
            return [], ""
        if self._dataset is None:
            graphs = [row[0].value for row in self._json(*self._post(GRAPHS, RESULT_TYPES["SELECT"], [])).rows
                      if row[0] is not None]
            if self.default_graph not in graphs:
                raise QueryError(f"the SPARQL endpoint {self.url} has no graph <{self.default_graph}> (the default "
                                 "graph asked for); load the merge there (the built file's triples without a graph), as "
                                 "the README's --endpoint section shows", option="default_graph")
            named = sorted(g for g in graphs if g.startswith(GRAPH_BASE) and g != self.default_graph)
            fields = [("default-graph-uri", self.default_graph), *(("named-graph-uri", g) for g in named)]
            if self._virtuoso:  # the same dataset, as Virtuoso's pragmas
                self._pragmas = "".join(f"define input:{name} <{iri}>\n" for name, iri in fields)
                fields = []
            self._dataset = fields
        return self._dataset, self._pragmas

    def _post(self, sparql: str, accept: str, dataset: list[tuple[str, str]]) -> tuple[str, bytes]:
        """POST ``sparql`` as a form, with the ``dataset`` fields; the answer's media type and body, or a one-line
        QueryError.

        All of it, redirects included, must end within ``timeout`` seconds. A redirect sends the query again
        (a 303 asks for the answer at its location, with GET).
        """
        end = time.monotonic() + self.timeout
        data: bytes | None = urllib.parse.urlencode([("query", sparql), *dataset]).encode()
        url, hops = self.url, [self.url]
        for _ in range(MAX_REDIRECTS + 1):
            try:
                return self._request(url, data, accept, end)
            except _Redirected as moved:
                url, data = self._follow(url, moved.location), None if moved.code == 303 else data
                hops.append(url)
        raise QueryError(f"the SPARQL endpoint {self.url} redirected more than {MAX_REDIRECTS} times "
                         f"({' -> '.join(hops)}); check the URL, or give the endpoint's final query URL")

    def _follow(self, url: str, location: str) -> str:
        """``location``, where ``url`` redirects, if it may be followed; else a QueryError naming both."""
        if urllib.parse.urlsplit(location).scheme not in ("http", "https"):
            raise QueryError(f"the SPARQL endpoint {url} redirects to {location}, which is not an http:// or "
                             "https:// URL; check the URL")
        if _origin(location) != _origin(url) and not self.follow_redirects:
            raise QueryError(f"the SPARQL endpoint {url} redirects to {location}, another scheme, host or port; "
                             f"give {location} as the endpoint if you trust it, or allow redirects to other origins",
                             option="follow_redirects")
        return location

    def _request(self, url: str, data: bytes | None, accept: str, end: float) -> tuple[str, bytes]:
        """One exchange with ``url``: the answer's media type and body; _Redirected, or a one-line QueryError."""
        headers = {"Accept": accept, "User-Agent": "mrkg"}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST", headers=headers)
        try:
            with _opener(end).open(request, timeout=_left(end)) as answer:
                self._check_headers(answer.headers)
                return answer.headers.get_content_type(), self._read(answer)
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if exc.headers else None
            if exc.code in REDIRECTS and location:
                exc.close()
                raise _Redirected(exc.code, urllib.parse.urljoin(url, location)) from None
            raise QueryError(self._http_message(exc)) from None
        except TimeoutError:
            raise self._timeout_error() from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise self._timeout_error() from None
            raise QueryError(f"cannot reach the SPARQL endpoint {self.url} ({exc.reason}); "
                             "check the URL and that the server is running") from None
        except (OSError, ValueError, http.client.HTTPException) as exc:  # connection reset, bad status line, ...
            if time.monotonic() >= end:
                raise self._timeout_error() from None
            raise QueryError(f"the SPARQL endpoint {self.url} failed to answer ({exc}); "
                             "check the URL and that the server is running") from None

    def _check_headers(self, headers: Any) -> None:
        """Refuse an answer Virtuoso says it cut short, and Virtuoso's union default graph where no
        ``default_graph`` was given (each would give other rows than the embedded engine, silently)."""
        self._virtuoso = (headers.get("Server") or "").startswith("Virtuoso")
        cap, state = headers.get(MAX_ROWS_HEADER), headers.get(STATE_HEADER)
        if cap:
            raise self._cut(f"at {cap} rows")
        if state:
            raise QueryError(f"the SPARQL endpoint {self.url} stopped the query early and sent a partial answer "
                             f"({state}: {' '.join((headers.get('X-SQL-Message') or '').split())[:200]}); raise "
                             "MaxQueryExecutionTime in the [SPARQL] section of its virtuoso.ini, or narrow the query")
        if self._virtuoso and self.default_graph is None:
            raise QueryError(f"the SPARQL endpoint {self.url} is Virtuoso, whose default graph is the union of all "
                             "its graphs (system graphs included, a fact once per source); load the merge into its "
                             f"own graph and give that graph as the default graph, e.g. {MERGE_GRAPH} "
                             "(see the README's --endpoint section)", option="default_graph")

    def _cut(self, where: str) -> QueryError:
        return QueryError(f"the SPARQL endpoint {self.url} cut its answer {where} (Virtuoso's ResultSetMaxRows, "
                          "in the [SPARQL] section of its virtuoso.ini); raise it and restart the server, or add "
                          "LIMIT or narrow the query")

    def _capped_triples(self, result: Result) -> Result:
        """``result`` unless Virtuoso cut it: a CONSTRUCT answer has no header saying so, but as many triples as
        ResultSetMaxRows (the cap is asked for once, with a Virtuoso built-in)."""
        if self._virtuoso and result.rows and self._cap is None:
            try:
                cap = self._json(*self._post(VIRTUOSO_CAP, RESULT_TYPES["SELECT"], [])).scalar()
            except QueryError:  # the built-ins refused: no check
                cap = ""
            self._cap = int(cap) if cap.isdigit() else 0
        if self._virtuoso and self._cap and len(result.rows) >= self._cap:  # Virtuoso 7.2 sends one more
            raise self._cut(f"at {self._cap:,} triples")
        return result

    def _read(self, answer: http.client.HTTPResponse) -> bytes:
        """The body of ``answer``, read a chunk at a time and refused as soon as it passes ``max_bytes``."""
        declared = answer.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_big(f" (it announced {int(declared):,} bytes)")
        body = bytearray()
        while chunk := answer.read(CHUNK):
            body += chunk
            if len(body) > self.max_bytes:
                raise self._too_big()
        if declared.isdigit() and len(body) < int(declared):  # read(amt) returns what came before the connection closed
            raise http.client.IncompleteRead(bytes(body), int(declared) - len(body))
        return bytes(body)

    def _too_big(self, announced: str = "") -> QueryError:
        return QueryError(f"the SPARQL endpoint {self.url} sent an answer over the limit of {self.max_bytes:,} "
                          f"bytes{announced}; ask for less: add LIMIT or narrow the query, or raise the limit",
                          option="max_bytes")

    def _timeout_error(self) -> QueryError:
        return QueryError(f"the SPARQL endpoint {self.url} did not answer within {self.timeout:g} s; "
                          "raise the timeout or ask a narrower question", option="timeout")

    def _http_message(self, exc: urllib.error.HTTPError) -> str:
        try:
            body = exc.read(2000).decode("utf-8", "replace")
        except OSError:
            body = ""
        if exc.headers and exc.headers.get_content_type() == "text/html":  # an error page: its words only
            body = re.sub(r"<[^>]*>", " ", body)
        detail = " ".join(body.split())[:300]
        hint = ("check the URL: give the endpoint's query address, e.g. http://127.0.0.1:7878/query"
                if exc.code in (404, 405, 501) else
                "check the query" if exc.code < 500 else "the server failed; try again or ask its operator")
        hint = next((text for marker, text in VIRTUOSO_HINTS.items() if marker in detail), hint)
        return f"the SPARQL endpoint {self.url} answered HTTP {exc.code} {exc.reason}: {detail or 'no message'}; {hint}"

    def _not_sparql(self, content_type: str) -> QueryError:
        return QueryError(f"{self.url} did not answer with SPARQL results (got {content_type}); "
                          "is it a SPARQL endpoint? Give its query URL, e.g. http://127.0.0.1:7878/query")

    def _json(self, content_type: str, body: bytes) -> Result:
        if not content_type.endswith("json"):
            raise self._not_sparql(content_type)
        try:
            return parse_json_results(json.loads(body))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise self._not_sparql(content_type + ", not SPARQL JSON results") from None

    def _triples(self, content_type: str, body: bytes) -> Result:
        if content_type not in ("application/n-triples", "text/plain"):
            raise self._not_sparql(content_type)
        try:
            return parse_ntriples(body)
        except SyntaxError:
            raise self._not_sparql(content_type + " that is not N-Triples") from None

    def quad_count(self) -> int:
        if self._quads is None:
            self._quads = int(self.query(QUAD_COUNT).scalar())
        return self._quads

    def dump(self, path: Path, fmt: str) -> None:
        """Fetch the named graphs and write them with pyoxigraph, with their merge as the default graph (a triple
        format: the merge only). One query: the merge is the distinct triples of the named graphs."""
        import pyoxigraph as ox

        rdf_format, prefixes = oxigraph_format(fmt), prefixes_for(fmt, PREFIXES)
        term = memo(to_oxigraph)
        named = [ox.Quad(*(term(t) for t in row if t is not None)) for row in self.query(ALL_QUADS).rows]
        merge = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in named))
        if rdf_format.supports_datasets:  # as built: the named graphs, and their merge as the default graph
            ox.serialize([*named, *(ox.Quad(t.subject, t.predicate, t.object) for t in merge)], str(path),
                         format=rdf_format, prefixes=prefixes)
        else:
            ox.serialize(merge, str(path), format=rdf_format, prefixes=prefixes)
