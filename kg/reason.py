"""Reason: OWL consistency and inferred facts, in two steps that each use the tool that suits them.

1. **The ontology** (classes, properties, axioms; a few thousand triples) is classified by HermiT (owlready2,
   needs Java) or, without Java, by the OWL-RL closure of owlrl: it must be consistent and every class
   satisfiable, and the class tree they compute (with the subsumptions they infer) is what the next step uses.
2. **The data** (a hundred thousand facts) is reasoned over by rules compiled from the ontology's own axioms
   (:mod:`kg.rules`) and run as SPARQL on the built store: types from the defined classes, domains and ranges,
   and the closure of the transitive properties; then every entity's types are checked against the disjoint
   classes. A test checks these facts against HermiT's answer over the whole ABox.

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
from typing import TYPE_CHECKING

from .errors import MRKGError
from .iris import BASE, GRAPH_BASE, ONTOLOGY_GRAPH, SOURCES_GRAPH, VOCAB, shorten
from .progress import stage
from .rules import ClassTree, asserted_tree, consequences
from .store import Store

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["INFERRED_GRAPH", "ReasonReport", "Inconsistent", "reason", "inferred_path", "java_available"]

#: Named graph of the facts a reasoner derived.
INFERRED_GRAPH = GRAPH_BASE + "inferred"
INFERRED_SOURCE = BASE + "source/inferred"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: The predicate owlrl uses for the inconsistencies it finds.
OWLRL_ERROR = "http://www.daml.org/2002/03/agents/agent-ont#error"

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


def ontology_graph(store: Store) -> Graph:
    """The ontology the built graph was made with (its own named graph), as an rdflib graph."""
    from rdflib import Graph

    graph = Graph()
    rows = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}").rows
    graph.parse(data="\n".join(" ".join(term.n3() for term in row if term) + " ." for row in rows), format="nt")
    return graph


def _classify_with_hermit(ontology: Graph) -> ClassTree:
    """HermiT's class tree of the ontology; :class:`Inconsistent` if it is inconsistent or a class is unsatisfiable."""
    import owlready2

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ontology.nt"
        ontology.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise Inconsistent("HermiT", ["the ontology itself (ontology/*.ttl)"]) from None
        unsatisfiable = sorted(shorten(cls.iri) for cls in world.inconsistent_classes())
        if unsatisfiable:
            raise Inconsistent("HermiT", [f"class {name} can have no member" for name in unsatisfiable])
        return {cls.iri: {a.iri for a in cls.ancestors(include_self=True) if hasattr(a, "iri")}
                for cls in world.classes()}


def _classify_with_owlrl(ontology: Graph) -> ClassTree:
    """The class tree of the ontology's OWL-RL closure; :class:`Inconsistent` if owlrl records an error."""
    import owlrl
    from rdflib import RDFS, Graph, URIRef

    closed = Graph()
    for triple in ontology:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    errors = [str(o) for o in closed.objects(None, URIRef(OWLRL_ERROR))]  # owlrl records clashes as triples
    if errors:
        raise Inconsistent("the OWL-RL closure", sorted(errors))
    tree = asserted_tree(ontology)
    for sub, sup in closed.subject_objects(RDFS.subClassOf):
        if str(sub) in tree and isinstance(sup, URIRef):
            tree[str(sub)].add(str(sup))
    return tree


def reason(store: Store, graph_path: Path, use_hermit: bool | None = None) -> ReasonReport:
    """Check consistency and write the inferred facts beside ``graph_path`` (see :func:`inferred_path`).

    The ontology is classified by HermiT when Java is present (``use_hermit=None``), otherwise by owlrl; the data's
    consequences come from the rules of :mod:`kg.rules`. Raises :class:`Inconsistent` naming the clashing entities;
    the previous inferred file then stays.
    """
    hermit = java_available() if use_hermit is None else use_hermit
    if hermit and not java_available():
        raise MRKGError("HermiT needs Java, and no 'java' is on the PATH; install a JRE or use the OWL-RL closure",
                        option="use_hermit")
    start = time.perf_counter()
    name = "HermiT (owlready2)" if hermit else "OWL-RL closure (owlrl)"
    with stage(f"classifying the ontology with {name}"):
        ontology = ontology_graph(store)
        tree = (_classify_with_hermit if hermit else _classify_with_owlrl)(ontology)
    with stage("reasoning over the data with the ontology's rules"):
        found = consequences(store, ontology, tree)
    if found.clashes:
        raise Inconsistent(f"{name} on the ontology, its rules on the data,", found.clashes)
    report = ReasonReport(f"{name} on the ontology, its rules on the data", time.perf_counter() - start,
                          sorted(set(found.facts)))
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
