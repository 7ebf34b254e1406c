"""The wheel carries the ontology, the queries, the curated data and the tests, and finds them when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"could not build a wheel here (no build backend reachable?): {done.stderr[-300:]}")
    return next(out.glob("mrkg-*.whl"))


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("kg/_bundled/ontology/mrkg.ttl", "kg/_bundled/ontology/values.ttl", "kg/_bundled/ontology/context.jsonld",
                     "kg/_bundled/queries/drug-interactions.rq", "kg/_bundled/tests/test_queries.py",
                     "kg/data/drugs.tsv", "kg/data/claims.tsv", "kg/cli.py",
                     "kg/static/codemirror.min.js", "kg/static/cytoscape-fcose.min.js", "kg/static/picture.js",
                     "kg/static/sparql.js", "kg/static/explorer.css", "kg/static/codemirror.LICENSE"):
        assert required in names, f"{required} missing from the wheel"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mrkg = kg.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_package_finds_its_files(wheel: Path, tmp_path: Path) -> None:
    """Unpacked away from the checkout, the package builds and queries its own graph."""
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = (f"import kg, kg.paths as p; assert str(p.ONTOLOGY_DIR).startswith({str(tmp_path / 'site')!r}), p.ONTOLOGY_DIR; "
            "print(len(kg.load().query('drug-interactions', drug='baclofen')))")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "MRKG_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 0
