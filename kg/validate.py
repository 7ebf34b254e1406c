"""Validate: SHACL shapes (pyshacl) and quality-control queries over the built graph.

Every problem names the entity, the property, what is wrong, and the curated file and entry the
entity comes from, so that a curator can go straight to the row to fix.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .iris import BASE, VOCAB, shorten
from .paths import ONTOLOGY_DIR, QUERIES_DIR
from .progress import stage
from .store import Store

__all__ = ["Problem", "Report", "validate", "shacl_problems", "qc_problems", "where_defined"]

SH = "http://www.w3.org/ns/shacl#"

@dataclass(frozen=True)
class Problem:
    """One violation: which check found it, the entity, the property, what is wrong and where to fix it."""

    check: str
    entity: str
    property: str
    message: str
    where: str

    def __str__(self) -> str:
        prop = f" {self.property}" if self.property else ""
        return f"{self.where}: {shorten(self.entity)}{prop}: {self.message} [{self.check}]"


@dataclass
class Report:
    """Problems found and how long each stage took (seconds)."""

    problems: list[Problem]
    timings: dict[str, float]

    @property
    def ok(self) -> bool:
        return not self.problems


def where_defined(iri: str, origins: Mapping[str, str]) -> str:
    """``kg/data/<table>:<line> [key]`` for an entity or statement IRI, from the build's origins (IRI → file:line)."""
    if not iri.startswith(BASE):
        return "(outside the curated data)"
    segment, _, key = iri[len(BASE):].partition("/")
    if iri in origins:
        return f"{origins[iri]} [{key}]"
    if segment == "interaction-summary":
        return f"(derived by the build: interaction summary) [{key}]"
    return f"(no origin recorded; rebuild with 'mrkg build') [{key}]"


def _shapes_graph(ontology):
    """The hand-written shapes plus one pattern shape per identifier property of the ontology."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF

    sh = Namespace(SH)
    shapes = Graph()
    shapes.parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    for prop, pattern in ontology.subject_objects(URIRef(VOCAB + "pattern")):
        node, path_shape = URIRef(f"https://w3id.org/mrkg/shapes/identifier-{str(prop).rsplit('/', 1)[1]}"), BNode()
        label = ontology.value(prop, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        shapes.add((node, RDF.type, sh.NodeShape))
        shapes.add((node, sh.targetSubjectsOf, prop))
        shapes.add((node, sh.property, path_shape))
        shapes.add((path_shape, sh.path, prop))
        shapes.add((path_shape, sh.pattern, pattern))
        shapes.add((path_shape, sh.message, Literal(f"not a valid {label}: must match {pattern}")))
    return shapes


#: The merge of the named graphs (the sources' facts), taken from the store itself: no text dump to parse again.
MERGE_OF_NAMED_GRAPHS = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def shacl_problems(store: Store, origins: Mapping[str, str] | None = None) -> list[Problem]:
    """Run the SHACL shapes on the merge of all named graphs (with the ontology, for class membership).

    ``origins`` (the build's IRI → file:line, :func:`kg.build.read_origins`) say where each problem is to be fixed.
    """
    import pyshacl
    from rdflib import Graph, URIRef

    from .ontology import load_ontology
    from .store import memo, to_rdflib

    data = Graph()  # every source's facts, whether or not the file's merge holds them; each triple once
    convert = memo(to_rdflib)
    for triple in store.query(MERGE_OF_NAMED_GRAPHS).rows:
        data.add(tuple(map(convert, triple)))  # type: ignore[arg-type]
    conforms, results, _ = pyshacl.validate(data, shacl_graph=_shapes_graph(load_ontology()), inference="none",
                                            abort_on_first=False, allow_warnings=True)
    if conforms:
        return []
    problems = []
    for result in results.subjects(URIRef(SH + "resultSeverity"), None):
        focus = str(results.value(result, URIRef(SH + "focusNode")))
        path = results.value(result, URIRef(SH + "resultPath"))
        message = str(results.value(result, URIRef(SH + "resultMessage")))
        value = results.value(result, URIRef(SH + "value"))
        if value is not None:
            message += f" (value: {shorten(str(value))})"
        problems.append(Problem("shacl", focus, shorten(str(path)) if path else "", message, where_defined(focus, origins or {})))
    return sorted(problems, key=lambda p: (p.where, p.property, p.message))


def qc_problems(store: Store, origins: Mapping[str, str] | None = None, directory: Path = QUERIES_DIR / "qc") -> list[Problem]:
    """Run every quality-control query (``queries/qc/*.rq``); each must return no rows."""
    problems = []
    for path in sorted(directory.glob("*.rq")):
        for row in store.query(path.read_text(encoding="utf-8")).dicts():
            entity = row.get("entity") or ""
            message = f"{row.get('problem')} ({row.get('value')})"
            problems.append(Problem(path.stem, entity, "", message, where_defined(entity, origins or {})))
    return problems


def validate(store: Store, origins: Mapping[str, str] | None = None) -> Report:
    """SHACL shapes and QC queries on ``store``; the report lists every problem and the time each stage took."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    with stage("checking the SHACL shapes"):
        problems = shacl_problems(store, origins)
    timings["shacl"] = time.perf_counter() - start
    start = time.perf_counter()
    with stage("running the QC queries"):
        problems += qc_problems(store, origins)
    timings["qc queries"] = time.perf_counter() - start
    return Report(problems, timings)
