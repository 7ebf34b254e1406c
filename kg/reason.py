"""Reason: OWL consistency and inferred facts, with HermiT (owlready2, needs Java) or an OWL-RL closure (owlrl).

The inferred facts go into a named graph of their own, ``graph/inferred``, described in the source
registry as inferred, and written to a file beside the built graph. Queries see them only when
asked (``kg.load(inferred=True)``, ``mrkg query --inferred``), and can always tell them apart by graph.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import MRKGError
from .iris import BASE, GRAPH_BASE, SOURCES_GRAPH, VOCAB, shorten
from .store import Store

__all__ = ["INFERRED_GRAPH", "ReasonReport", "Inconsistent", "reason", "inferred_path", "java_available"]

#: Named graph of the facts a reasoner derived.
INFERRED_GRAPH = GRAPH_BASE + "inferred"
INFERRED_SOURCE = BASE + "source/inferred"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: The predicate owlrl uses for the inconsistencies it finds.
OWLRL_ERROR = "http://www.daml.org/2002/03/agents/agent-ont#error"

DISJOINT_QUERY = """
SELECT DISTINCT ?entity ?a ?b WHERE {
  ?axiom a owl:AllDisjointClasses ; owl:members/rdf:rest*/rdf:first ?a , ?b .
  FILTER(STR(?a) < STR(?b))
  ?entity a/rdfs:subClassOf* ?a . ?entity a/rdfs:subClassOf* ?b .
}"""

DOMAIN_RANGE_QUERY = """
SELECT DISTINCT ?entity ?p ?expected WHERE {
  { ?p rdfs:domain ?expected . ?entity ?p ?o . }
  UNION
  { ?p rdfs:range ?expected . ?x ?p ?entity . FILTER(isIRI(?entity)) }
  FILTER(STRSTARTS(STR(?expected), STR(mr:)))
  ?expected a owl:Class .
  FILTER NOT EXISTS { ?entity a/rdfs:subClassOf* ?expected }
  FILTER EXISTS { ?entity a ?anyType }
  ?disjoint a owl:AllDisjointClasses ; owl:members/rdf:rest*/rdf:first ?expected .
}"""


@dataclass
class ReasonReport:
    """What the reasoner did: which one, how long, how many facts it inferred and of which kinds."""

    reasoner: str
    seconds: float
    inferred: list[tuple[str, str, str]] = field(default_factory=list)
    output: Path | None = None

    def summary(self) -> dict[str, int]:
        """Inferred facts counted by predicate (types counted by class)."""
        counts: dict[str, int] = {}
        for _, p, o in self.inferred:
            key = f"a {shorten(o)}" if p == RDF_TYPE else shorten(p)
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))


class Inconsistent(MRKGError):
    """The ontology and the data contradict each other; ``entities`` lists what the checks could pin down."""

    def __init__(self, reasoner: str, entities: list[str]) -> None:
        self.entities = entities
        listed = "; ".join(entities[:10]) + (f"; and {len(entities) - 10} more" if len(entities) > 10 else "")
        super().__init__(f"{reasoner} found the graph inconsistent" + (f": {listed}" if entities else
                         " (no disjointness or domain/range clash found by query: check the ontology's axioms)"))


def java_available() -> bool:
    """True when a ``java`` executable is on the PATH (HermiT needs it)."""
    return shutil.which("java") is not None


def inferred_path(graph_path: Path) -> Path:
    """Where the inferred graph of the built graph at ``graph_path`` is written."""
    return graph_path.with_name(graph_path.stem + ".inferred.nq")


def _keep(s: str, p: str, o: str) -> bool:
    """Keep inferences about MRKG things in MRKG terms (not owl:Thing, not axioms about the vocabulary)."""
    if not s.startswith(BASE) or s.startswith(VOCAB) or s.startswith(GRAPH_BASE):
        return False
    if p == RDF_TYPE:
        return o.startswith(VOCAB)
    return p.startswith(VOCAB)


def _clashes(store: Store) -> list[str]:
    """Entities whose types are disjoint, or that break a domain or range: what made the graph inconsistent."""
    def short(row: dict[str, str | None], name: str) -> str:
        return shorten(row[name] or "")

    found = [f"{short(r, 'entity')} is both {short(r, 'a')} and {short(r, 'b')}" for r in store.query(DISJOINT_QUERY).dicts()]
    found += [f"{short(r, 'entity')} is used with {short(r, 'p')} but is not a {short(r, 'expected')}"
              for r in store.query(DOMAIN_RANGE_QUERY).dicts()]
    return found


def _with_hermit(merged: Path, store: Store) -> list[tuple[str, str, str]]:
    import owlready2

    world = owlready2.World()
    world.get_ontology(merged.as_uri()).load()
    inferred = world.get_ontology(INFERRED_GRAPH)
    try:
        with inferred:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        raise Inconsistent("HermiT", _clashes(store)) from None
    graph = world.as_rdflib_graph().get_context(inferred)
    return sorted({(str(s), str(p), str(o)) for s, p, o in graph if _keep(str(s), str(p), str(o))})


def _with_owlrl(merged: Path, store: Store) -> list[tuple[str, str, str]]:
    import owlrl
    from rdflib import Graph

    graph = Graph()
    graph.parse(merged, format="nt")
    before = {(str(s), str(p), str(o)) for s, p, o in graph}
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    # owlrl records inconsistencies as error-message triples rather than raising
    errors = [str(o) for _, p, o in graph if str(p) == OWLRL_ERROR]
    if errors:
        raise Inconsistent("the OWL-RL closure", _clashes(store) or sorted(errors))
    after = {(str(s), str(p), str(o)) for s, p, o in graph}
    return sorted(t for t in after - before if _keep(*t))


#: Node kinds left out of reasoning: thousands of interaction statements, pair summaries and evidence records
#: (reified edges) whose properties carry no axioms that classify entities; SHACL checks their shape in
#: `mrkg validate`. With them HermiT took many minutes on the built graph.
UNREASONED = ("DrugInteraction", "InteractionSummary", "Evidence")
#: Predicates left out: cross-reference links to outside IRIs, which would only add individuals.
UNREASONED_PREDICATES = ("<http://www.w3.org/2004/02/skos/core#exactMatch>",)


def _kept(line: str, nodes: set[str]) -> bool:
    """Whether an N-Triples line goes to the reasoner: the ontology whole; of the data, the links between nodes.

    Literals of data nodes (labels, identifiers, notes) carry no class axioms, and there are tens of thousands.
    """
    subject, predicate, rest = line.split(" ", 2)
    if subject.startswith(f"<{VOCAB}") or subject.startswith("_:"):
        return True
    return subject not in nodes and predicate not in UNREASONED_PREDICATES and not rest.startswith('"')


def _dump_for_reasoning(store: Store, path: Path) -> None:
    """Write the merged graph as N-Triples for the reasoner, without what :func:`_kept` leaves out."""
    nodes = {f"<{iri}>" for kind in UNREASONED
             for iri in store.query(f"SELECT ?s WHERE {{ ?s a <{VOCAB}{kind}> }}").column("s") if iri}
    store.dump(path, "ntriples")
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if line and _kept(line, nodes)) + "\n", encoding="utf-8")


def reason(store: Store, graph_path: Path, use_hermit: bool | None = None) -> ReasonReport:
    """Check consistency and write the inferred facts beside ``graph_path`` (see :func:`inferred_path`).

    HermiT is used when Java is present (``use_hermit=None``), otherwise the OWL-RL closure of owlrl.
    Raises :class:`Inconsistent` naming the clashing entities; the previous inferred file then stays.
    """
    hermit = java_available() if use_hermit is None else use_hermit
    if hermit and not java_available():
        raise MRKGError("HermiT needs Java, and no 'java' is on the PATH; install a JRE or run without --hermit")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        merged = Path(tmp) / "merged.nt"
        _dump_for_reasoning(store, merged)
        triples = (_with_hermit if hermit else _with_owlrl)(merged, store)
    report = ReasonReport("HermiT (owlready2)" if hermit else "OWL-RL closure (owlrl)", time.perf_counter() - start, triples)
    report.output = _write(report, inferred_path(graph_path))
    return report


def _write(report: ReasonReport, path: Path) -> Path:
    """Write the inferred graph, and its entry in the source registry, as N-Quads."""
    from rdflib import Dataset, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS

    dataset = Dataset()
    graph = dataset.graph(URIRef(INFERRED_GRAPH))
    for s, p, o in report.inferred:
        graph.add((URIRef(s), URIRef(p), URIRef(o) if o.startswith(("http://", "https://")) else Literal(o)))
    registry = dataset.graph(URIRef(SOURCES_GRAPH))
    source = URIRef(INFERRED_SOURCE)
    title = f"Facts inferred by {report.reasoner} from the MRKG ontology and curated sources"
    for p, o in ((RDF.type, URIRef(VOCAB + "Curation")), (DCTERMS.identifier, Literal("inferred")),
                 (DCTERMS.title, Literal(title)), (RDFS.label, Literal(title)),
                 (DCTERMS.rights, Literal("derived from the graph's sources; each inference inherits their terms")),
                 (URIRef(VOCAB + "commercialUse"), Literal("unknown")), (URIRef(VOCAB + "graph"), URIRef(INFERRED_GRAPH))):
        registry.add((source, p, o))
    from .build import write_nquads

    write_nquads(dataset, path)  # with its merge in the default graph, like the built graph
    return path
