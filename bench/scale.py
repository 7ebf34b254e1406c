"""Grow the built MRKG graph to a target number of quads while keeping its shape.

The generator clones the drug-centred part of the graph in *generations*. Generation ``k`` holds a
copy of every substance under ``https://w3id.org/mrkg/drug/`` (as ``drug/syn-k-<slug>``) with its
identifiers, class memberships, targets, mechanisms, indications, adverse-effect associations,
interactions, warnings, products, metabolism records, claims and evidence records. Inside a
generation every drug IRI is mapped to its clone, so an interaction of two drugs becomes an
interaction of their two clones (new partners among the clones), while the shared vocabulary
(classes, targets, conditions, adverse effects, mechanisms, sources, the ontology) is not copied:
it gains incoming edges, as it would when more drugs are added. Every cloned quad stays in the named
graph of its source, so provenance queries see the same structure.

The statistics graph of the base (``graph/mrkg-statistics``: VoID figures and the sourcing measures that
``stats-sourcing`` reads) is not copied: each file gets its own, recomputed over the whole file with the build's
function (``kg.build.statistics``), streaming, and appended at its end.

Names stay unambiguous: labels, synonyms, brands, identifiers and database ids of clones get a
`` syn-k`` suffix, so the header examples of the named queries (``drug=baclofen``) still resolve
to the one original entity, and the answers anchored on it do not change with the size.

Usage as a script::

    python bench/scale.py --sizes 100k,1M --out /tmp/mrkg-scale      # writes scale-100k.nq, ...

The files go to a temporary folder; they are never committed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DRUG = "https://w3id.org/mrkg/drug/"
#: The subjects of the statistics graph start with this (kg.build.statistics.DATASET).
DATASET = "https://w3id.org/mrkg/dataset"
BASE = "https://w3id.org/mrkg/"
#: Kinds of statement node (IRI folder under https://w3id.org/mrkg/) cloned with the drugs they name.
FACT_KINDS = ("evidence", "indication", "claim", "interaction", "product", "warning", "target-action",
              "adverse-effect", "metabolism")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
MR = "https://w3id.org/mrkg/vocab/"
#: Predicates whose plain-string values name or identify a node: suffixed in clones to stay unique.
NAMING = {RDFS + "label", SKOS + "altLabel", SKOS + "prefLabel", DCT + "identifier", MR + "brandName",
          MR + "abbreviation", MR + "atcCode", MR + "casNumber", MR + "unii", MR + "inchikey"}
NAMING_PATTERN = re.compile(r"^https://w3id\.org/mrkg/vocab/\w+(Id|Cui)$")
MARK = "\x00"  # stands for the generation number in a line template
SIZE_WORDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def parse_size(text: str) -> int:
    """``100k`` → 100000, ``1M`` → 1000000, ``2.5M`` → 2500000, ``5000`` → 5000."""
    match = SIZE_WORDS.match(text)
    if not match:
        raise ValueError(f"bad size '{text}': write e.g. 100k, 1M, 5M")
    number, unit = match.groups()
    return int(float(number) * {"": 1, "k": 1_000, "m": 1_000_000}[unit.lower()])


def size_label(n: int) -> str:
    """1000000 → ``1M``, 100000 → ``100k``."""
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


@dataclass
class Template:
    """The base graph split into the quads kept once and the line templates cloned per generation."""

    base_lines: list[str]
    clone_parts: list[list[str]]  # each line template split at MARK
    drugs: int
    fact_nodes: int

    @property
    def per_generation(self) -> int:
        return len(self.clone_parts)

    def generation(self, k: int) -> str:
        """The N-Quads text of generation ``k``."""
        ks = str(k)
        return "".join(ks.join(parts) for parts in self.clone_parts)


def _fact_kind(iri: str) -> str | None:
    if not iri.startswith(BASE):
        return None
    kind = iri[len(BASE):].split("/", 1)[0]
    return kind if kind in FACT_KINDS else None


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def make_template(base: Path) -> Template:
    """Read the built N-Quads file and prepare the per-generation line templates."""
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(base), format=ox.RdfFormat.N_QUADS))
    drugs = {str(q.subject.value) for q in quads if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(DRUG)}
    drugs |= {q.object.value for q in quads if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(DRUG)}
    # A statement node is cloned when it names a drug (as object, or as rdf:subject of a claim/evidence).
    anchored: set[str] = set()
    for q in quads:
        s = q.subject
        if isinstance(s, ox.NamedNode) and _fact_kind(s.value) and isinstance(q.object, ox.NamedNode) \
                and q.object.value in drugs:
            anchored.add(s.value)

    def node(term, naming: bool) -> str:
        if isinstance(term, ox.NamedNode):
            iri = term.value
            if iri in drugs:
                return f"<{DRUG}syn-{MARK}-{iri[len(DRUG):]}>"
            if iri in anchored:
                kind = _fact_kind(iri)
                rest = iri[len(BASE) + len(kind) + 1:]
                return f"<{BASE}{kind}/syn-{MARK}-{rest}>"
            return str(term)
        if isinstance(term, ox.BlankNode):
            return f"_:s{MARK}x{term.value}"
        if isinstance(term, ox.Literal) and naming and term.datatype.value in (
                "http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"):
            text = f'"{_escape(term.value)} syn-{MARK}"'
            return text + (f"@{term.language}" if term.language else "")
        return str(term)

    base_lines: list[str] = []
    clone_parts: list[list[str]] = []
    for q in quads:
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(DATASET):
            continue  # the base's statistics (and their merge copies): each file gets its own
        line = f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" \
            if not isinstance(q.graph_name, ox.DefaultGraph) else f"{q.subject} {q.predicate} {q.object} .\n"
        base_lines.append(line)
        s = q.subject
        if isinstance(s, ox.NamedNode) and (s.value in drugs or s.value in anchored):
            p = q.predicate.value
            naming = p in NAMING or bool(NAMING_PATTERN.match(p))
            graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else f" {q.graph_name}"
            template = f"{node(s, False)} {q.predicate} {node(q.object, naming)}{graph} .\n"
            clone_parts.append(template.split(MARK))
    return Template(base_lines, clone_parts, len(drugs), len(anchored))


def write_sizes(base: Path, sizes: list[int], out_dir: Path, progress=None) -> dict[int, dict]:
    """Write ``scale-<size>.nq`` for each size into ``out_dir``; returns {size: {path, quads, generations}}.

    ``progress(description, total)`` may return a callable ``advance(n)``; it is called once per file.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    template = make_template(base)
    base_text = "".join(template.base_lines)
    written: dict[int, dict] = {}
    for size in sorted(sizes):
        generations = max(0, -(-(size - len(template.base_lines)) // template.per_generation))
        path = out_dir / f"scale-{size_label(size)}.nq"
        quads = len(template.base_lines) + generations * template.per_generation
        if not (path.is_file() and path.with_suffix(".done").is_file()
                and path.with_suffix(".done").read_text().strip() == str(quads)):
            advance = progress(f"generate {size_label(size)}", generations) if progress else None
            start = time.perf_counter()
            tmp = path.with_suffix(".part")
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(base_text)
                for k in range(1, generations + 1):
                    handle.write(template.generation(k))
                    if advance:
                        advance(1)
            seconds = time.perf_counter() - start
            statistics_seconds = append_statistics(tmp)
            tmp.replace(path)
            path.with_suffix(".done").write_text(str(quads))
        else:
            seconds = statistics_seconds = 0.0
        written[size] = {"path": str(path), "quads": quads, "generations": generations,
                         "bytes": path.stat().st_size, "seconds": round(seconds, 2),
                         "statistics_seconds": round(statistics_seconds, 2),
                         "per_generation": template.per_generation, "drugs_per_generation": template.drugs,
                         "fact_nodes_per_generation": template.fact_nodes}
    return written


def append_statistics(path: Path) -> float:
    """Compute the statistics graph of the N-Quads file ``path`` (which has none) and append it with its merge copies
    (the triples again, in the default graph); the seconds it took."""
    from kg.build.statistics import compute_statistics, quads_of_file, statistics_lines

    start = time.perf_counter()
    lines = statistics_lines(compute_statistics(quads_of_file(path)))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n{line.rsplit(' <', 1)[0]} .\n" for line in lines))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1M,5M", help="comma-separated target sizes in quads (default 100k,1M,5M)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the generated N-Quads files")
    parser.add_argument("--base", type=Path, default=None, help="built graph to grow (default: the cached built graph)")
    args = parser.parse_args(argv)
    if args.base is None:
        from kg.cache import cached_graph

        args.base = cached_graph()
    base = args.out / "base.nq"
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.base, base)
    for size, info in write_sizes(base, [parse_size(s) for s in args.sizes.split(",")], args.out).items():
        print(f"{size_label(size):>6}  {info['quads']:>10,} quads  {info['generations']:>4} generations  {info['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
