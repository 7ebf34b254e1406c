"""The README's example outputs are what the commands print (for the examples listed in CHECKED)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
#: Commands whose README output must match exactly (outputs that name a cache path or a timing are left out).
CHECKED = [
    "mrkg query severity-mapping --format csv | cut -d, -f1-5 | head -5",
    "mrkg query interaction-summary --param drug=tizanidine --param other=ciprofloxacin --format csv | cut -d, -f3,4,7,9,10",
    "mrkg query interactions-between --param drug=tizanidine --param other=ciprofloxacin --format csv | cut -d, -f3,5,7,10",
    "mrkg check oxycodone diazepam",
    "mrkg query interaction-summary --param drug=baclofen --format csv | cut -d, -f3,4,6,7 | head -7",
    "mrkg query find-by-name --param name=BACLOFENE",
    "mrkg query find-by-name --param name=Lioresal",
    "mrkg path tizanidine ciprofloxacin --limit 3",
    "mrkg similar baclofen --limit 2",
    "mrkg hubs --limit 3",
    'mrkg neighbors tizanidine --relation "has targt" 2>&1',
    'mrkg metapath tizanidine "metabolisedBy <inhibits"',
    "mrkg query predicted-interactions --param drug=tizanidine --format csv | cut -d, -f3,6,7 | head -3",
    'mrkg query drug-uses --param drug=dantrolene --format csv | cut -d, -f2-5 | grep -E "^condition|muscle spasm"',
    "mrkg query contraindications --param drug=succinylcholine --format csv | cut -d, -f2-5",
    'echo "Baclofen is a muscle relaxant. Tramadol is a muscle relaxant too." | mrkg ingest - --format csv | cut -d, -f2-5',
]


def examples() -> dict[str, list[str]]:
    """Each ``$ command`` of the README's code blocks with the lines printed under it."""
    found: dict[str, list[str]] = {}
    inside, command = False, None
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside, command = not inside, None
        elif inside and line.startswith("$ "):
            command = re.sub(r"\s{2,}(#.*|\(columns cut here\))$", "", line[2:]).strip()
            found[command] = []
        elif inside and command is not None:
            found[command].append(line)
    return found


@pytest.mark.parametrize("command", CHECKED)
def test_readme_example_is_true(command: str) -> None:
    assert_prints_as_shown(command)


def assert_prints_as_shown(command: str, cwd: Path | None = None) -> None:
    expected = examples().get(command)
    assert expected is not None, f"the README no longer shows `{command}`"
    printed = _run(command, cwd)
    while expected and not expected[-1].strip():  # the blank line before the next example
        expected = expected[:-1]
    assert printed == [line.rstrip() for line in expected], "run `python tests/test_readme.py --update` if the change is right"


def _run(command: str, cwd: Path | None = None, check: bool = False) -> list[str]:
    """The lines ``command`` prints in bash (in ``cwd``), with this environment's ``mrkg`` first on the PATH."""
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")})
    assert not check or done.returncode == 0, done.stderr
    return [line.rstrip() for line in done.stdout.splitlines()]


#: The README's Neo4j example: an export, then a line of its relationships file (run in a folder of its own).
NEO4J_EXPORT = "mrkg export --format neo4j --around tizanidine --depth 1 --output tizanidine-neo4j.zip"
NEO4J_LINE = 'unzip -p tizanidine-neo4j.zip relationships.csv | grep "^drug:tizanidine,drug:ciprofloxacin"'


@pytest.mark.skipif(shutil.which("unzip") is None, reason="the README's Neo4j example reads the archive with unzip")
def test_readme_neo4j_example_is_true(tmp_path: Path) -> None:
    assert NEO4J_EXPORT in examples()
    _run(NEO4J_EXPORT, tmp_path, check=True)
    assert_prints_as_shown(NEO4J_LINE, tmp_path)


def update_readme() -> None:
    """Write each CHECKED command's real output under it in README.md (``python tests/test_readme.py --update``)."""
    out: list[str] = []
    inside, skipped = False, None  # skipped: the old output lines of the command being replaced
    for line in README.read_text(encoding="utf-8").splitlines():
        starts = line.startswith("```") or (inside and line.startswith("$ "))
        if skipped is not None and not starts:
            skipped.append(line)
            continue
        if skipped is not None:  # keep the blank line that separated the old output from what follows
            out += [""] if skipped and not skipped[-1].strip() else []
            skipped = None
        if line.startswith("```"):
            inside = not inside
        elif inside and (command := re.sub(r"\s{2,}(#.*|\(columns cut here\))$", "", line[2:]).strip()) in CHECKED:
            out += [line, *_run(command)]
            skipped = []
            continue
        out.append(line)
    README.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    update_readme()
