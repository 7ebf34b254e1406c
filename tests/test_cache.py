"""The build cache: keyed on content, prepared once, and a cold query that imports neither rdflib nor networkx."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cache import cached_graph, cached_oxigraph, source_fingerprint
from kg.errors import QueryError
from kg.paths import DATA_DIR, ONTOLOGY_DIR


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


def test_cold_query_imports_only_what_it_uses() -> None:
    """A named query on the cached graph needs pyoxigraph and click, not rdflib, networkx or owlready2."""
    cached_oxigraph(cached_graph())
    code = ("import sys\nfrom click.testing import CliRunner\nfrom kg.cli import main\n"
            "r = CliRunner().invoke(main, ['query', 'drug-interactions', '--param', 'drug=baclofen'])\n"
            "assert r.exit_code == 0 and 'ethanol' in r.output, r.output\n"
            "print(sorted(m for m in ('rdflib', 'networkx', 'owlready2', 'pyshacl') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_build_leaves_other_checkouts_builds_in_a_shared_cache() -> None:
    """Two checkouts with one MRKG_CACHE: a rebuild here removes only this checkout's older builds."""
    from kg.cache import checkout_key
    from kg.paths import cache_dir

    other = cache_dir() / "mrkg-00000000-0123456789abcdef0123.nq"
    stale = cache_dir() / f"mrkg-{checkout_key()}-0123456789abcdef0123.nq"
    cache_dir().mkdir(parents=True, exist_ok=True)
    other.write_text("", encoding="utf-8")
    stale.write_text("", encoding="utf-8")
    path = cached_graph(rebuild=True)
    assert path.is_file() and other.is_file() and not stale.exists()
    other.unlink()


def test_a_build_the_engine_cannot_open_keeps_the_previous_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: a new build that Oxigraph cannot load is removed, with one line, and the previous build stays."""
    import kg.build
    import kg.cache
    from kg.cache import checkout_key
    from kg.store import OxigraphStore

    previous = cached_graph()
    monkeypatch.setattr(kg.cache, "source_fingerprint", lambda *args: "f" * 20)
    monkeypatch.setattr(kg.build, "build_to_file", lambda path, *args, **kwargs: path.write_text("<a:b> <c:d> <e:f> .\n"))

    def refuse(*args: object) -> None:
        raise MemoryError("a line over the parser's buffer")

    monkeypatch.setattr(OxigraphStore, "prepare_directory", staticmethod(refuse))
    with pytest.raises(QueryError, match="could not be loaded .*removed and the previous build kept"):
        cached_graph()
    assert previous.is_file() and previous.with_suffix(".oxigraph").is_dir()
    assert not list(previous.parent.glob(f"mrkg-{checkout_key()}-{'f' * 20}*"))
