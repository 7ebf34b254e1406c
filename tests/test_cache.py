"""The build cache (issue 15, faults 3 and 4): keyed on content, published whole, checked on open, and never removing
what a running process uses; and a cold query that imports neither rdflib nor networkx.

Most cases use a copy of the tiny fixture tables (``cached_graph(data_dir=...)``) in a cache folder of their own, so
that they build in a second and leave the session's cache of the real graph alone.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
import kg.cache
from kg.cache import cached_graph, cached_oxigraph, checkout_key, clean_up, open_prepared, source_fingerprint
from kg.cli import main
from kg.errors import QueryError
from kg.files import check_sealed
from kg.paths import DATA_DIR, ONTOLOGY_DIR

#: A fixture name no build of the tiny tables has: appending it changes their fingerprint.
NEW_NAME = "drug-a\tBrandy Forte\tbrand\t\tref-a\t\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("MRKG_CACHE", str(folder))
    return folder


def quads(graph_path: Path) -> int:
    """The number of quads in the named graphs of ``graph_path``'s prepared store."""
    return open_prepared(graph_path).quad_count()


def leftovers(folder: Path) -> list[str]:
    """Work folders and temporary files anywhere under ``folder``."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*") if p.name.startswith((".tmp-", ".graph")))


def let_go(home: Path) -> None:
    """Release this process's hold on ``home``, as if the process that used it had ended."""
    os.close(kg.cache._pinned.pop(home))


def test_fingerprint_follows_content(tmp_path: Path) -> None:
    data, onto = tmp_path / "data", tmp_path / "onto"
    shutil.copytree(DATA_DIR, data)
    shutil.copytree(ONTOLOGY_DIR, onto)
    before = source_fingerprint(data, onto)
    assert source_fingerprint(data, onto) == before
    (data / "names.tsv").write_text((data / "names.tsv").read_text() + "baclofen\tBaclo\tsynonym\tmrkg-curation\t\n")
    assert source_fingerprint(data, onto) != before


def test_cache_is_reused_and_prepared_once() -> None:
    path = cached_graph()
    stamp = path.stat().st_mtime_ns
    assert cached_graph() == path and path.stat().st_mtime_ns == stamp
    directory = cached_oxigraph(path)
    assert directory.is_dir() and cached_oxigraph(path) == directory
    assert path.parent.name == f"mrkg-{checkout_key()}-{source_fingerprint()}"
    assert (path.parent / "lock").is_file() and (directory.parent / "stamp.json").is_file()
    check_sealed(path, count_lines=True)


@pytest.mark.parametrize("args, expected", [
    (["query", "drug-interactions", "--param", "drug=baclofen"], "ethanol"),
    (["similar", "baclofen", "--limit", "2"], "meprobamate"),
    (["metapath", "tizanidine", "metabolisedBy <inhibits"], "ciprofloxacin"),
    (["path", "tizanidine", "ciprofloxacin"], "Cytochrome P450 1A2"),
])
def test_cold_commands_import_only_what_they_use(args: list[str], expected: str) -> None:
    """A named query on the cached graph needs pyoxigraph and click, not rdflib, networkx or owlready2; similar and
    metapath and path read the projection kept beside the store as plain dictionaries (kg.traverse.Projection)."""
    cached_oxigraph(cached_graph())
    assert kg.load().projection.nodes  # the first command after a build writes the projection (with networkx); later ones read it
    code = ("import sys\nfrom click.testing import CliRunner\nfrom kg.cli import main\n"
            f"r = CliRunner().invoke(main, {args!r})\n"
            f"assert r.exit_code == 0 and {expected!r} in r.output, r.output\n"
            "print(sorted(m for m in ('rdflib', 'networkx', 'owlready2', 'pyshacl') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_build_replaces_only_this_checkouts_unused_builds(cache: Path, mini_data: Path) -> None:
    """Two checkouts with one MRKG_CACHE: a build removes this checkout's older builds (and the flat files of the
    layout before build folders), never another checkout's."""
    own = f"mrkg-{checkout_key(mini_data)}-"
    other, stale, flat = cache / "mrkg-00000000-0123456789abcdef0123", cache / f"{own}0123456789abcdef0123", cache / f"{own}0123.nq"
    for folder in (other, stale):
        folder.mkdir(parents=True)
        (folder / "lock").touch()
    flat.write_text("", encoding="utf-8")
    path = cached_graph(data_dir=mini_data)
    assert path.is_file() and other.is_dir() and not stale.exists() and not flat.exists()
    assert leftovers(cache) == []


def test_a_build_the_engine_cannot_open_keeps_the_previous_one(cache: Path, mini_data: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15, fault 5: a new build that Oxigraph cannot load is dropped, with one line; the previous build stays."""
    from kg.store import OxigraphStore

    previous = cached_graph(data_dir=mini_data)
    (mini_data / "names.tsv").write_text((mini_data / "names.tsv").read_text() + NEW_NAME, encoding="utf-8")

    def refuse(*args: object) -> None:
        raise MemoryError("a line over the parser's buffer")

    monkeypatch.setattr(OxigraphStore, "prepare_directory", staticmethod(refuse))
    with pytest.raises(QueryError, match="could not be loaded .*the previous build is kept"):
        cached_graph(data_dir=mini_data)
    monkeypatch.undo()
    assert [p.name for p in cache.iterdir()] == [previous.parent.name] and quads(previous) > 0


def test_a_build_in_use_by_another_process_is_kept(cache: Path, mini_data: Path) -> None:
    """Issue 15, fault 3: while a process (a running mrkg serve) uses a build, a newer build does not remove it;
    once the process has ended, the next clean-up does."""
    code = ("import sys\nfrom pathlib import Path\nfrom kg.cache import cached_graph\n"
            "print(cached_graph(data_dir=Path(sys.argv[1])), flush=True)\nsys.stdin.read()\n")
    user = subprocess.Popen([sys.executable, "-c", code, str(mini_data)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ))
    try:
        in_use = Path(user.stdout.readline().strip())  # type: ignore[union-attr]
        (mini_data / "names.tsv").write_text((mini_data / "names.tsv").read_text() + NEW_NAME, encoding="utf-8")
        newer = cached_graph(data_dir=mini_data)
        assert newer.parent != in_use.parent and in_use.is_file() and quads(in_use) > 0
    finally:
        user.communicate("", timeout=60)
    assert in_use.parent in clean_up(mini_data) and not in_use.parent.exists() and newer.is_file()


def test_sources_edited_during_the_build_are_built_again(cache: Path, mini_data: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15, fault 4: a table edited while the build reads it does not get the old content stored under its key:
    the build runs again, and the cache holds the edited tables' graph under their fingerprint."""
    import kg.build

    real = kg.build.build_to_file
    calls: list[Path] = []

    def edit_while_building(path: Path, data_dir: Path = DATA_DIR, **options: object) -> int:
        count = real(path, data_dir, **options)
        if not calls:
            (mini_data / "names.tsv").write_text((mini_data / "names.tsv").read_text() + NEW_NAME, encoding="utf-8")
        calls.append(path)
        return count

    monkeypatch.setattr(kg.build, "build_to_file", edit_while_building)
    path = cached_graph(data_dir=mini_data)
    assert len(calls) == 2 and path.parent.name.endswith(source_fingerprint(mini_data))
    assert "Brandy Forte" in path.read_text(encoding="utf-8")
    assert leftovers(cache) == []


def test_a_store_follows_its_file(cache: Path, mini_data: Path, tmp_path: Path) -> None:
    """Issue 15, fault 4: the prepared store of a user's --graph file is made again when the file is rebuilt, and the
    store of the earlier file goes at the next clean-up."""
    from kg.build import build_to_file

    graph = tmp_path / "g.nq"
    build_to_file(graph, mini_data)
    first, count = cached_oxigraph(graph), quads(graph)
    (mini_data / "names.tsv").write_text((mini_data / "names.tsv").read_text() + NEW_NAME, encoding="utf-8")
    build_to_file(graph, mini_data)
    assert cached_oxigraph(graph) != first and quads(graph) > count
    let_go(first.parents[1])  # the earlier server has stopped
    clean_up(mini_data)
    assert not first.exists() and cached_oxigraph(graph).is_dir()
    assert not list(tmp_path.glob("g.*oxigraph*"))  # nothing written beside the user's file


def _truncate_sst(store: Path) -> None:
    sst = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(sst, "r+b") as handle:
        handle.truncate(100)


def _flip_sst(store: Path) -> None:
    sst = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(sst, "r+b") as handle:
        handle.seek(sst.stat().st_size // 3)
        handle.write(b"\xff" * 16)


DAMAGES = {
    "sst-truncated": _truncate_sst,
    "sst-bytes-flipped": _flip_sst,
    "sst-deleted": lambda store: max(store.glob("*.sst"), key=lambda p: p.stat().st_size).unlink(),
    "current-deleted": lambda store: (store / "CURRENT").unlink(),
    "current-junk": lambda store: (store / "CURRENT").write_text("junk\n"),
    "manifest-deleted": lambda store: next(store.glob("MANIFEST-*")).unlink(),
    "emptied": lambda store: [p.unlink() for p in store.iterdir()],
    "stamp-deleted": lambda store: (store.parent / "stamp.json").unlink(),
    "store-deleted": lambda store: shutil.rmtree(store),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_store_is_prepared_again(cache: Path, mini_data: Path, damage: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15, fault 4: a damaged prepared store gives the right answer after one line on stderr (or, when the damage
    shows only in a query, one clear error and the right answer on the next run), never a RocksDB traceback."""
    graph = cached_graph(data_dir=mini_data)
    expected = quads(graph)
    capsys.readouterr()
    DAMAGES[damage](cached_oxigraph(graph))
    try:
        found = quads(graph)
    except QueryError as exc:
        assert "prepared again on the next run" in str(exc)
        found = quads(graph)
    assert found == expected
    err = capsys.readouterr().err
    assert err.count("\n") <= 1 and "Traceback" not in err
    if damage != "sst-bytes-flipped":
        assert "preparing it again" in err


def test_a_cached_build_cut_short_is_built_again(cache: Path, mini_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = cached_graph(data_dir=mini_data)
    expected = quads(graph)
    lines = graph.read_text(encoding="utf-8").splitlines(keepends=True)
    graph.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")  # cut at a line boundary
    let_go(graph.parent)  # as a new process: this one's hold on the build skips the check
    again = cached_graph(data_dir=mini_data)
    assert "was cut short" in capsys.readouterr().err and quads(again) == expected


@pytest.mark.parametrize("cut", ["half-the-lines", "one-line-deleted", "mid-line"])
def test_a_graph_file_cut_short_is_refused(built_mini: Path, tmp_path: Path, cut: str) -> None:
    """`--graph` with an MRKG file cut short or edited: one error line instead of a part of the graph."""
    lines = built_mini.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = {"half-the-lines": lines[: len(lines) // 2], "one-line-deleted": lines[:100] + lines[101:],
            "mid-line": [*lines[:-2], lines[-2][:20]]}[cut]
    damaged = tmp_path / "cut.nq"
    damaged.write_text("".join(kept), encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "--graph", str(damaged), "--sparql", "ASK { ?s ?p ?o }"])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "cut short" in result.output or "seal says" in result.output


def test_temporary_files_of_a_killed_writer_are_removed(mini_data: Path, tmp_path: Path) -> None:
    """A killed `mrkg build --output` leaves its temporary file; the next write there removes it, but not the temporary
    file of a writer still at work (it holds a lock on it)."""
    import fcntl

    from kg.build import build_to_file

    dead, alive = tmp_path / ".out.nq.dead.tmp", tmp_path / ".out.nq.alive.tmp"
    dead.write_text("<a:b> <c:d> ", encoding="utf-8")
    alive.write_text("", encoding="utf-8")
    with open(alive) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        build_to_file(tmp_path / "out.nq", mini_data)
        assert not dead.exists() and alive.exists()
    check_sealed(tmp_path / "out.nq", count_lines=True)


@pytest.fixture
def built_mini(mini_data: Path, tmp_path: Path) -> Path:
    from kg.build import build_to_file

    path = tmp_path / "mini.nq"
    build_to_file(path, mini_data)
    return path


# --- kill -9 at random points --------------------------------------------------------------------------------


def _kill_at_random(command: list[str], rng: random.Random, env: dict[str, str], longest: float) -> None:
    """Start ``command`` and kill -9 it after a random time up to ``longest`` seconds (or let it end)."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(rng.uniform(0.05, longest))
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(30)


def _duration(command: list[str], env: dict[str, str]) -> float:
    start = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    return time.monotonic() - start


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def _serve(graph: Path) -> tuple[list[str], int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return [sys.executable, "-m", "kg", "serve", "--graph", str(graph), "--port", str(port), "--workers", "2"], port


def _kill_a_server(graph: Path, env: dict[str, str]) -> None:
    """Start mrkg serve on ``graph`` and kill -9 it once it answers; its workers must not outlive it."""
    import httpx

    command, port = _serve(graph)
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, answered = time.monotonic() + 120, False
    while not answered and time.monotonic() < deadline and server.poll() is None:
        try:
            answered = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        except httpx.TransportError:
            time.sleep(0.1)
    assert answered, "the server did not answer"
    workers = _children(server.pid)
    server.send_signal(signal.SIGKILL)
    server.wait(30)
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "workers outlived their server"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads child processes from /proc")
def test_kill_9_at_random_points_leaves_no_stale_answer_and_no_leftovers(cache: Path, mini_data: Path,
                                                                          tmp_path: Path) -> None:
    """Issue 15: builds, loads and servers killed at random points (seeded) leave the last good build answering,
    no worker process behind, and work folders that the next run removes."""
    rng = random.Random(15)
    env = {**os.environ, "MRKG_CACHE": str(cache)}
    build = [sys.executable, "-c", "import sys; from pathlib import Path; from kg.cache import cached_graph; "
             "cached_graph(rebuild=True, data_dir=Path(sys.argv[1]))", str(mini_data)]
    graph = cached_graph(data_dir=mini_data)
    expected = quads(graph)
    took = _duration(build, env)
    for _ in range(4):
        _kill_at_random(build, rng, env, took)
        assert quads(cached_graph(data_dir=mini_data)) == expected  # never a half build, never an error
    store = tmp_path / "db"
    load = [sys.executable, "-m", "kg", "load-store", str(store), str(graph)]
    took = _duration(load, env)
    for _ in range(3):
        shutil.rmtree(store, ignore_errors=True)  # a finished load is a good store: start again to kill one
        _kill_at_random(load, rng, env, took)
    user_file = tmp_path / "user.nq"
    shutil.copyfile(graph, user_file)
    _kill_at_random(_serve(user_file)[0], rng, env, 2.0)  # while it prepares the file's store, or starts workers
    _kill_a_server(user_file, env)
    kg.cache.release_holds()  # this process ends its use of the cache: what it held may go too
    cached_graph(rebuild=True, data_dir=mini_data)
    shutil.rmtree(store, ignore_errors=True)
    result = CliRunner().invoke(main, ["load-store", str(store), str(graph)])
    assert result.exit_code == 0, result.output
    assert quads(graph) == expected and open_prepared(user_file).quad_count() == expected
    assert leftovers(cache) == [] and sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".db")) == []


def test_a_scratch_folder_killed_before_its_lock_is_removed_once_its_maker_is_gone(tmp_path: Path) -> None:
    """A load or build killed between making its scratch folder and its lock file left a folder that nobody could
    ask; the maker's process id in the name says at once whether it is left over (seen in a kill -9 run)."""
    from kg.files import remove_dead_temps, scratch_prefix

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    dead = tmp_path / f".db-{gone}~abc"
    live = Path(tempfile.mkdtemp(dir=tmp_path, prefix=scratch_prefix(".db-")))  # this process: still at work
    dead.mkdir()
    assert remove_dead_temps(tmp_path, ".db-") == [dead]
    assert live.is_dir() and not dead.exists()
