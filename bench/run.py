"""MRKG benchmark: the query library on both engines, the cold CLI, and the graph grown to millions of quads.

    python bench/run.py                      # everything, sizes 100k, 1M, 5M
    python bench/run.py --quick              # a few repetitions, sizes up to 100k (< 2 minutes)
    python bench/run.py --sizes 100k,1M --out bench/results/

Prints tables and writes ``<out>/bench-<date>.json`` (and ``<out>/latest.json``) with the machine
description. Every comparison is made in the same run on the same machine; nothing here asserts a
time. See bench/README.md for what each table means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from _worker import time_query  # noqa: E402
from benchutil import Progress, fmt_ms, fmt_ratio, summarise, table  # noqa: E402
from scale import parse_size, size_label, write_sizes  # noqa: E402

PYTHON = sys.executable
MRKG = str(Path(sys.executable).parent / "mrkg")
COLD_COMMAND = [MRKG, "query", "drug-interactions", "--param", "drug=baclofen"]
#: The commands a user runs cold, each compared with the floor (issue 16: query, show and check within 2x, path and
#: similar within 2.5x).
COLD_COMMANDS = {
    "mrkg query drug-interactions --param drug=baclofen": COLD_COMMAND,
    "mrkg show baclofen": [MRKG, "show", "baclofen"],
    "mrkg check baclofen tramadol alcohol": [MRKG, "check", "baclofen", "tramadol", "alcohol"],
    "mrkg path tizanidine ciprofloxacin": [MRKG, "path", "tizanidine", "ciprofloxacin"],
    "mrkg similar baclofen": [MRKG, "similar", "baclofen"],
}
#: The physical floor of a cold query: start Python, import pyoxigraph, open the prepared store, run
#: drug-interactions with the drug's IRI bound. argv: the store's directory, the query file.
FLOOR = r"""
import sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
query = open(sys.argv[2], encoding="utf-8").read()
rows = list(store.query(query, substitutions={ox.Variable("drug"): ox.NamedNode("https://w3id.org/mrkg/drug/baclofen")}))
assert rows
"""
FLOOR_NAME = "floor: python, import pyoxigraph, open the store, bound query"
#: Modules whose presence on the cold query path the lead wants to know about.
HEAVY = ("rdflib", "networkx", "owlready2", "pyshacl", "pyoxigraph", "click", "pyparsing", "numpy", "scipy",
         "pandas", "kg.build", "kg.traverse", "kg.reason", "kg.validate", "kg.export")


# --------------------------------------------------------------------------------------------- machine

def machine(base_graph: Path) -> dict:
    """What the numbers ran on."""
    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    memory_kb = None
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    cpu_model = None
    if os.path.exists("/proc/cpuinfo"):
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "kg", "queries"],
                           capture_output=True, text=True)
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1) if memory_kb else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "rdflib": version("rdflib"),
        "mrkg": version("mrkg"),
        "git_commit": commit.stdout.strip() or None,
        "git_dirty_kg_or_queries": bool(dirty.stdout.strip()),
        "graph": base_graph.name,
    }


# ------------------------------------------------------------------------------- 1. the query library

def bench_library(base: Path, reps: int, budget_s: float, min_reps: int, first_counts: bool, progress: Progress) -> dict:
    import kg
    from kg.query import load_library

    library = load_library()
    graphs, loads = {}, {}
    for engine in ("oxigraph", "rdflib"):
        start = time.perf_counter()
        graphs[engine] = kg.load(engine=engine, path=base)
        graphs[engine].resolver  # noqa: B018  name lookup table, built once per process
        loads[engine] = time.perf_counter() - start
    advance = progress.task("query library, warm (both engines)", len(library))
    results = []
    for name, query in library.items():
        params = query.example_params
        row = {"name": name, "params": params}
        for engine in ("oxigraph", "rdflib"):
            row[engine] = time_query(graphs[engine], name, params, reps, budget_s, min_reps, first_counts)
        ox, rd = row["oxigraph"]["median_ms"], row["rdflib"]["median_ms"]
        row["ratio"] = rd / ox if ox else None
        row["same_rows"] = row["oxigraph"]["rows"] == row["rdflib"]["rows"]
        results.append(row)
        advance(1, name)
    ratios = [r["ratio"] for r in results if r["ratio"]]
    ox_medians = [r["oxigraph"]["median_ms"] for r in results]
    summary = {
        "queries": len(results),
        "median_ratio": statistics.median(ratios),
        "geomean_ratio": statistics.geometric_mean(ratios),
        "min_ratio": min(ratios),
        "oxigraph_under_10ms": sum(1 for m in ox_medians if m < 10),
        "oxigraph_max_median_ms": max(ox_medians),
        "load_s": loads,
        "quads": graphs["oxigraph"].store.quad_count(),
    }
    return {"reps": reps, "budget_s": budget_s, "min_reps": min_reps, "first_counts": first_counts,
            "summary": summary, "queries": results}


def print_library(lib: dict) -> None:
    rows = []
    for r in sorted(lib["queries"], key=lambda r: -r["rdflib"]["median_ms"]):
        ox, rd = r["oxigraph"], r["rdflib"]
        rows.append([r["name"], ox["rows"], fmt_ms(ox["median_ms"]), fmt_ms(ox["p95_ms"]),
                     fmt_ms(rd["median_ms"]), fmt_ms(rd["p95_ms"]), fmt_ratio(r["ratio"]),
                     f"{ox['n']}{'*' if ox.get('first_only') else ''}/{rd['n']}{'*' if rd.get('first_only') else ''}", "" if r["same_rows"] else "ROW COUNTS DIFFER"])
    s = lib["summary"]
    print(f"\n== 1. Named queries, warm, on the built graph ({s['quads']:,} quads; "
          f"header example parameters; times in ms) ==")
    print(table(["query", "rows", "oxigraph median", "p95", "rdflib median", "p95", "rdflib/oxigraph", "runs ox/rdf", ""],
                rows))
    print("(runs: timed runs after one warm-up; * = the warm-up run alone passed the time budget and is the one sample)")
    print(f"\nmedian of ratios {fmt_ratio(s['median_ratio'])}, geometric mean {fmt_ratio(s['geomean_ratio'])}, "
          f"smallest {fmt_ratio(s['min_ratio'])}; oxigraph under 10 ms on {s['oxigraph_under_10ms']} of "
          f"{s['queries']} queries (slowest median {fmt_ms(s['oxigraph_max_median_ms'])} ms); "
          f"load + resolver: oxigraph {s['load_s']['oxigraph']:.2f} s, rdflib {s['load_s']['rdflib']:.2f} s")


# ----------------------------------------------------------------------------------------- 2. cold CLI

def _timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def parse_importtime(stderr: str) -> list[tuple[str, int, int, int]]:
    """``-X importtime`` lines as (module, depth, self µs, cumulative µs), in the printed order."""
    entries = []
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( +)(\S+)", line)
        if match:
            entries.append((match.group(4), len(match.group(3)) - 1, int(match.group(1)), int(match.group(2))))
    return entries


def import_report(entries: list[tuple[str, int, int, int]]) -> dict:
    """Per heavy module: whether it is imported, its own import time, and the chain that imported it."""
    def chain(index: int) -> list[str]:
        names, depth = [entries[index][0]], entries[index][1]
        for name, d, _, _ in entries[index + 1:]:  # parents are printed after their children
            if d < depth:
                names.append(name)
                depth = d
        return list(reversed(names))

    report = {}
    for heavy in HEAVY:
        hits = [i for i, e in enumerate(entries) if e[0] == heavy or e[0].startswith(heavy + ".")]
        if not hits:
            report[heavy] = {"imported": False}
            continue
        self_us = sum(entries[i][2] for i in hits)
        top = min(hits, key=lambda i: entries[i][1])
        report[heavy] = {"imported": True, "modules": len(hits), "self_ms": self_us / 1000,
                         "cumulative_ms": entries[top][3] / 1000, "chain": chain(top)}
    roots: dict[str, int] = {}
    for name, _, self_us, _ in entries:
        roots[name.split(".")[0]] = roots.get(name.split(".")[0], 0) + self_us
    top_roots = sorted(roots.items(), key=lambda kv: -kv[1])[:12]
    return {"modules": len(entries), "total_self_ms": sum(e[2] for e in entries) / 1000,
            "heavy": report, "top_packages_self_ms": {k: v / 1000 for k, v in top_roots}}


PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
import kg.cli, kg.api, kg.results
t1 = time.perf_counter()
graph = kg.api.load()
t2 = time.perf_counter()
graph.resolver
t3 = time.perf_counter()
result = graph.query("drug-interactions", drug="baclofen")
t4 = time.perf_counter()
kg.results.to_table(result)
t5 = time.perf_counter()
print(json.dumps({"import kg.cli": t1 - t0, "kg.load (cache check + load)": t2 - t1, "name resolver": t3 - t2,
                  "query": t4 - t3, "format table": t5 - t4, "rows": len(result)}))
"""


def bench_cold(runs: int, progress: Progress) -> dict:
    env = dict(os.environ)
    _timed(COLD_COMMAND, env)  # warm the build cache (and the OS file cache)
    locate = "from kg.cache import cached_graph, cached_oxigraph; print(cached_oxigraph(cached_graph()))"
    directory = subprocess.run([PYTHON, "-c", locate], capture_output=True, text=True, env=env, check=True).stdout.strip()
    commands = {
        FLOOR_NAME: [PYTHON, "-c", FLOOR, directory, str(REPO / "queries" / "drug-interactions.rq")],
        **COLD_COMMANDS,
        'python -c "import rdflib"': [PYTHON, "-c", "import rdflib"],
        'python -c "import pyoxigraph"': [PYTHON, "-c", "import pyoxigraph"],
        'python -c "pass"': [PYTHON, "-c", "pass"],
    }
    for command in commands.values():  # one untimed run each
        _timed(command, env)
    times: dict[str, list[float]] = {k: [] for k in commands}
    advance = progress.task("cold CLI runs", runs)
    for i in range(runs):
        names = list(commands)
        names = names[i % len(names):] + names[: i % len(names)]  # rotate the order
        for name in names:
            times[name].append(_timed(commands[name], env))
        advance(1)
    stats = {name: summarise(ts) for name, ts in times.items()}
    cli = stats["mrkg query drug-interactions --param drug=baclofen"]["median_ms"]
    rdflib_ms = stats['python -c "import rdflib"']["median_ms"]
    bare = stats['python -c "pass"']["median_ms"]
    for _attempt in range(3):  # a concurrent edit of kg/ changes the cache key: that run rebuilds, so trace again
        _timed(COLD_COMMAND, env)
        trace = subprocess.run([PYTHON, "-X", "importtime", *COLD_COMMAND], capture_output=True, text=True, env=env)
        imports = import_report(parse_importtime(trace.stderr))
        if not imports["heavy"]["kg.build"]["imported"]:
            break
    imports["rebuilt_during_trace"] = imports["heavy"]["kg.build"]["imported"]
    phase_runs = []
    for _ in range(3):
        out = subprocess.run([PYTHON, "-c", PHASES], capture_output=True, text=True, env=env, cwd="/")
        if out.returncode == 0:
            phase_runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    phases = {k: statistics.median(r[k] for r in phase_runs) * 1000 for k in phase_runs[0] if k != "rows"} \
        if phase_runs else {}
    floor = stats[FLOOR_NAME]["median_ms"]
    return {"runs": runs, "commands": stats, "ratio_to_import_rdflib": cli / rdflib_ms,
            "ratio_to_bare_python": cli / bare, "imports": imports, "phases_ms": phases,
            "ratio_to_floor": {name: stats[name]["median_ms"] / floor for name in COLD_COMMANDS}}


def print_cold(cold: dict) -> None:
    print(f"\n== 2. Cold start: whole process, warm build cache, {cold['runs']} runs each, interleaved (ms) ==")
    rows = [[name, fmt_ms(s["median_ms"]), fmt_ms(s["min_ms"]), fmt_ms(s["p95_ms"])]
            for name, s in cold["commands"].items()]
    print(table(["command", "median", "min", "p95"], rows))
    print("\neach command / the floor (goal: query, show, check <= 2x; path, similar <= 2.5x):")
    print(table(["command", "ratio"], [[name, f"{ratio:.2f}×"] for name, ratio in cold["ratio_to_floor"].items()]))
    print(f"\ncold query / import rdflib = {cold['ratio_to_import_rdflib']:.2f}×   "
          f"cold query / bare python = {cold['ratio_to_bare_python']:.2f}×")
    if cold["phases_ms"]:
        print("\nwhere the cold query's time goes (in-process, median of 3 fresh processes, ms):")
        print(table(["phase", "ms"], [[k, fmt_ms(v)] for k, v in cold["phases_ms"].items()]))
    imp = cold["imports"]
    print(f"\nmodules imported by the cold query: {imp['modules']} "
          f"({imp['total_self_ms']:.0f} ms of import time under -X importtime)")
    rows = []
    for name, info in imp["heavy"].items():
        if info["imported"]:
            rows.append([name, "yes", info["modules"], fmt_ms(info["self_ms"]), " → ".join(info["chain"][-4:])])
        else:
            rows.append([name, "no", "", "", ""])
    print(table(["module", "imported", "modules", "own ms", "imported via (last links)"], rows, "llrrl"))
    if imp.get("rebuilt_during_trace"):
        print("warning: the traced run rebuilt the graph (kg/ changed under it), so it imports the build path")
    print("largest packages by own import time (ms): "
          + ", ".join(f"{k} {v:.0f}" for k, v in imp["top_packages_self_ms"].items()))


# ------------------------------------------------------------------------------------------- 3. scale

class Worker:
    """A ``bench/_worker.py`` child process, read line by line with timeouts."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = open(log, "ab")
        self.proc = subprocess.Popen([PYTHON, str(HERE / "_worker.py"), *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, cwd=str(REPO))
        self.buffer = b""

    def read(self, timeout: float) -> dict | None:
        """The next JSON event, or None on timeout or exit."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return None
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def ask(self, command: dict, timeout: float) -> dict | None:
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        self.proc.stdin.flush()
        return self.read(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, BrokenPipeError):
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run_once(args: list[str], log: Path, timeout: float) -> dict | None:
    worker = Worker(args, log)
    event = None
    try:
        event = worker.read(timeout)
    finally:
        if worker.proc.poll() is None and event is None:
            worker.proc.kill()
        worker.close()
    return event


def bench_scale(base: Path, sizes: list[int], folder: Path, opts, progress: Progress) -> dict:
    from kg.query import load_library

    library = load_library()
    generated = write_sizes(base, sizes, folder, progress=lambda d, total: progress.task(d, total))
    log = folder / "workers.log"
    baselines = {}
    for engine in ("oxigraph", "rdflib"):
        event = run_once(["baseline", "--engine", engine], log, 120)
        baselines[engine] = event["maxrss_kb"] / 1024 if event else None
    out = {"generated": {size_label(s): g for s, g in generated.items()}, "baseline_rss_mb": baselines,
           "sizes": {}, "query_timeout_s": opts.query_timeout, "rdflib_load_timeout_s": opts.rdflib_load_timeout,
           "rdflib_query_max": size_label(opts.rdflib_query_max), "rdflib_load_max": size_label(opts.rdflib_load_max)}
    for size in sorted(sizes):
        info = generated[size]
        path, label = info["path"], size_label(size)
        entry: dict = {"quads": info["quads"], "load": {}, "queries": {}, "notes": []}
        out["sizes"][label] = entry
        # raw bulk load
        advance = progress.task(f"{label}: load, pyoxigraph bulk_load", 1)
        event = run_once(["load-raw", "--graph", path], log, opts.rdflib_load_timeout)
        advance(1)
        if event:
            entry["load"]["pyoxigraph bulk_load"] = {"seconds": event["load_s"], "quads_per_s": info["quads"] / event["load_s"],
                                                     "peak_rss_mb": event["maxrss_kb"] / 1024}
        for engine in ("oxigraph", "rdflib"):
            key = "kg.load oxigraph (bulk_load + union graph)" if engine == "oxigraph" else "kg.load rdflib (Dataset.parse)"
            if engine == "rdflib" and size > opts.rdflib_load_max:
                entry["notes"].append(f"rdflib not loaded above {size_label(opts.rdflib_load_max)} (--rdflib-load-max)")
                break
            advance = progress.task(f"{label}: load, {key.split(' (')[0]}", 1)
            worker = Worker(["serve", "--engine", engine, "--graph", path], log)
            try:
                event = worker.read(opts.rdflib_load_timeout if engine == "rdflib" else 3600)
                advance(1)
                if event is None:
                    entry["load"][key] = {"timeout": True, "timeout_s": opts.rdflib_load_timeout}
                    entry["notes"].append(f"{engine} did not load within {opts.rdflib_load_timeout:.0f} s; skipped")
                    worker.proc.kill()
                    continue
                entry["load"][key] = {"seconds": event["load_s"], "quads_per_s": info["quads"] / event["load_s"],
                                      "peak_rss_mb": event["maxrss_kb"] / 1024, "resolver_s": event["resolver_s"]}
                if engine == "rdflib" and size > opts.rdflib_query_max:
                    entry["notes"].append(f"rdflib queries not run above {size_label(opts.rdflib_query_max)} "
                                          "(--rdflib-query-max); its load is measured")
                    continue
                advance = progress.task(f"{label}: queries on {engine}", len(library))
                for name, query in library.items():
                    params = query.example_params
                    answer = worker.ask({"name": name, "params": params, "reps": opts.scale_reps,
                                         "budget_s": opts.scale_budget, "timeout_s": opts.query_timeout,
                                         "min_reps": 1, "first_counts": True},
                                        opts.query_timeout + 120)
                    if answer is None:
                        answer = {"error": "worker did not answer"}
                    answer.pop("event", None)
                    entry["queries"].setdefault(name, {})[engine] = answer
                    advance(1, name + (" (timeout)" if answer.get("timeout") else ""))
                    if answer.get("error") == "worker did not answer":
                        break
            finally:
                worker.close()
        ox_load = entry["load"].get("kg.load oxigraph (bulk_load + union graph)", {})
        raw = entry["load"].get("pyoxigraph bulk_load", {})
        rd_load = entry["load"].get("kg.load rdflib (Dataset.parse)", {})
        if rd_load.get("seconds") and raw.get("seconds"):
            entry["load_ratios"] = {
                "throughput bulk_load / rdflib": raw["quads_per_s"] / rd_load["quads_per_s"],
                "throughput kg.load oxigraph / rdflib": ox_load["quads_per_s"] / rd_load["quads_per_s"] if ox_load.get("seconds") else None,
                "memory bulk_load / rdflib": raw["peak_rss_mb"] / rd_load["peak_rss_mb"],
                "memory kg.load oxigraph / rdflib": ox_load["peak_rss_mb"] / rd_load["peak_rss_mb"] if ox_load.get("seconds") else None,
            }
    return out


def _cell(answer: dict | None, key: str = "median_ms") -> str:
    if answer is None:
        return "skipped"
    if answer.get("timeout"):
        return f"> {answer['timeout_s']:.0f} s"
    if answer.get("error"):
        return "error"
    return fmt_ms(answer.get(key))


def print_scale(scale: dict) -> None:
    gen = next(iter(scale["generated"].values()), None)
    print(f"\n== 3. Scale: the graph grown by cloning its drugs "
          f"({gen['per_generation']:,} quads and {gen['drugs_per_generation']} substances per generation) ==" if gen else "")
    rows = []
    for label, entry in scale["sizes"].items():
        for key, load in entry["load"].items():
            if load.get("timeout"):
                rows.append([label, f"{entry['quads']:,}", key, f"> {load['timeout_s']:.0f}", "", "", ""])
            else:
                rows.append([label, f"{entry['quads']:,}", key, f"{load['seconds']:.1f}", f"{load['quads_per_s']:,.0f}",
                             f"{load['peak_rss_mb']:,.0f}",
                             f"{load['resolver_s'] * 1000:,.0f}" if "resolver_s" in load else ""])
    print("\nload throughput and peak memory (each in its own process; resolver = name lookup table built after loading)")
    print(table(["size", "quads", "loader", "seconds", "quads/s", "peak RSS MB", "resolver ms"], rows, "lrlrrrr"))
    print(f"(an idle interpreter with the engine imported: oxigraph {scale['baseline_rss_mb']['oxigraph']:.0f} MB, "
          f"rdflib {scale['baseline_rss_mb']['rdflib']:.0f} MB)")
    ratio_rows = [[label, *(fmt_ratio(v) if v else "—" for v in entry["load_ratios"].values())]
                  for label, entry in scale["sizes"].items() if entry.get("load_ratios")]
    if ratio_rows:
        keys = list(next(e for e in scale["sizes"].values() if e.get("load_ratios"))["load_ratios"])
        print(table(["size", *keys], ratio_rows))
    labels = list(scale["sizes"])
    names = sorted({n for e in scale["sizes"].values() for n in e["queries"]})
    if names:
        print(f"\nquery library at each size: warm median ms (p95 in the JSON); per-query timeout "
              f"{scale['query_timeout_s']:.0f} s; rdflib queries up to {scale['rdflib_query_max']}")
        headers = ["query"] + [f"{lab} {eng}" for lab in labels for eng in ("rows", "ox", "rdflib", "ratio")]
        rows = []
        for name in names:
            row = [name]
            for label in labels:
                q = scale["sizes"][label]["queries"].get(name, {})
                ox, rd = q.get("oxigraph"), q.get("rdflib")
                row.append(ox.get("rows", "") if ox else "")
                row.append(_cell(ox))
                row.append(_cell(rd))
                if ox and rd and ox.get("median_ms") and rd.get("median_ms"):
                    differ = "" if ox.get("rows") == rd.get("rows") else " rows differ"
                    row.append(fmt_ratio(rd["median_ms"] / ox["median_ms"]) + differ)
                elif ox and ox.get("median_ms") and rd and rd.get("timeout"):
                    row.append(f"> {fmt_ratio(rd['timeout_s'] * 1000 / ox['median_ms'])}")
                else:
                    row.append("")
            rows.append(row)
        print(table(headers, rows))
    for label, entry in scale["sizes"].items():
        for note in entry["notes"]:
            print(f"note {label}: {note}")


# ---------------------------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="MRKG benchmark: engines, cold start and scale.")
    parser.add_argument("--quick", action="store_true", help="a few repetitions and sizes up to 100k (< 2 minutes)")
    parser.add_argument("--sizes", default=None, help="scale sizes in quads, e.g. 100k,1M,5M (default: that; --quick: 100k)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for the JSON results (default bench/results/)")
    parser.add_argument("--reps", type=int, default=None, help="timed runs per query on the built graph (default 30; quick 5)")
    parser.add_argument("--budget", type=float, default=None, help="seconds per query and engine on the built graph (default 5; quick 1)")
    parser.add_argument("--cold-runs", type=int, default=None, help="runs of each cold command (default 15; quick 5)")
    parser.add_argument("--scale-reps", type=int, default=None, help="timed runs per query at each size (default 5; quick 3)")
    parser.add_argument("--scale-budget", type=float, default=None, help="seconds per query at each size (default 10; quick 2)")
    parser.add_argument("--query-timeout", type=float, default=None, help="per-query timeout at scale, s (default 60; quick 5)")
    parser.add_argument("--rdflib-load-timeout", type=float, default=600, help="give up an rdflib load after this many seconds")
    parser.add_argument("--rdflib-load-max", default="5M", help="largest size rdflib loads (default 5M)")
    parser.add_argument("--rdflib-query-max", default="1M", help="largest size rdflib runs the query library at (default 1M)")
    parser.add_argument("--scale-dir", type=Path, default=None,
                        help="keep the generated N-Quads here and reuse them (default: a temporary folder, deleted)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: library, cold, scale")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    opts = parser.parse_args(argv)
    quick = opts.quick
    opts.sizes = opts.sizes or ("100k" if quick else "100k,1M,5M")
    opts.reps = opts.reps or (5 if quick else 30)
    opts.budget = opts.budget or (1.0 if quick else 5.0)
    opts.cold_runs = opts.cold_runs or (5 if quick else 15)
    opts.scale_reps = opts.scale_reps or (3 if quick else 5)
    opts.scale_budget = opts.scale_budget or (2.0 if quick else 10.0)
    opts.query_timeout = opts.query_timeout or (5.0 if quick else 60.0)
    opts.rdflib_load_max = parse_size(opts.rdflib_load_max)
    opts.rdflib_query_max = parse_size(opts.rdflib_query_max)
    sizes = [parse_size(s) for s in opts.sizes.split(",") if s.strip()]
    skip = {s.strip() for s in opts.skip.split(",") if s.strip()}

    started = time.perf_counter()
    from kg.cache import cached_graph

    folder = opts.scale_dir or Path(tempfile.mkdtemp(prefix="mrkg-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "base.nq"  # a private copy: a rebuild by someone else must not delete it mid-run
    shutil.copyfile(cached_graph(), base)
    report: dict = {"machine": machine(base), "quick": quick,
                    "command": " ".join(["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])])}
    m = report["machine"]
    print(f"MRKG benchmark, {m['date']}: {m['cpus_usable']} usable CPUs ({m['cpu_model']}), {m['memory_gb']} GB, "
          f"Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, commit {m['git_commit']}"
          + (" (kg/ or queries/ modified)" if m["git_dirty_kg_or_queries"] else ""))
    try:
        with Progress(enabled=not opts.no_progress) as progress:
            if "library" not in skip:
                report["library"] = bench_library(base, opts.reps, opts.budget, 1 if quick else 3, quick, progress)
            if "cold" not in skip:
                report["cold"] = bench_cold(opts.cold_runs, progress)
            if "scale" not in skip and sizes:
                report["scale"] = bench_scale(base, sizes, folder, opts, progress)
    finally:
        if opts.scale_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    report["seconds"] = time.perf_counter() - started
    if "library" in report:
        print_library(report["library"])
    if "cold" in report:
        print_cold(report["cold"])
    if "scale" in report:
        print_scale(report["scale"])
    opts.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"bench-{'quick-' if quick else ''}{stamp}.json"
    text = json.dumps(report, indent=1, default=str)
    (opts.out / name).write_text(text)
    (opts.out / ("latest-quick.json" if quick else "latest.json")).write_text(text)
    print(f"\nwrote {opts.out / name} ({report['seconds']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
