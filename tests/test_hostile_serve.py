"""Denial of service against ``mrkg serve`` (issue 15, fault 6): every case ends in a clear answer, and the server
keeps serving.

- Memory: a query that needs more than a worker's memory limit is stopped with a message naming the limit, and
  the next query is answered (the worker is replaced).
- Fair admission, on the pool itself (the client key set as the HTTP layer sets it): a free worker goes to the
  client served longest ago; a full queue and a slow query too many get a 503 with ``Retry-After``.
- Noisy neighbours over real HTTP: twice as many runaway clients as workers, from another loopback address,
  while a normal client's requests are all answered.
- The connection: a request head or body that does not arrive in time gets a 408 and the connection is cut;
  oversized headers get a 431; connections past the cap for one address get a 503.

Limits are small (2 s read deadline, 400 MB per worker, a 1 s slow threshold) so each case is quick; every wait is
bounded at 30 s or more.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")

from kg.serve import create_app  # noqa: E402
from kg.serve.formats import choose  # noqa: E402
from kg.serve.pool import CLIENT, WorkerPool  # noqa: E402
from test_serve import _free_port, _Server  # noqa: E402  (the endpoint tests' loopback server: mrkg serve's configuration)

ATC_QUERY = "SELECT ?atc WHERE { drug:baclofen mr:atcCode ?atc }"
#: Runs for minutes on the real graph: a three-way cartesian product, counted (CPU only, little memory).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
WORKER_MEMORY = 400
READ_TIMEOUT = 2.0
TIMEOUT = 4.0
SLOW_AFTER = 1.0
#: The time limit of a runaway query in the pool's cases.
SHORT = 2.5
#: Bound of every wait in these tests: far above each limit, so a busy core does not fail them.
WAIT = 60.0
OTHER_ADDRESS = "127.0.0.2"  # all of 127.0.0.0/8 is loopback on Linux: a second client address on one machine


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[_Server]:
    """The endpoint over the real graph with small limits (2 workers of 1,600 MB, 4 s per query, slow after 2 s,
    2 s to send a head or a body, 8 connections per address) and the default request size limit, 1 MB."""
    app = create_app(built, workers=2, timeout=TIMEOUT, max_results=500,
                     worker_memory=4 * WORKER_MEMORY, read_timeout=READ_TIMEOUT, slow_after=2 * SLOW_AFTER)
    with _Server(app, max_connections_per_client=8) as running:
        yield running


@pytest.fixture(scope="module")
def memory_server(built: Path) -> Iterator[_Server]:
    """The endpoint with the same memory limit but a time limit far above it, so that a query that allocates slowly
    on a busy core is still stopped by its memory, not by the clock."""
    app = create_app(built, workers=2, timeout=WAIT / 2, max_results=500, worker_memory=WORKER_MEMORY)
    with _Server(app) as running:
        yield running


def _ask(url: str, query: str, address: str = "127.0.0.1") -> httpx.Response:
    """POST ``query`` from ``address``, answer as CSV."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=url, timeout=WAIT, transport=transport) as client:
        return client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})


def _served(url: str) -> None:
    answer = _ask(url, ATC_QUERY)
    assert answer.status_code == 200 and answer.text.split() == ["atc", "M03BX01"], answer.text


# --- memory ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    pytest.param("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f", id="order-by-over-cartesian-product"),
    pytest.param("SELECT ?a ?f (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f } GROUP BY ?a ?f ORDER BY DESC(?n)",
                 id="group-by-over-cartesian-product"),
    pytest.param("CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f", id="sorted-construct"),
])
def test_query_past_the_memory_limit_is_stopped_and_the_server_goes_on(memory_server: _Server, query: str) -> None:
    answer = _ask(memory_server.url, query)
    assert answer.status_code == 503
    assert f"needed more than {WORKER_MEMORY} MB" in answer.text and "memory limit" in answer.text
    _served(memory_server.url)


@pytest.mark.parametrize("option, value, words", [
    pytest.param("--worker-memory", "100", "--worker-memory: a worker's memory of 100 MB is too little: give at least 256 MB", id="worker-memory-too-small"),
    pytest.param("--worker-memory", "-1", "Invalid value for '--worker-memory'", id="worker-memory-negative"),
    pytest.param("--read-timeout", "0", "Invalid value for '--read-timeout'", id="read-timeout-zero"),
    pytest.param("--read-timeout", "nan", "Invalid value for '--read-timeout'", id="read-timeout-nan"),
])
def test_serve_refuses_bad_limits_in_one_line(monkeypatch: pytest.MonkeyPatch, option: str, value: str,
                                               words: str) -> None:
    """Refused before any worker starts: click's own check, or create_app's (the CLI prints it on one line)."""
    from click.testing import CliRunner

    import kg.serve.app
    from kg.cli import main

    monkeypatch.setattr(kg.serve.app, "_graph_files", lambda *a: pytest.fail("the graph was opened"))
    result = CliRunner().invoke(main, ["serve", option, value])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output, result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) <= 3  # click's usage error: 3 lines


# --- fair admission, on the pool ------------------------------------------------------------------------

def _store(built: Path) -> Path:
    from kg.cache import open_prepared

    directory = open_prepared(built).directory
    assert directory is not None
    return directory


async def _submit(pool: WorkerPool, client: str, query: str, limit: float | None = None) -> tuple[Any, float]:
    """Run ``query`` as ``client`` (set as the HTTP layer sets it, in this task's own context) with time limit
    ``limit`` (default: the pool's); the reply, and when it came."""
    CLIENT.set(client)
    reply = await pool.run("sparql", query, [], [], choose("csv", None), 500, timeout=limit)
    return reply, time.monotonic()


def _run_pool(built: Path, requests: list[tuple], **settings: Any) -> list[tuple[Any, float]]:
    """Start a pool, send ``requests`` (client, query, and seconds to wait first if given) in this order, and collect
    every answer.

    The runaways get a time limit of their own, :data:`SHORT`, so that what waits behind them is answered well
    within the pool's :data:`WAIT`.
    """
    async def scenario() -> list[tuple[Any, float]]:
        pool = WorkerPool(_store(built), built, timeout=WAIT, **settings)
        await pool.start()
        try:
            tasks = []
            for client, query, *delay in requests:
                await asyncio.sleep(delay[0] if delay else 0)  # each request takes its place in the queue in order
                limit = SHORT if query == RUNAWAY else None
                tasks.append(asyncio.create_task(_submit(pool, client, query, limit)))
            await asyncio.sleep(0)
            answers = await asyncio.wait_for(asyncio.gather(*tasks), 4 * WAIT)
            again, _ = await _submit(pool, "after", ATC_QUERY)  # a worker stopped on the way has been replaced
            assert again.status == 200, again.body
            return answers
        finally:
            await pool.stop()

    return asyncio.run(scenario())


GAVE_WAY = "so that other clients' queries could run: on this server a query running longer than 1 s gives way"


@pytest.mark.parametrize("settings, requests, expected", [
    pytest.param({"size": 1, "max_waiting": 2},
                 [("a", RUNAWAY), ("a", ATC_QUERY), ("a", ATC_QUERY), ("a", ATC_QUERY), ("b", ATC_QUERY)],
                 [(503, "time limit"), (200, "M03BX01"), (200, "M03BX01"),
                  (503, "2 requests of this client already wait"), (200, "M03BX01")],
                 id="queue-full-for-one-client-others-still-queue"),
    pytest.param({"size": 1, "max_waiting": 1},
                 [("a", RUNAWAY), *((f"c{i}", ATC_QUERY) for i in range(4)), ("late", ATC_QUERY)],
                 [(503, "time limit"), *((200, "M03BX01") for _ in range(4)), (503, "4 requests already wait")],
                 id="whole-queue-full"),
    pytest.param({"size": 2, "slow_after": SLOW_AFTER},
                 [("a", RUNAWAY), ("b", RUNAWAY)],
                 [(503, "time limit"), (503, "time limit")],
                 id="slow-queries-of-two-clients-run-on-while-nobody-waits"),
    pytest.param({"size": 2, "slow_after": SLOW_AFTER},
                 [("a", RUNAWAY), ("b", RUNAWAY), ("c", ATC_QUERY, 2 * SLOW_AFTER)],
                 [(503, "time limit"), (503, GAVE_WAY), (200, "M03BX01")],
                 id="one-slow-query-gives-way-to-one-waiting-request"),
    pytest.param({"size": 1, "slow_after": SLOW_AFTER},
                 [("a", RUNAWAY), ("b", ATC_QUERY)],
                 [(503, GAVE_WAY), (200, "M03BX01")],
                 id="query-becoming-slow-gives-way-to-another-client-waiting"),
    pytest.param({"size": 1, "slow_after": SLOW_AFTER},
                 [("a", RUNAWAY), ("b", ATC_QUERY, 2 * SLOW_AFTER)],
                 [(503, GAVE_WAY), (200, "M03BX01")],
                 id="slow-query-gives-way-to-another-client-that-comes-to-wait"),
    pytest.param({"size": 1, "slow_after": SLOW_AFTER},
                 [("a", RUNAWAY), ("a", ATC_QUERY)],
                 [(503, "time limit"), (200, "M03BX01")],
                 id="slow-query-does-not-give-way-to-its-own-client"),
])
def test_admission(built: Path, settings: dict, requests: list[tuple],
                   expected: list[tuple[int, str]]) -> None:
    """Each expected answer is given to one request (which of two runaways first becomes slow is up to the clock)."""
    replies = [reply for reply, _ in _run_pool(built, requests, **settings)]
    unmatched = list(replies)
    for status, words in expected:
        match = next((r for r in unmatched if r.status == status and words in r.body.decode()), None)
        assert match is not None, (status, words, [(r.status, r.body.decode()) for r in replies])
        unmatched.remove(match)
        if status == 503 and words != "time limit":  # busy, or stopped so others are served: come back later
            assert match.headers["Retry-After"] == str(int(WAIT))


@pytest.mark.parametrize("requests, order", [
    pytest.param([("z", RUNAWAY), ("a", ATC_QUERY), ("a", ATC_QUERY), ("b", ATC_QUERY)], [1, 3, 2],
                 id="round-robin-between-clients"),
    pytest.param([("a", RUNAWAY), ("a", ATC_QUERY), ("a", ATC_QUERY), ("b", ATC_QUERY)], [3, 1, 2],
                 id="a-client-whose-query-was-stopped-goes-last"),
])
def test_who_gets_a_free_worker(built: Path, requests: list[tuple[str, str]], order: list[int]) -> None:
    """One worker, held by a runaway until its time limit while the others queue: the order they are answered in."""
    answers = _run_pool(built, requests, size=1)
    assert [reply.status for reply, _ in answers] == [503, 200, 200, 200]
    assert sorted(order, key=lambda i: answers[i][1]) == order


# --- noisy neighbours over HTTP ---------------------------------------------------------------------

def test_runaway_clients_do_not_starve_a_normal_client(server: _Server) -> None:
    """Four runaway clients (twice the workers) from one address; six requests of a normal client at another address
    meanwhile all succeed, and the runaways give way to it. (Both addresses are new to the server: a client whose
    queries were stopped lately, as in the tests above, would wait behind the runaways.)"""
    normal_address, runaway_address = "127.0.0.5", "127.0.0.6"
    with ThreadPoolExecutor(4) as pool:
        runaways = [pool.submit(_ask, server.url, RUNAWAY, runaway_address) for _ in range(4)]
        time.sleep(0.5)  # let them take the workers first
        normal = [_ask(server.url, ATC_QUERY, normal_address) for _ in range(6)]
        stopped = [r.result() for r in runaways]
    assert [a.status_code for a in normal] == [200] * 6, [a.text for a in normal]
    assert [a.status_code for a in stopped] == [503] * 4
    # stopped by the clock (the memory cap is far above what the count needs in 4 s; test_query_past_the_memory_limit...
    # has a server of its own for memory)
    assert all("the query was stopped after" in a.text for a in stopped), [a.text for a in stopped]
    given_way = [a for a in stopped if "so that other clients' queries could run" in a.text]
    assert given_way, [a.text for a in stopped]
    assert all(a.headers["Retry-After"] == str(int(TIMEOUT)) for a in given_way)
    _served(server.url)


# --- the connection: deadlines and sizes -----------------------------------------------------------------

def _raw(port: int, chunks: list[bytes], pause: float = 0.0, address: str = "127.0.0.1") -> bytes:
    """Send ``chunks`` (``pause`` s apart, stopping when the server closes), then read until it closes; all it sent."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT, source_address=(address, 0)) as sock:
        try:
            for chunk in chunks:
                sock.sendall(chunk)
                time.sleep(pause)
        except (ConnectionResetError, BrokenPipeError):
            pass
        received = b""
        try:
            while data := sock.recv(65536):
                received += data
        except ConnectionResetError:
            pass
        return received


HEAD = b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
#: A request head sent one byte a second: it never ends within the deadline.
DRIP = [bytes([b]) for b in HEAD] + [b"X-Pad: " + b"a" * 200]


@pytest.mark.parametrize("chunks, pause, status, words", [
    pytest.param([b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"], 0.0, 408, b"head did not arrive within 2 s",
                 id="head-never-finished"),
    pytest.param(DRIP, 0.3, 408, b"head did not arrive within 2 s", id="head-sent-a-byte-at-a-time"),
    pytest.param([HEAD + b"Content-Length: 200\r\n\r\n" + ATC_QUERY.encode()], 0.0, 408,
                 b"did not arrive within 2 s, the limit of this server (got 51 of 200 bytes)", id="short-body"),
    pytest.param([HEAD + b"Content-Length: 500\r\n\r\n", *(b"#" for _ in range(200))], 0.2, 408,
                 b"request body did not arrive within 2 s", id="body-sent-a-byte-at-a-time"),
    pytest.param([b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"GET /spa"], 0.5, 408,
                 b"head did not arrive within 2 s", id="second-head-on-a-kept-alive-connection"),
    pytest.param([], 0.0, None, b"", id="connection-that-sends-nothing-is-closed"),
])
def test_slow_senders_are_cut(server: _Server, chunks: list[bytes], pause: float, status: int | None,
                              words: bytes) -> None:
    received = _raw(server.port, chunks, pause)
    if status is None:
        assert received == b""
    else:
        last = received[received.rfind(b"HTTP/1.1 "):]  # the answer to a first, complete request comes before it
        assert last.startswith(f"HTTP/1.1 {status} ".encode()) and words in last, received[-500:]
    _served(server.url)


def test_many_slow_sockets_are_all_cut(server: _Server) -> None:
    """Twenty half-sent heads at once, from four addresses: each is cut at the deadline, and others are served."""
    addresses = [f"127.0.0.{10 + i % 4}" for i in range(20)]
    with ThreadPoolExecutor(len(addresses)) as pool:
        held = [pool.submit(_raw, server.port, [b"GET / HTTP/1.1\r\nHost: x\r\n"], 0.0, a) for a in addresses]
        _served(server.url)
        cut = [h.result() for h in held]
    assert all(r.startswith(b"HTTP/1.1 408 ") for r in cut), cut


async def _hello(scope: dict, receive: Any, send: Any) -> None:
    """The smallest ASGI app: 200, "hello"."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})


def test_connections_capped_for_one_address() -> None:
    """Eight kept-alive connections from one address (its cap): a ninth from it is refused at once with 503 and
    Retry-After, one from another address is served, and once the eight close the address is served again."""
    from kg.serve.protocol import guarded_protocol

    port = _free_port()
    config = uvicorn.Config(_hello, host="127.0.0.1", port=port, log_level="warning", timeout_keep_alive=int(WAIT),
                            http=guarded_protocol(WAIT, 256, 8))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + WAIT
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        address, request = "127.0.0.3", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        held = [socket.create_connection(("127.0.0.1", port), timeout=WAIT, source_address=(address, 0))
                for _ in range(8)]
        for sock in held:  # answered: the server counts each of them now
            sock.sendall(request)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        refused = _raw(port, [], address=address)
        assert refused.startswith(b"HTTP/1.1 503 ") and f"retry-after: {int(WAIT)}".encode() in refused
        assert b"this client has 8 connections open, the limit of this server for one client" in refused
        closing = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        assert _raw(port, [closing], address="127.0.0.4").startswith(b"HTTP/1.1 200 ")
        for sock in held:
            sock.close()
        again = b""
        while not again.startswith(b"HTTP/1.1 200 ") and time.monotonic() < deadline + WAIT:
            again = _raw(port, [closing], address=address)  # refused until the server has seen the eight close
        assert again.startswith(b"HTTP/1.1 200 "), again
    finally:
        server.should_exit = True
        thread.join(WAIT)


@pytest.mark.parametrize("headers, status, words", [
    pytest.param({"Accept": "text/csv," + "x/y;q=0.1," * 90_000}, 431, "the Accept header is longer than 8,192",
                 id="900-kB-accept"),
    pytest.param({"X-Junk": "a" * 9_000}, 431, "the X-Junk header is longer than 8,192", id="one-huge-header"),
    pytest.param({f"X-Junk-{i}": "a" * 4_000 for i in range(10)}, 431, "headers are longer than 32,768 bytes in all",
                 id="many-large-headers"),
    pytest.param({"Accept": "x/y;q=0.1," * 800 + "text/csv"}, 200, "M03BX01", id="long-accept-under-the-limit"),
])
def test_header_sizes(server: _Server, headers: dict[str, str], status: int, words: str) -> None:
    with httpx.Client(base_url=server.url, timeout=WAIT) as client:
        answer = client.get("/sparql", params={"query": ATC_QUERY}, headers=headers)
    assert answer.status_code == status and words in answer.text, answer.text[:300]
    _served(server.url)


# --- CPU work on a request body -----------------------------------------------------------------------

def test_a_long_query_is_checked_while_others_are_served(server: _Server) -> None:
    """Issue 15: the check of a 450 KB query (a second or more of tokens) runs beside the event loop, not on it: a small query
    sent while it is checked is answered in a fraction of the check's time (a ratio to the check, measured here)."""
    from kg.guard import check_query

    huge = "SELECT * WHERE { " + "a." * 225_000 + "}"
    started = time.monotonic()
    check_query(huge, set(), False)  # what the server does before a worker parses the query
    check_seconds = time.monotonic() - started

    with ThreadPoolExecutor(1) as pool:
        big = pool.submit(_ask, server.url, huge, OTHER_ADDRESS)
        time.sleep(min(0.3, check_seconds / 4))  # the huge request is in, and being checked
        sent = time.monotonic()
        _served(server.url)
        small_seconds = time.monotonic() - sent
        big.result(WAIT)
    assert small_seconds < check_seconds / 2, (small_seconds, check_seconds)
