"""Shared fixtures: the real graph built once per session, on both engines, and a tiny fixture dataset.

Testing rules (as networkx's conftest puts them): fixtures over setup classes, parametrize with
readable ids, and check real results on the real graph; a test that cannot fail is a defect.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import kg
from kg.paths import DATA_DIR

REPO = Path(__file__).resolve().parents[1]
#: The team's shared folder (seed articles, reference tables) beside the checkout, if present.
SHARED = REPO.parent / "shared"
MINI = Path(__file__).parent / "resources" / "mini"


#: Fixtures that cost tens of seconds each (rdflib's parse of the whole graph, the reasoners, an Oxigraph server,
#: a Virtuoso server, a wheel build, Chromium, Kùzu loaded, kgx's validator): a test using one is marked ``slow``, so ``pytest -m "not slow"`` is the quick loop.
SLOW_FIXTURES = {"rdflib_graph", "reasoned", "endpoint", "virtuoso", "wheel", "browser", "kuzu_db", "kgx_validator"}


#: The files that take longest, started first so that the workers (pytest-xdist, a file each) finish together
#: instead of one running a long file alone at the end. They are the integration tests (servers, whole-graph builds,
#: exports and validation, reasoners, Virtuoso, Chromium), all marked ``slow``: ``pytest -m "not slow"`` leaves them out.
LONGEST_FILES = ("test_hostile_serve.py", "test_export.py", "test_queries.py", "test_endpoint.py", "test_virtuoso.py",
                 "test_build.py", "test_browser.py", "test_serve.py", "test_reason.py", "test_hostile_remote.py",
                 "test_validate.py", "test_packaging.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.path.name in LONGEST_FILES:
            item.add_marker(pytest.mark.slow)
    rank = {name: i for i, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file keeps its own order


def _shared_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that every pytest-xdist worker of this run shares (the run's own temporary folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the tests' built-graph cache out of the user's home; the workers of one run share it."""
    mp = pytest.MonkeyPatch()
    cache = _shared_temp(tmp_path_factory) / "cache"
    cache.mkdir(exist_ok=True)
    mp.setenv("MRKG_CACHE", str(cache))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real graph, built from kg/data into the session's cache (read it, never change it).

    The same build the commands use without --graph, and one prepared store for both. It is built once per run: the
    first worker to need it builds it while the others wait on a lock, then find it in the shared cache (each build
    of the real graph costs about ten seconds of a core).
    """
    import fcntl

    from kg.cache import cached_graph

    with (_shared_temp(tmp_path_factory) / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return cached_graph()


@pytest.fixture(scope="session")
def graph(built: Path) -> kg.KnowledgeGraph:
    """The real graph on the fast engine."""
    return kg.load(engine="oxigraph", path=built)


@pytest.fixture(scope="session")
def rdflib_graph(built: Path) -> kg.KnowledgeGraph:
    """The real graph on the reference engine."""
    return kg.load(engine="rdflib", path=built)


@pytest.fixture(scope="session")
def severity_order() -> list[str]:
    """MRKG's severity labels, worst first, as the ontology orders them (mr:severityRank)."""
    from rdflib import RDFS

    from kg.ontology import load_ontology
    from kg.vocab import MR

    ontology = load_ontology()
    ranked = sorted(ontology.subject_objects(MR.severityRank), key=lambda pair: int(pair[1]))
    return [str(ontology.value(severity, RDFS.label)) for severity, _ in ranked]


@pytest.fixture
def mini_data(tmp_path: Path) -> Path:
    """A writable copy of the tiny fixture tables (tests/resources/mini), to break on purpose."""
    target = tmp_path / "data"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def real_data(tmp_path: Path) -> Path:
    """A writable copy of the real curated tables."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("README.md"))
    return target


def append(data: Path, table: str, *cells: str) -> None:
    """Add a row (its cells tab-joined) to ``table`` of a data folder."""
    with (data / table).open("a", encoding="utf-8") as out:
        out.write("\t".join(cells) + "\n")


def replace(data: Path, table: str, old: str, new: str) -> None:
    """Replace the first ``old`` (which must occur) in ``table`` of a data folder."""
    path = data / table
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
