"""--endpoint does not trust the server (issue 15, fault 7): fake servers on 127.0.0.1 that answer too much, drip
their answer a byte at a time, redirect elsewhere or in circles, or break HTTP. Each case ends with a one-line
error that names the endpoint, or with the right answer, within the deadline."""

from __future__ import annotations

import inspect
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

import kg
from kg import endpoint
from kg.cli import main
from kg.endpoint import MAX_REDIRECTS, EndpointStore
from kg.errors import QueryError

ASK = "ASK { ?s ?p ?o }"
YES = json.dumps({"head": {}, "boolean": True}).encode()
#: A drip of one byte every DRIP seconds through an answer of DRIP_BYTES bytes: a minute in all.
DRIP, DRIP_BYTES = 0.1, 600
#: The deadline given against a drip: far shorter than the drip, long enough for a busy machine to connect.
DEADLINE = 1.5
#: A small answer cap, so that answers over it are quick to send.
CAP = 64 * 1024


@dataclass
class Seen:
    """What a fake server received: one (method, path, body) per request, and the bytes of answer it got out."""

    requests: list[tuple[str, str, str]] = field(default_factory=list)
    sent: int = 0
    finished: bool = False


class _Hostile(BaseHTTPRequestHandler):
    """A fake SPARQL endpoint whose behaviour the path chooses: /query answers, the others misbehave."""

    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer("")

    def do_POST(self) -> None:  # noqa: N802
        self._answer(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())

    def _answer(self, body: str) -> None:
        self.server.seen.requests.append((self.command, self.path, body))
        path, _, query = self.path.partition("?")
        args = dict(urllib.parse.parse_qsl(query))
        try:
            getattr(self, "route_" + path.strip("/"))(**args)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            pass

    def _head(self, code: int = 200, **headers: str) -> None:
        self.send_response(code)
        for name, value in {"Content-Type": "application/sparql-results+json", **headers}.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()

    def route_query(self) -> None:
        self._head(Content_Length=str(len(YES)))
        self.wfile.write(YES)

    def route_big(self, size: str, how: str) -> None:
        """An ASK answer padded with spaces to ``size`` bytes, sent until the end or until the client goes away."""
        total = int(size)
        if how == "chunked":
            self.protocol_version, self.close_connection = "HTTP/1.1", True
        self._head(**{"announced": {"Content_Length": size}, "chunked": {"Transfer_Encoding": "chunked"}}.get(how, {}))
        piece = YES + b" " * (CAP - len(YES))
        while self.server.seen.sent < total:
            data = piece[:total - self.server.seen.sent]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if how == "chunked" else data)
            self.server.seen.sent += len(data)
            piece = b" " * CAP
        if how == "chunked":
            self.wfile.write(b"0\r\n\r\n")
        self.server.seen.finished = True

    def route_drip(self, where: str) -> None:
        """A whole answer, one byte every DRIP seconds from ``where`` on (the status line, a header or the body)."""
        body = YES + b" " * (DRIP_BYTES - len(YES))
        head = b"HTTP/1.0 200 OK\r\n"
        headers = b"Content-Type: application/sparql-results+json\r\nContent-Length: %d\r\n\r\n" % len(body)
        fast, slow = {"status": (b"", head + headers + body), "headers": (head, headers + body),
                      "body": (head + headers, body)}[where]
        self.wfile.write(fast)
        for byte in slow:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(DRIP)
        self.server.seen.finished = True

    def route_redirect(self, to: str, code: str = "307") -> None:
        self._head(int(code), Location=to, Content_Length="0")

    def route_loop(self) -> None:
        self._head(307, Location="/loop", Content_Length="0")

    def route_headers(self) -> None:
        self._head(**{f"X_{i}": "x" for i in range(150)})

    def route_short(self) -> None:
        self._head(Content_Length="1000")
        self.wfile.write(YES)

    def route_virtuoso(self, case: str) -> None:
        """What Virtuoso 7.2 answers: a cut answer, a partial one, a union default graph, a refused estimate."""
        headers = {"capped": {"X_SPARQL_MaxRows": "10000"},
                   "partial": {"X_SQL_State": "S1TAT", "X_SQL_Message": "RC...: Returning incomplete results"},
                   "union": {}, "estimate": {"Content_Type": "text/plain"}}[case]
        body = (b"Virtuoso 42000 Error The estimated execution time 4577065 (sec) exceeds the limit of 400 (sec)."
                if case == "estimate" else YES)
        self.server_version, self.sys_version = "Virtuoso/07.20.3229", "(Linux) x86_64-pc-linux-gnu"  # its Server header
        self._head(500 if case == "estimate" else 200, Content_Length=str(len(body)), **headers)
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    seen: Seen


def _start() -> Iterator[tuple[str, Seen]]:
    server = _Server(("127.0.0.1", 0), _Hostile)
    server.seen = Seen()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def hostile() -> Iterator[tuple[str, Seen]]:
    """A fake endpoint: its base URL and what it saw."""
    yield from _start()


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, Seen]]:
    """A second fake endpoint on another port: another origin."""
    yield from _start()


def _cli(*args: str):
    return CliRunner().invoke(main, ["query", "--sparql", ASK, *args])


def _clean_error(result, *words: str) -> None:
    """A one-line error on exit 2, no traceback, containing ``words``."""
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


# --- the answer's size -------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", [
    pytest.param("close", id="until-the-connection-closes"),
    pytest.param("chunked", id="chunked"),
    pytest.param("announced", id="announced-length"),
])
def test_an_answer_over_the_cap_is_refused_before_it_is_read_whole(hostile, how: str) -> None:
    """The server would send 64 MB; the client stops a chunk after the cap, so the server cannot finish."""
    base, seen = hostile
    url = f"{base}/big?size={1024 * CAP}&how={how}"
    with pytest.raises(QueryError, match=re.escape(f"{url} sent an answer over the limit of {CAP:,} bytes") + ".*add LIMIT"):
        EndpointStore(url, max_bytes=CAP).query(ASK)
    assert not seen.finished


@pytest.mark.parametrize("size", [
    pytest.param(CAP, id="exactly-the-cap"),
    pytest.param(CAP - 1, id="under-the-cap"),
])
@pytest.mark.parametrize("how", ["close", "chunked", "announced"])
def test_an_answer_within_the_cap_is_read(hostile, size: int, how: str) -> None:
    base, _ = hostile
    assert EndpointStore(f"{base}/big?size={size}&how={how}", max_bytes=CAP).query(ASK).boolean is True


def test_the_cli_refuses_an_announced_huge_answer_on_one_line(hostile) -> None:
    """400 MB announced, over the default cap: refused from its headers."""
    base, seen = hostile
    url = f"{base}/big?size={400 * 1024 * 1024}&how=announced"
    _clean_error(_cli("--endpoint", url), "over the limit of 268,435,456 bytes (it announced 419,430,400 bytes)",
                 "add LIMIT")
    assert not seen.finished


# --- a total deadline ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", [
    pytest.param("status", id="status-line"),
    pytest.param("headers", id="headers"),
    pytest.param("body", id="body"),
])
def test_a_dripping_server_meets_the_deadline(hostile, where: str) -> None:
    """Each byte comes well within the deadline, so only a deadline on the whole request ends it."""
    base, seen = hostile
    url = f"{base}/drip?where={where}"
    started = time.monotonic()
    with pytest.raises(QueryError, match=re.escape(f"{url} did not answer within {DEADLINE:g} s")):
        EndpointStore(url, timeout=DEADLINE).query(ASK)
    assert time.monotonic() - started < DRIP * DRIP_BYTES / 2  # the drip takes a minute
    assert not seen.finished


def test_the_cli_reports_a_drip_on_one_line(hostile) -> None:
    base, _ = hostile
    started = time.monotonic()
    _clean_error(_cli("--endpoint", f"{base}/drip?where=body", "--timeout", str(DEADLINE)),
                 f"did not answer within {DEADLINE:g} s", "--timeout: ", "raise the timeout")
    assert time.monotonic() - started < DRIP * DRIP_BYTES / 2


@pytest.mark.parametrize("timeout", [
    pytest.param(0.0, id="zero"),
    pytest.param(-1.0, id="negative"),
    pytest.param(float("nan"), id="nan"),
    pytest.param(float("inf"), id="infinite"),
])
def test_a_timeout_must_be_a_positive_number(timeout: float) -> None:
    with pytest.raises(QueryError, match="the timeout must be a number of seconds more than 0") as refused:
        kg.connect("http://127.0.0.1:9/query", timeout=timeout)
    assert refused.value.option == "timeout"


@pytest.mark.parametrize("value, words", [
    pytest.param("0", "0 is not in the range", id="zero"),
    pytest.param("nan", "'nan' is not a number of seconds", id="nan"),
    pytest.param("inf", "'inf' is not a number of seconds", id="infinite"),
])
def test_the_cli_refuses_a_bad_timeout(value: str, words: str) -> None:
    result = _cli("--endpoint", "http://127.0.0.1:9/query", "--timeout", value)
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output, result.output


def test_a_cap_must_be_positive() -> None:
    with pytest.raises(QueryError, match="the answer limit must be at least 1 byte, not 0"):
        kg.connect("http://127.0.0.1:9/query", max_bytes=0)


def test_connect_has_the_clients_defaults() -> None:
    """kg.connect writes the defaults out (kg.endpoint is imported lazily); they must stay equal."""
    defaults = {name: p.default for name, p in inspect.signature(kg.connect).parameters.items()}
    assert defaults["timeout"] == endpoint.DEFAULT_TIMEOUT and defaults["max_bytes"] == endpoint.MAX_ANSWER_BYTES
    assert defaults["follow_redirects"] is False


# --- redirects -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code, method", [
    pytest.param(301, "POST", id="301"),
    pytest.param(302, "POST", id="302"),
    pytest.param(303, "GET", id="303-see-other"),
    pytest.param(307, "POST", id="307"),
    pytest.param(308, "POST", id="308"),
])
@pytest.mark.parametrize("location", [
    pytest.param("/query", id="relative"),
    pytest.param("{base}/query", id="absolute"),
])
def test_a_redirect_within_the_endpoint_is_followed(hostile, code: int, method: str, location: str) -> None:
    """The query is sent again to the new address (a 303 fetches the answer there with GET)."""
    base, seen = hostile
    to = urllib.parse.quote(location.format(base=base), safe="")
    assert EndpointStore(f"{base}/redirect?code={code}&to={to}").query(ASK).boolean is True
    assert [(m, path) for m, path, _ in seen.requests][1:] == [(method, "/query")]
    assert ("ASK" in urllib.parse.unquote_plus(seen.requests[1][2])) == (method == "POST")


@pytest.mark.parametrize("target", [
    pytest.param("http://127.0.0.1:{port}/query", id="another-port"),
    pytest.param("http://localhost:{port}/query", id="another-host"),
    pytest.param("https://127.0.0.1:{same}/query", id="another-scheme"),
])
def test_a_redirect_elsewhere_is_refused(hostile, elsewhere, target: str) -> None:
    """The error names both URLs, and nothing reaches the other server."""
    base, _ = hostile
    other, reached = elsewhere
    to = target.format(port=other.rsplit(":", 1)[1], same=base.rsplit(":", 1)[1])
    url = f"{base}/redirect?to={urllib.parse.quote(to, safe='')}"
    with pytest.raises(QueryError, match="another scheme, host or port") as refused:
        EndpointStore(url).query(ASK)
    assert f"{url} redirects to {to}" in str(refused.value)
    assert reached.requests == []


@pytest.mark.parametrize("to", [
    pytest.param("file:///etc/hostname", id="file"),
    pytest.param("ftp://127.0.0.1/query", id="ftp"),
])
def test_a_redirect_outside_http_is_refused_even_when_redirects_are_followed(hostile, to: str) -> None:
    base, _ = hostile
    with pytest.raises(QueryError, match=re.escape(f"redirects to {to}, which is not an http")):
        EndpointStore(f"{base}/redirect?to={urllib.parse.quote(to, safe='')}", follow_redirects=True).query(ASK)


def test_a_redirect_elsewhere_is_followed_when_asked(hostile, elsewhere) -> None:
    base, _ = hostile
    other, reached = elsewhere
    url = f"{base}/redirect?to={urllib.parse.quote(other + '/query', safe='')}"
    assert kg.connect(url, follow_redirects=True).store.query(ASK).boolean is True
    assert [(m, path) for m, path, _ in reached.requests] == [("POST", "/query")]


def test_a_redirect_loop_is_bounded(hostile) -> None:
    base, seen = hostile
    with pytest.raises(QueryError, match=re.escape(f"{base}/loop redirected more than {MAX_REDIRECTS} times")):
        EndpointStore(f"{base}/loop").query(ASK)
    assert len(seen.requests) == MAX_REDIRECTS + 1


@pytest.mark.parametrize("args, words", [
    pytest.param(["loop"], ["redirected more than"], id="loop"),
    pytest.param(["elsewhere"], ["--follow-redirects: ", "another scheme, host or port", "allow redirects to other origins"], id="elsewhere"),
])
def test_the_cli_reports_a_bad_redirect_on_one_line(hostile, elsewhere, args: list[str], words: list[str]) -> None:
    base, _ = hostile
    other, _ = elsewhere
    url = {"loop": f"{base}/loop",
           "elsewhere": f"{base}/redirect?to={urllib.parse.quote(other + '/query', safe='')}"}[args[0]]
    _clean_error(_cli("--endpoint", url), *words)


def test_the_cli_follows_redirects_when_asked(hostile, elsewhere) -> None:
    base, _ = hostile
    other, reached = elsewhere
    result = _cli("--endpoint", f"{base}/redirect?to={urllib.parse.quote(other + '/query', safe='')}",
                  "--follow-redirects", "--format", "csv")
    assert result.exit_code == 0 and "true" in result.output.lower(), result.output
    assert len(reached.requests) == 1


def test_follow_redirects_needs_an_endpoint() -> None:
    _clean_error(CliRunner().invoke(main, ["stats", "--follow-redirects"]), "--follow-redirects applies to --endpoint only")


# --- broken HTTP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, words", [
    pytest.param("/headers", "got more than 100 headers", id="too-many-headers"),
    pytest.param("/short", f"{len(YES)} bytes read, {1000 - len(YES)} more expected", id="body-cut-short"),
])
def test_broken_http_is_a_clean_error(hostile, path: str, words: str) -> None:
    base, _ = hostile
    _clean_error(_cli("--endpoint", base + path), f"the SPARQL endpoint {base}{path} failed to answer", words)


# --- what Virtuoso says -------------------------------------------------------------------------------


@pytest.mark.parametrize("case, words", [
    pytest.param("capped", ["cut its answer at 10000 rows", "ResultSetMaxRows", "virtuoso.ini"], id="cut-at-its-cap"),
    pytest.param("partial", ["partial answer", "S1TAT", "MaxQueryExecutionTime"], id="stopped-early"),
    pytest.param("union", ["is Virtuoso", "union of all its graphs", "--default-graph: ", "e.g. https://w3id.org/mrkg/merge"],
                 id="union-default-graph"),
    pytest.param("estimate", ["HTTP 500", "estimated execution time", "MaxQueryCostEstimationTime = 0"],
                 id="refused-estimate"),
])
def test_what_virtuoso_says_is_a_clean_error(hostile, case: str, words: list[str]) -> None:
    """Answers Virtuoso cut, stopped or drew from the union of its graphs are refused, not passed on as rows."""
    base, _ = hostile
    _clean_error(_cli("--endpoint", f"{base}/virtuoso?case={case}"), *words)
