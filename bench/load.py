"""Load: the SPARQL endpoint under concurrent clients, beside an rdflib endpoint and Oxigraph's server.

    python bench/load.py [--quick] [--clients 8] [--seconds 20] [--rounds 4] [--servers mrkg,oxigraph,rdflib]
    python bench/load.py --noisy [--quick] [--clients 8] [--seconds 30] [--mrkg-workers 2]

Three servers on 127.0.0.1 serve the built N-Quads file (named graphs, their merge as default graph):

- ``mrkg``: ``mrkg serve --graph FILE`` (uvicorn, FastAPI, a pool of query worker processes);
- ``rdflib``: the ``rdflib-endpoint`` package over an rdflib ``Dataset`` (``bench/_rdflib_endpoint.py``);
- ``oxigraph``: ``oxigraph serve-read-only`` (the ``oxigraph`` PyPI package's server) over a store
  loaded with ``oxigraph load``.

The query mix is every named query of ``queries/*.rq`` with the parameters of its ``example:``
header, resolved to IRIs and bound in the text by ``kg.endpoint.bind_values`` (VALUES blocks), sent by
POST as ``application/sparql-query`` with ``Accept: application/sparql-results+json``. First every
server answers every query once, and the answers are compared. Then N asyncio + httpx clients run
the mix (each client in its own order, one request at a time) against one server at a time: a
warm-up, then ``--seconds`` per server split into ``--rounds`` slices in rotating server order;
each client finishes the request it has in flight when a slice ends. The script prints throughput,
p50 and p99 latency, errors, timeouts and CPU per query for each server and each query, and writes
JSON to ``bench/results/``. It never asserts a time.

``--noisy`` measures ``mrkg serve`` alone with noisy neighbours instead: the same normal clients
run the mix three times, ``--seconds`` each: alone, then beside 2 × workers *runaway* clients (each
sending queries that never finish within the time limit, one after another) from another loopback
address (127.0.0.2), then beside the same runaways from the normal clients' own address. It prints
the normal clients' throughput, p50, p99 and errors in each phase, their ratios to the phase alone,
and what the runaways were answered.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchutil import fmt_ms, fmt_ratio, percentile, table  # noqa: E402
from run import machine  # noqa: E402

PYTHON = sys.executable
BIN = Path(sys.executable).parent
SERVERS = ("mrkg", "oxigraph", "rdflib")
LABELS = {"mrkg": "mrkg serve", "rdflib": "rdflib-endpoint", "oxigraph": "oxigraph server"}
JSON_RESULTS = "application/sparql-results+json"
PROBE = "ASK { ?s ?p ?o }"
#: Queries of the noisy neighbours: each runs far past the time limit, on CPU or on memory.
RUNAWAYS = [
    ("cartesian-count", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    ("cartesian-order-by", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"),
]
#: The address the runaways come from when they are other clients (127.0.0.0/8 is all loopback on Linux).
OTHER_ADDRESS = "127.0.0.2"
#: mrkg serve's time limit in the noisy mode (given explicitly: the goal is normal clients' p99 below it).
NOISY_TIME_LIMIT = 10.0


# ------------------------------------------------------------------------------------------ the data

def data_file() -> Path:
    """The built N-Quads file that every server loads.

    MRKG's engine sees the RDF merge of the named graphs as its default graph; the built file
    carries that merge in its default graph (kg.build.write_nquads), so the other servers see the
    same default graph.
    """
    import kg

    return kg.load().path


# ----------------------------------------------------------------------------------------- the queries

def query_mix() -> list[tuple[str, str]]:
    """``(name, SPARQL text)`` for every named query, with the parameters of its example bound in the text.

    The binding is ``kg.endpoint``'s, as ``mrkg query --endpoint`` sends it: a VALUES block first in the
    WHERE group and in each inner group that uses a parameter, and PREFIX lines for MRKG prefixes
    used but not declared.
    """
    import kg
    from kg.endpoint import add_prefixes, bind_values
    from kg.query import bind_params, load_library

    graph = kg.load()
    mix = []
    for name, query in load_library().items():
        bindings = bind_params(query, query.example_params, lambda: graph.resolver)
        mix.append((name, add_prefixes(bind_values(query.text, bindings))))
    return mix


# ----------------------------------------------------------------------------------------- the servers

@dataclass
class Server:
    """One running server: its name, query URL, process and client timeout."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path
    timeout: float
    started_s: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(command: list[str], log: Path) -> subprocess.Popen:
    """Start ``command`` with its output going to ``log``."""
    with open(log, "wb") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def default_workers() -> int:
    """The pool size ``mrkg serve`` picks on this machine (as ``kg.serve.app.create_app`` computes it)."""
    return max(2, min(os.cpu_count() or 2, 8))


def mrkg_command(port: int, data: Path, workers: int | None, extra: list[str] | None = None) -> list[str]:
    """``mrkg serve`` on ``port`` over ``data``, with ``--workers`` when given, and ``extra`` options."""
    mrkg = BIN / "mrkg"
    command = [str(mrkg)] if mrkg.exists() else [PYTHON, "-m", "kg"]
    command += ["serve", "--port", str(port), "--graph", str(data)]
    return command + (["--workers", str(workers)] if workers else []) + (extra or [])


def start_server(name: str, data: Path, workdir: Path, timeout: float, workers: int | None = None,
                 extra: list[str] | None = None) -> Server:
    """Start server ``name`` on a free port over ``data`` (not yet ready); ``extra``: more options for mrkg."""
    port = free_port()
    log = workdir / f"{name}.log"
    if name == "mrkg":
        process = launch(mrkg_command(port, data, workers, extra), log)
        return Server(name, f"http://127.0.0.1:{port}/sparql", process, log, timeout)
    if name == "rdflib":
        process = launch([PYTHON, str(HERE / "_rdflib_endpoint.py"), str(data), "--port", str(port)], log)
        return Server(name, f"http://127.0.0.1:{port}/sparql", process, log, timeout)
    oxigraph = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if oxigraph is None:
        raise SystemExit("the oxigraph server is missing: pip install oxigraph (the 'bench' extra)")
    location = workdir / "oxigraph-server"
    started = time.perf_counter()
    loaded = subprocess.run([oxigraph, "load", "--location", str(location), "--file", str(data)],
                            capture_output=True, text=True)
    if loaded.returncode:
        raise SystemExit(f"oxigraph load failed: {loaded.stderr.strip()}")
    process = launch([oxigraph, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"], log)
    server = Server(name, f"http://127.0.0.1:{port}/query", process, log, timeout)
    server.notes["load_s"] = time.perf_counter() - started
    return server


async def post(client: Any, url: str, text: str, timeout: float) -> tuple[str, int, bytes, float]:
    """POST one query; ``(outcome, status, body, seconds)`` with outcome ``ok``, ``error`` or ``timeout``."""
    import httpx

    start = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            response = await client.post(url, content=text.encode(), headers={
                "Content-Type": "application/sparql-query", "Accept": JSON_RESULTS})
    except (TimeoutError, httpx.TimeoutException):
        return "timeout", 0, b"", time.perf_counter() - start
    except httpx.HTTPError as exc:
        return "error", 0, f"{type(exc).__name__}: {exc}".encode(), time.perf_counter() - start
    seconds = time.perf_counter() - start
    return ("ok" if response.status_code == 200 else "error"), response.status_code, response.content, seconds


async def wait_ready(server: Server, limit: float = 180) -> None:
    """Wait until ``server`` answers a probe query; stop with its log if it dies or never answers."""
    import httpx

    start = time.perf_counter()
    async with httpx.AsyncClient() as client:
        while time.perf_counter() - start < limit:
            if server.process.poll() is not None:
                raise SystemExit(f"{server.name} stopped at start:\n{server.log.read_text()[-2000:]}")
            outcome, _, _, _ = await post(client, server.url, PROBE, 5)
            if outcome == "ok":
                server.started_s = time.perf_counter() - start
                return
            await asyncio.sleep(0.2)
    raise SystemExit(f"{server.name} did not answer within {limit:.0f} s:\n{server.log.read_text()[-2000:]}")


def stop(server: Server) -> None:
    """Stop ``server``'s process (it started, so it is ours to end)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User + system CPU seconds of process ``pid`` itself and of its living descendants (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree = {pid}
    for _ in range(4):  # the mrkg server is at most three levels deep
        tree |= {p for p, (ppid, _) in stats.items() if ppid in tree}
    children = sum(stats[p][1] for p in tree - {pid} if p in stats)
    return stats.get(pid, (0, 0.0))[1], children


# ----------------------------------------------------------------------------------------- the check

def normalised_rows(body: bytes) -> list[tuple] | None:
    """The rows of a SPARQL JSON result as sortable tuples (GROUP_CONCAT lists sorted; blank nodes blanked)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if "boolean" in data:
        return [(("boolean", str(data["boolean"])),)]

    def cell(term: dict | None) -> tuple[str, str]:
        """One binding as ``(kind, value)``."""
        if term is None:
            return ("unbound", "")
        if term["type"] == "bnode":
            return ("bnode", "")
        if term["type"] == "uri":
            return ("uri", term["value"])
        return ("literal", "; ".join(sorted(term["value"].split("; "))))

    names = data["head"]["vars"]
    return sorted(tuple(cell(row.get(v)) for v in names) for row in data["results"]["bindings"])


async def check(servers: list[Server], mix: list[tuple[str, str]]) -> list[dict]:
    """Every query once on every server: status, row count, time, and whether the rows agree."""
    import httpx

    report = []
    clients = {s.name: httpx.AsyncClient(timeout=None) for s in servers}
    try:
        for name, text in mix:
            entry: dict[str, Any] = {"query": name, "servers": {}}
            answers = {}
            for server in servers:
                outcome, status, body, seconds = await post(clients[server.name], server.url, text, server.timeout)
                rows = normalised_rows(body) if outcome == "ok" else None
                answers[server.name] = rows
                entry["servers"][server.name] = {
                    "outcome": outcome, "status": status, "ms": seconds * 1000,
                    "rows": None if rows is None else len(rows),
                    "detail": None if outcome == "ok" else body[:300].decode(errors="replace")}
            counts = {n: e["rows"] for n, e in entry["servers"].items()}
            entry["same_count"] = len(set(counts.values())) == 1 and None not in counts.values()
            entry["same_rows"] = entry["same_count"] and all(a == answers[servers[0].name] for a in answers.values())
            report.append(entry)
    finally:
        for client in clients.values():
            await client.aclose()
    return report


def print_check(report: list[dict], names: list[str]) -> None:
    """The row counts of each query on each server, with a flag where they differ."""
    rows = []
    for entry in report:
        cells = []
        for name in names:
            got = entry["servers"][name]
            cells.append(got["rows"] if got["outcome"] == "ok" else f"{got['outcome']} {got['status'] or ''}".strip())
        flag = "" if entry["same_rows"] else "ROWS DIFFER" if entry["same_count"] else "ROW COUNTS DIFFER"
        rows.append([entry["query"], *cells, *(fmt_ms(entry["servers"][n]["ms"]) for n in names), flag])
    print(table(["query", *(f"rows {n}" for n in names), *(f"ms {n}" for n in names), ""], rows))
    bad = [e for e in report if not e["same_count"]]
    print(f"\nrow counts agree on {len(report) - len(bad)} of {len(report)} queries"
          + (f"; they differ on: {', '.join(e['query'] for e in bad)}" if bad else "")
          + ("" if all(e["same_rows"] for e in report) else
             f"; rows differ on: {', '.join(e['query'] for e in report if e['same_count'] and not e['same_rows'])}"))
    for entry in bad:
        for name in names:
            if entry["servers"][name]["detail"]:
                print(f"  {entry['query']} on {name}: {entry['servers'][name]['detail'][:200]}")


# ----------------------------------------------------------------------------------------- the load

async def client_loop(client: Any, server: Server, order: list[tuple[str, str]], deadline: float,
                      samples: list[tuple]) -> None:
    """Send the queries of ``order`` one after another, round and round, until ``deadline``."""
    index = 0
    while time.perf_counter() < deadline:
        name, text = order[index % len(order)]
        index += 1
        outcome, status, body, seconds = await post(client, server.url, text, server.timeout)
        detail = "" if outcome == "ok" else body[:200].decode(errors="replace")
        samples.append((name, outcome, status, seconds, detail))


async def drive(server: Server, mix: list[tuple[str, str]], clients: int, seconds: float, seed: int) -> dict:
    """``clients`` concurrent clients for ``seconds``; each finishes its last request. Returns the samples."""
    import httpx

    samples: list[tuple] = []
    orders = []
    for i in range(clients):
        order = list(mix)
        random.Random(seed * 1000 + i).shuffle(order)
        orders.append(order)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    sessions = [httpx.AsyncClient(limits=limits, timeout=None) for _ in range(clients)]
    (front, workers), own = cpu_seconds(server.process.pid), time.process_time()
    start = time.perf_counter()
    try:
        await asyncio.gather(*(client_loop(s, server, o, start + seconds, samples) for s, o in zip(sessions, orders)))
    finally:
        for session in sessions:
            await session.aclose()
    elapsed = time.perf_counter() - start
    front_after, workers_after = cpu_seconds(server.process.pid)
    return {"samples": samples, "elapsed_s": elapsed, "server_cpu_s": front_after - front,
            "server_children_cpu_s": workers_after - workers, "client_cpu_s": time.process_time() - own}


async def drain(server: Server, limit: float = 300) -> float:
    """Wait until the server answers a probe again (work left by timed-out requests is done); seconds waited."""
    import httpx

    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=None) as client:
        await post(client, server.url, PROBE, limit)
    return time.perf_counter() - start


def summary(samples: list[tuple], elapsed: float) -> dict:
    """Throughput, latency percentiles (of the successful requests), errors and timeouts of ``samples``."""
    ok = [s[3] * 1000 for s in samples if s[1] == "ok"]
    errors = [s for s in samples if s[1] == "error"]
    statuses: dict[str, int] = {}
    for s in errors:
        key = str(s[2] or s[4].split(":")[0])
        statuses[key] = statuses.get(key, 0) + 1
    return {"requests": len(samples), "ok": len(ok), "errors": len(errors),
            "timeouts": sum(1 for s in samples if s[1] == "timeout"), "error_kinds": statuses,
            "error_example": errors[0][4] if errors else None,
            "qps": len(ok) / elapsed if elapsed else 0.0, "elapsed_s": elapsed,
            "p50_ms": percentile(ok, 50) if ok else None, "p99_ms": percentile(ok, 99) if ok else None,
            "max_ms": max(ok) if ok else None}


def per_query(samples: list[tuple], names: list[str]) -> dict[str, dict]:
    """The same numbers for each query (without throughput)."""
    out = {}
    for name in names:
        mine = [s for s in samples if s[0] == name]
        stats = summary(mine, 0)
        del stats["qps"], stats["elapsed_s"]
        out[name] = stats
    return out


async def load(servers: list[Server], mix: list[tuple[str, str]], args: argparse.Namespace) -> dict[str, dict]:
    """Warm every server up, then time them in ``args.rounds`` rounds (server order rotated each round)."""
    names = [name for name, _ in mix]
    runs: dict[str, list[dict]] = {s.name: [] for s in servers}
    print("\nLoad: warm-up", flush=True)
    for server in servers:
        await drive(server, mix, args.clients, args.warmup, args.seed + 1000)
        await drain(server)
    for round_ in range(args.rounds):
        order = servers[round_ % len(servers):] + servers[:round_ % len(servers)]
        for server in order:
            got = await drive(server, mix, args.clients, args.seconds / args.rounds, args.seed + round_)
            got["drain_s"] = await drain(server)
            runs[server.name].append(got)
            s = summary(got["samples"], got["elapsed_s"])
            print(f"  round {round_ + 1}/{args.rounds} {LABELS[server.name]:<16} {s['qps']:8,.1f} queries/s, "
                  f"p50 {fmt_ms(s['p50_ms'])} ms, p99 {fmt_ms(s['p99_ms'])} ms, {s['errors']} errors, "
                  f"{s['timeouts']} timeouts", flush=True)
    results = {}
    for server in servers:
        mine = runs[server.name]
        samples = [x for r in mine for x in r["samples"]]
        results[server.name] = {
            "summary": summary(samples, sum(r["elapsed_s"] for r in mine)),
            "rounds_qps": [summary(r["samples"], r["elapsed_s"])["qps"] for r in mine],
            "queries": per_query(samples, names),
            **{key: sum(r[key] for r in mine) for key in
               ("server_cpu_s", "server_children_cpu_s", "client_cpu_s", "drain_s")},
            "ready_s": server.started_s, **server.notes}
    return results


# ----------------------------------------------------------------------------------------- noisy neighbours

async def runaway_loop(client: Any, server: Server, deadline: float, first: int, samples: list[tuple]) -> None:
    """Send the runaway queries one after another (starting at ``first``) until ``deadline``."""
    index = first
    while time.perf_counter() < deadline:
        name, text = RUNAWAYS[index % len(RUNAWAYS)]
        index += 1
        outcome, status, body, seconds = await post(client, server.url, text, server.timeout)
        samples.append((name, outcome, status, seconds, body[:300].decode(errors="replace")))


def runaway_outcome(sample: tuple) -> str:
    """What stopped a runaway query, read from the server's answer."""
    _, outcome, status, _, detail = sample
    if outcome != "error" or not status:
        return outcome if outcome != "error" else detail.split(":")[0]
    for words, label in (("time limit", "time limit"), ("so that other clients", "gave way to others"),
                         ("memory limit", "memory limit"), ("wait for a query worker", "queue full"),
                         ("stayed busy", "waited too long")):
        if words in detail:
            return f"{status} {label}"
    return f"{status} other"


async def noisy_phase(server: Server, mix: list[tuple[str, str]], args: argparse.Namespace,
                      address: str | None, seed: int) -> dict:
    """The normal clients for ``args.seconds``, beside ``args.runaways`` runaway clients from ``address`` (None: none).

    The runaways start a second before the normal clients, so they hold the workers first; when the normal
    clients are done, the runaways' requests in flight are dropped, and the server is drained.
    """
    import httpx

    samples: list[tuple] = []
    sessions, tasks = [], []
    if address is not None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        sessions = [httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=address, limits=limits),
                                      timeout=None) for _ in range(args.runaways)]
        deadline = time.perf_counter() + 1 + args.seconds
        tasks = [asyncio.create_task(runaway_loop(s, server, deadline, i, samples)) for i, s in enumerate(sessions)]
        await asyncio.sleep(1)
    try:
        normal = await drive(server, mix, args.clients, args.seconds, seed)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for session in sessions:
            await session.aclose()
    normal["drain_s"] = await drain(server)
    outcomes: dict[str, int] = {}
    for sample in samples:
        key = runaway_outcome(sample)
        outcomes[key] = outcomes.get(key, 0) + 1
    return {"address": address, "summary": summary(normal["samples"], normal["elapsed_s"]),
            "queries": per_query(normal["samples"], [name for name, _ in mix]),
            "runaway_requests": len(samples), "runaway_outcomes": outcomes,
            # CPU is left out: /proc no longer counts the workers that were killed
            **{k: normal[k] for k in ("elapsed_s", "drain_s")}}


def can_bind(address: str) -> bool:
    """Whether this machine lets a socket use ``address`` as its source (all of 127/8 is loopback on Linux)."""
    with socket.socket() as sock:
        try:
            sock.bind((address, 0))
        except OSError:
            return False
    return True


def print_noisy(phases: dict[str, dict], args: argparse.Namespace) -> None:
    """The normal clients' numbers in each phase, their ratios to the phase alone, and the runaways' answers."""
    rows = []
    for label, phase in phases.items():
        s = phase["summary"]
        rows.append([label, f"{s['qps']:,.1f}", fmt_ms(s["p50_ms"]), fmt_ms(s["p99_ms"]), fmt_ms(s["max_ms"]), s["ok"],
                     s["errors"], s["timeouts"], phase["runaway_requests"]])
    print(table(["phase", "normal q/s", "p50 ms", "p99 ms", "max ms", "ok", "errors", "timeouts", "runaway requests"],
                rows))
    alone = phases["alone"]["summary"]
    limit_ms = NOISY_TIME_LIMIT * 1000
    for label, phase in phases.items():
        if label == "alone":
            continue
        s = phase["summary"]
        below = "below" if s["p99_ms"] is not None and s["p99_ms"] < limit_ms else "NOT below"
        print(f"{label}: normal p99 {fmt_ratio(ratio(s['p99_ms'], alone['p99_ms']))} of alone, "
              f"{fmt_ratio(ratio(s['p99_ms'], limit_ms))} of the time limit ({below} it), throughput "
              f"{fmt_ratio(ratio(s['qps'], alone['qps']))} of alone, {s['errors']} errors"
              + (f" {s['error_kinds']}: {s['error_example'][:160]}" if s["errors"] else "")
              + f"; runaways answered: {', '.join(f'{k} {v}' for k, v in sorted(phase['runaway_outcomes'].items()))}")
    print(f"(goal: 0 errors for the normal clients and p99 below the time limit, {NOISY_TIME_LIMIT:g} s, "
          "with the runaways at another address)")


async def run_noisy(args: argparse.Namespace, workdir: Path) -> dict:
    """Start mrkg serve, then time the normal clients alone and beside runaways from two addresses."""
    data = data_file()
    mix = query_mix()
    workers = args.mrkg_workers or default_workers()
    args.runaways = args.runaways or 2 * workers
    print(f"data: {data}\nnoisy neighbours: {args.clients} normal clients (the query mix, from 127.0.0.1) for "
          f"{args.seconds:g} s per phase; {args.runaways} runaway clients ({', '.join(n for n, _ in RUNAWAYS)} in "
          f"turn) beside mrkg serve with {workers} workers and a {NOISY_TIME_LIMIT:g} s time limit\n", flush=True)
    server = start_server("mrkg", data, workdir, args.timeout, args.mrkg_workers,
                          ["--timeout", f"{NOISY_TIME_LIMIT:g}"])
    phases: dict[str, dict] = {}
    try:
        await wait_ready(server)
        print(f"{LABELS['mrkg']} ready at {server.url} after {server.started_s:.1f} s", flush=True)
        await drive(server, mix, args.clients, args.warmup, args.seed + 1000)
        addresses = {"alone": None, f"runaways from {OTHER_ADDRESS}": OTHER_ADDRESS,
                     "runaways from 127.0.0.1 (same address)": "127.0.0.1"}
        for index, (label, address) in enumerate(addresses.items()):
            if address == OTHER_ADDRESS and not can_bind(address):
                print(f"  {label}: skipped, this machine cannot send from {address}", flush=True)
                continue
            phases[label] = await noisy_phase(server, mix, args, address, args.seed + index)
            s = phases[label]["summary"]
            print(f"  {label:<40} {s['qps']:8,.1f} queries/s, p50 {fmt_ms(s['p50_ms'])} ms, "
                  f"p99 {fmt_ms(s['p99_ms'])} ms, {s['errors']} errors, {s['timeouts']} timeouts", flush=True)
    finally:
        stop(server)
    print(f"\nNoisy neighbours: {args.clients} normal clients, {args.runaways} runaway clients, {workers} workers\n")
    print_noisy(phases, args)
    return {"data": str(data), "mode": "noisy", "clients": args.clients, "runaways": args.runaways,
            "runaway_queries": dict(RUNAWAYS), "workers": workers, "time_limit_s": NOISY_TIME_LIMIT,
            "seconds": args.seconds, "warmup": args.warmup, "timeout": args.timeout, "seed": args.seed,
            "phases": phases}


# ----------------------------------------------------------------------------------------- the report

def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b``, or None when either is missing or zero."""
    return a / b if a and b else None


def print_load(results: dict[str, dict], names: list[str]) -> None:
    """The per-server table, the ratios, and the per-query table."""
    rows = []
    for name, r in results.items():
        s = r["summary"]
        per = (lambda seconds, s=s: fmt_ms(seconds * 1000 / s["ok"]) if s["ok"] else "—")  # noqa: E731
        rounds = r["rounds_qps"]
        spread = f"{min(rounds):,.1f}–{max(rounds):,.1f}" if len(rounds) > 1 else ""
        rows.append([LABELS[name], f"{s['qps']:,.1f}", spread, fmt_ms(s["p50_ms"]), fmt_ms(s["p99_ms"]), s["ok"],
                     s["errors"], s["timeouts"], f"{s['elapsed_s']:.1f}",
                     per(r["server_cpu_s"] + r["server_children_cpu_s"]), per(r["server_children_cpu_s"]),
                     per(r["client_cpu_s"])])
    print(table(["server", "queries/s", "rounds", "p50 ms", "p99 ms", "ok", "errors", "timeouts", "wall s",
                 "CPU ms/q", "in children", "client CPU ms/q"], rows))
    qps = {n: r["summary"]["qps"] for n, r in results.items()}
    if "mrkg" in qps:
        for other, target in (("rdflib", "≥ 10×"), ("oxigraph", "≥ 0.5×")):
            if other not in qps:
                continue
            pairs = [ratio(a, b) for a, b in zip(results["mrkg"]["rounds_qps"], results[other]["rounds_qps"])]
            by_round = (f"; by round {', '.join(fmt_ratio(x) for x in pairs)}"
                        if len(pairs) > 1 and None not in pairs else "")
            print(f"mrkg / {LABELS[other]} throughput: {fmt_ratio(ratio(qps['mrkg'], qps[other]))} "
                  f"(target {target}){by_round}")
    for name, r in results.items():
        if r["summary"]["errors"]:
            print(f"  {name} errors {r['summary']['error_kinds']}: {r['summary']['error_example'][:200]}")
    print()
    servers = list(results)
    rows = []
    for query in names:
        row = [query]
        for server in servers:
            q = results[server]["queries"][query]
            bad = q["errors"] + q["timeouts"]
            row += [q["ok"], fmt_ms(q["p50_ms"]), fmt_ms(q["p99_ms"]) + (f" ({bad} bad)" if bad else "")]
        rows.append(row)
    headers = ["query"] + [f"{h} {s}" for s in servers for h in ("n", "p50", "p99")]
    print(table(headers, rows))


def write_json(out_dir: Path, payload: dict, quick: bool, name: str = "load") -> Path:
    """Write the run to ``<name>-<date>.json`` and ``<name>-latest[-quick].json`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"{name}-{stamp}.json"
    text = json.dumps(payload, indent=1, ensure_ascii=False)
    path.write_text(text)
    (out_dir / f"{name}-latest{'-quick' if quick else ''}.json").write_text(text)
    return path


# ----------------------------------------------------------------------------------------- main

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, with the --quick defaults filled in."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s per server (--noisy: 12 s per phase), 1 s warm-up")
    parser.add_argument("--noisy", action="store_true",
                        help="noisy neighbours: mrkg serve only, normal clients alone and beside runaway clients")
    parser.add_argument("--runaways", type=int, default=None,
                        help="runaway clients in --noisy (default 2 × the workers of mrkg serve)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="timed seconds per server (default 20; --quick 5), or per phase with --noisy (30; 12)")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds per server (default 3; --quick 1)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="split each server's time into this many rounds, order rotated (default 4; --quick 1)")
    parser.add_argument("--servers", default=",".join(SERVERS), help=f"comma-separated, from {', '.join(SERVERS)}")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per request, s (default 30)")
    parser.add_argument("--rdflib-timeout", type=float, default=60.0,
                        help="client timeout per request for the rdflib endpoint, s (default 60)")
    parser.add_argument("--mrkg-workers", type=int, default=None,
                        help="query worker processes of mrkg serve (default: its own choice)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the clients' query orders")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for the JSON")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or ((12.0 if args.quick else 30.0) if args.noisy else (5.0 if args.quick else 20.0))
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 3.0)
    args.rounds = args.rounds or (1 if args.quick else 4)
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    unknown = set(args.servers) - set(SERVERS)
    if unknown:
        parser.error(f"unknown server {', '.join(sorted(unknown))}; choose from {', '.join(SERVERS)}")
    return args


async def run(args: argparse.Namespace, workdir: Path) -> dict:
    """Start the servers, check their answers, time each in turn, and stop them."""
    data = data_file()
    mix = query_mix()
    names = [name for name, _ in mix]
    print(f"data: {data} (named graphs, and their merge as the default graph)\n"
          f"query mix: {len(mix)} named queries, parameters bound by kg.endpoint.bind_values\n"
          f"{args.clients} clients; {args.warmup:g} s warm-up, then {args.seconds:g} s per server "
          f"in {args.rounds} round{'s' if args.rounds > 1 else ''}\n", flush=True)
    servers: list[Server] = []
    try:
        for name in args.servers:
            timeout = args.rdflib_timeout if name == "rdflib" else args.timeout
            servers.append(start_server(name, data, workdir, timeout, args.mrkg_workers))
        for server in servers:
            await wait_ready(server)
            print(f"{LABELS[server.name]} ready at {server.url} after {server.started_s:.1f} s", flush=True)
        print("\nCheck: every query once on every server (rows; ms)")
        checked = await check(servers, mix)
        print_check(checked, [s.name for s in servers])
        results = await load(servers, mix, args)
    finally:
        for server in servers:
            stop(server)
    print(f"\nLoad: {args.clients} concurrent clients, {args.seconds:g} s per server "
          "(client on the same machine, sharing its cores)\n")
    print_load(results, names)
    return {"data": str(data), "clients": args.clients, "seconds": args.seconds,
            "rounds": args.rounds, "warmup": args.warmup, "timeout": args.timeout,
            "mrkg_workers": args.mrkg_workers or f"default: {default_workers()} (kg.serve.app: max(2, min(CPUs, 8)))",
            "rdflib_timeout": args.rdflib_timeout, "seed": args.seed, "mix": dict(mix), "check": checked,
            "load": results}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables and write the JSON."""
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="mrkg-load-"))
    try:
        payload = asyncio.run(run_noisy(args, workdir) if args.noisy else run(args, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    import kg

    payload["machine"] = machine(kg.load().path)
    payload["versions"] = {d: _version(d) for d in ("rdflib-endpoint", "oxigraph", "uvicorn", "fastapi", "httpx")}
    path = write_json(args.out, payload, args.quick, "load-noisy" if args.noisy else "load")
    print(f"\nJSON: {path}")
    return 0


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
