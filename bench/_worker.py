"""Child process of the benchmark: load one graph into one engine, then time queries on request.

Run by ``bench/run.py``, never by hand (but it works by hand)::

    python bench/_worker.py load-raw  --graph G.nq             # pyoxigraph Store.bulk_load only
    python bench/_worker.py baseline  --engine rdflib          # interpreter + engine import, no data
    python bench/_worker.py serve     --engine oxigraph --graph G.nq

Every mode prints one JSON line per event on stdout. ``maxrss_kb`` is this process's peak resident
memory (``getrusage(RUSAGE_SELF).ru_maxrss``), read right after loading, before any query.

``serve`` loads the graph with ``kg.load(engine=..., path=...)`` (the library's own path: for
Oxigraph that is ``bulk_load`` plus the materialised union graph), builds the name resolver, prints a
``loaded`` event, then reads one JSON command per line on stdin::

    {"name": "drug-interactions", "params": {"drug": "baclofen"}, "reps": 10, "budget_s": 5, "timeout_s": 60}

and answers each with one JSON line. Every query runs in a forked child (copy-on-write, so the
loaded store is shared), which the worker kills when it exceeds ``timeout_s``: a slow rdflib query
costs its timeout, not a reload of the graph.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import summarise  # noqa: E402


def emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def maxrss_kb() -> int:
    """Peak resident memory of this process, in KiB.

    Linux's ``VmHWM`` (the high-water mark of this process's own memory map). ``ru_maxrss`` is the
    fallback elsewhere; on Linux it is not used because it keeps the parent's peak across fork and
    exec, so a child of a large benchmark process would report the parent's size.
    """
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def load_raw(graph: str) -> None:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=graph, format=ox.RdfFormat.N_QUADS)
    seconds = time.perf_counter() - start
    emit({"event": "loaded", "load_s": seconds, "maxrss_kb": maxrss_kb(), "quads": len(store)})


def baseline(engine: str) -> None:
    import kg.store  # noqa: F401

    if engine == "oxigraph":
        import pyoxigraph  # noqa: F401
    else:
        import rdflib  # noqa: F401
        import rdflib.plugins.sparql  # noqa: F401
    emit({"event": "baseline", "maxrss_kb": maxrss_kb()})


def time_query(graph, name: str, params: dict, reps: int, budget_s: float, min_reps: int = 1,
               first_counts: bool = True) -> dict:
    """Time ``graph.query(name, **params)``: one warm-up run, then timed runs.

    Timed runs go on until ``reps`` are done or one more would pass ``budget_s`` (but at least
    ``min_reps``). With ``first_counts``, a warm-up run that alone exceeds the budget is the one
    sample (``first_only``): a query that slow is dominated by its own work, not by warming up.
    """
    start = time.perf_counter()
    rows = len(graph.query(name, **params))
    first = time.perf_counter() - start
    if first_counts and first > budget_s:
        return {"rows": rows, "first_ms": first * 1000, "first_only": True, **summarise([first])}
    times: list[float] = []
    spent = 0.0
    while len(times) < reps:
        t0 = time.perf_counter()
        graph.query(name, **params)
        elapsed = time.perf_counter() - t0
        times.append(elapsed)
        spent += elapsed
        if len(times) >= min_reps and spent + elapsed > budget_s:
            break
    return {"rows": rows, "first_ms": first * 1000, **summarise(times)}


def serve(engine: str, graph_path: str) -> None:
    import kg

    start = time.perf_counter()
    graph = kg.load(engine=engine, path=graph_path)
    load_s = time.perf_counter() - start
    rss = maxrss_kb()
    start = time.perf_counter()
    graph.resolver  # noqa: B018  (built once, shared by every forked query)
    resolver_s = time.perf_counter() - start
    emit({"event": "loaded", "load_s": load_s, "maxrss_kb": rss, "resolver_s": resolver_s,
          "quads": graph.store.quad_count() if engine == "oxigraph" else None})
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: run the query, write one JSON answer, leave at once
            os.close(read_end)
            try:
                answer = time_query(graph, command["name"], command.get("params", {}),
                                    command.get("reps", 5), command.get("budget_s", 5.0),
                                    command.get("min_reps", 1), command.get("first_counts", True))
            except Exception as exc:  # noqa: BLE001  (reported, not raised)
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            os.write(write_end, json.dumps(answer).encode())
            os.close(write_end)
            os._exit(0)
        os.close(write_end)
        chunks: list[bytes] = []
        deadline = time.monotonic() + command.get("timeout_s", 60.0)
        timed_out = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], left)
            if ready:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        if timed_out:
            answer = {"timeout": True, "timeout_s": command.get("timeout_s", 60.0)}
        else:
            try:
                answer = json.loads(b"".join(chunks) or b"{}")
            except ValueError:
                answer = {"error": "the query process died without an answer"}
        emit({"event": "result", "name": command["name"], **answer})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["load-raw", "baseline", "serve"])
    parser.add_argument("--engine", choices=["oxigraph", "rdflib"], default="oxigraph")
    parser.add_argument("--graph")
    args = parser.parse_args()
    if args.mode == "load-raw":
        load_raw(args.graph)
    elif args.mode == "baseline":
        baseline(args.engine)
    else:
        serve(args.engine, args.graph)


if __name__ == "__main__":
    main()
