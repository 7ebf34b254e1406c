"""Traverse: a networkx projection of the graph, with neighbourhoods and readable paths.

Nodes are the entities (drugs, classes, targets, mechanisms, conditions, adverse effects,
therapies) with their label, type and IRI; edges are the plain relations between entities, each
with its predicate, a readable label and the sources that state it. Statement nodes, claims,
controlled values and ``rdf:type`` links to classes are left out, so that two drugs are not
"connected" merely by both being drugs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from .errors import QueryError
from .iris import BASE, shorten
from .store import Store

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["project", "Projection", "load_projection", "neighbors", "paths", "Step", "format_path", "colour_of",
           "kind_legend"]

#: A node's type is its most specific class that a table can choose (mr:code) or that names a kind (mr:kindName):
#: classes a reasoner infers (mr:CNSDepressant, ...) have neither, so ``--inferred`` leaves the projection as it is.
NODES_QUERY = """
SELECT ?entity ?label ?type ?typeLabel WHERE {
  ?entity a ?type .
  ?type rdfs:subClassOf* mr:Entity .
  FILTER(EXISTS { ?type mr:code ?code } || EXISTS { ?type mr:kindName ?kind })
  FILTER NOT EXISTS { ?entity a ?sub . ?sub rdfs:subClassOf+ ?type . FILTER(?sub != ?type)
                      FILTER(EXISTS { ?sub mr:code ?subCode } || EXISTS { ?sub mr:kindName ?subKind }) }
  OPTIONAL { ?entity rdfs:label ?label }
  OPTIONAL { ?type rdfs:label ?typeLabel }
}"""

def nearest_annotation_query(prop: str, var: str) -> str:
    """Each class → the value (as ``?var``) of ``prop`` on its nearest ancestor-or-self that has one."""
    return f"""
SELECT ?type ?{var} WHERE {{
  ?type rdfs:subClassOf* ?root . ?root {prop} ?{var} .
  FILTER NOT EXISTS {{ ?type rdfs:subClassOf* ?nearer . ?nearer rdfs:subClassOf+ ?root ; {prop} ?other
                      FILTER(?nearer != ?root) }}
}}"""


#: Each entity class → the kind name (mr:kindName) of its nearest ancestor-or-self that has one.
KINDS_QUERY = nearest_annotation_query("mr:kindName", "kind")
#: Each class → the colour (mr:colour) of its nearest ancestor-or-self that has one: one colour per kind in every picture.
COLOURS_QUERY = nearest_annotation_query("mr:colour", "colour")
#: The colour of a type that no class of the ontology colours.
NO_COLOUR = "#999999"

EDGES_QUERY = """
SELECT ?s ?p ?o ?predicateLabel (GROUP_CONCAT(DISTINCT ?sourceId; separator=";") AS ?sources) WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o) && ?p != rdf:type)
  ?s a ?st . ?st rdfs:subClassOf* mr:Entity .
  ?o a ?ot . ?ot rdfs:subClassOf* mr:Entity .
  OPTIONAL { ?source mr:graph ?g ; dcterms:identifier ?sourceId }
  OPTIONAL { ?p rdfs:label ?predicateLabel }
}
GROUP BY ?s ?p ?o ?predicateLabel"""

#: The pair summary of each interacting pair, put on its mr:interactsWith edges (kg/build/summaries.py).
SUMMARY_QUERY = """
SELECT ?a ?b ?severity ?disagreement (GROUP_CONCAT(DISTINCT ?evidenceLabel; separator=";") AS ?evidence)
       (GROUP_CONCAT(DISTINCT ?classLabel; separator=";") AS ?through) WHERE {
  ?summary a mr:InteractionSummary ; mr:participant ?a , ?b ; mr:severity/rdfs:label ?severity ; mr:disagreement ?disagreement .
  FILTER(?a != ?b)
  OPTIONAL { ?summary mr:evidenceLevel/rdfs:label ?evidenceLabel }
  OPTIONAL { ?summary mr:throughClass/rdfs:label ?classLabel }
}
GROUP BY ?a ?b ?severity ?disagreement"""
#: Edge attributes a summary gives (empty on every other edge, so that every edge has the same columns).
SUMMARY_ATTRIBUTES = ("severity", "evidence", "disagreement", "through")


#: The file a prepared store (kg/cache.py) keeps its projection in, written by the first command that needs it.
PROJECTION_FILE = "projection.json"
#: Node and edge attributes in the order the projection file lists them.
NODE_FIELDS = ("label", "type", "type_label")
EDGE_FIELDS = ("predicate", "label", "sources", *SUMMARY_ATTRIBUTES)


def project(store: Store) -> nx.MultiDiGraph:
    """The entity graph: nodes keyed by IRI with ``label``, ``type``, ``type_label``; edges keyed by predicate.

    ``graph.graph["kinds"]`` maps each type (CURIE) to its kind name from the ontology (``mr:kindName``), and
    ``graph.graph["colours"]`` each type, statement kinds too, to its colour (``mr:colour``; see :func:`colour_of`).

    Every edge has ``label`` and ``sources``; an ``mr:interactsWith`` edge also carries its pair summary
    (``severity``, ``evidence``, ``disagreement``, ``through``), empty on other edges.

    For a prepared store the projection is computed once and kept beside it (1.5 s of queries on the built graph;
    reading it back takes a few tens of milliseconds).
    """
    import networkx as nx

    data = _kept(store)
    graph = nx.MultiDiGraph(kinds=data["kinds"], colours=data["colours"])
    graph.add_nodes_from((node, dict(zip(NODE_FIELDS, rest, strict=True))) for node, *rest in data["nodes"])
    graph.add_edges_from((u, v, key, dict(zip(EDGE_FIELDS, rest, strict=True))) for u, v, key, *rest in data["edges"])
    return graph


def _kept(store: Store) -> dict:
    from .cache import kept_beside

    return kept_beside(store, PROJECTION_FILE, __file__, lambda: _as_data(_project(store)))


class _Nodes(dict):
    """Node → its data, called as networkx's node view is: ``nodes()`` the nodes, ``nodes(data=True)`` the pairs."""

    def __call__(self, data: bool = False) -> list:
        return list(self.items()) if data else list(self)


class Projection:
    """The same entity graph as :func:`project`, as plain dictionaries: the part of networkx's MultiDiGraph API that
    :func:`kg.analytics.similar`, :func:`kg.analytics.metapath_counts` and :func:`paths` read (``graph``, ``nodes``,
    ``edges``, ``out_edges``, ``in_edges``, ``has_edge``, ``graph[u][v]``, ``in``), so that those commands do not
    import networkx (200 ms)."""

    def __init__(self, data: dict) -> None:
        self.graph = {"kinds": data["kinds"], "colours": data["colours"]}
        self.nodes = _Nodes((node, dict(zip(NODE_FIELDS, rest, strict=True))) for node, *rest in data["nodes"])
        self._edges = [(u, v, key, dict(zip(EDGE_FIELDS, rest, strict=True))) for u, v, key, *rest in data["edges"]]
        self._out: dict[str, list[tuple[str, str, str]]] = {}
        self._in: dict[str, list[tuple[str, str, str]]] = {}
        #: u → v → key → data, as networkx's ``graph[u][v]``
        self._adjacent: dict[str, dict[str, dict[str, dict]]] = {}
        for u, v, key, d in self._edges:
            self._out.setdefault(u, []).append((u, v, key))
            self._in.setdefault(v, []).append((u, v, key))
            self._adjacent.setdefault(u, {}).setdefault(v, {})[key] = d

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def edges(self, keys: bool = True, data: bool = True) -> Iterator[tuple]:
        """Every edge as ``(u, v, key, data)`` (the one form the callers ask networkx for)."""
        assert keys and data, "a Projection gives edges with their keys and data"
        return iter(self._edges)

    def __getitem__(self, u: str) -> dict[str, dict[str, dict]]:
        """The edges from ``u``, by target and key, with their data (as networkx's ``graph[u]``)."""
        return self._adjacent.get(u, {})

    def has_edge(self, u: str, v: str) -> bool:
        return v in self._adjacent.get(u, {})

    def out_edges(self, node: str, keys: bool = True) -> list[tuple[str, str, str]]:
        assert keys, "a Projection gives edges with their keys"
        return self._out.get(node, [])

    def in_edges(self, node: str, keys: bool = True) -> list[tuple[str, str, str]]:
        assert keys, "a Projection gives edges with their keys"
        return self._in.get(node, [])


#: What the read-only analytics accept: the networkx projection or the plain one.
EntityGraph = Union["nx.MultiDiGraph", Projection]


def load_projection(store: Store) -> Projection:
    """The entity graph without networkx (see :class:`Projection`), from the projection kept beside the store."""
    return Projection(_kept(store))


def _as_data(graph: nx.MultiDiGraph) -> dict:
    """The projection as JSON data: its kinds, and a list per node and per edge."""
    return {"kinds": graph.graph["kinds"], "colours": graph.graph["colours"],
            "nodes": [[node, *(d[f] for f in NODE_FIELDS)] for node, d in graph.nodes(data=True)],
            "edges": [[u, v, key, *(d[f] for f in EDGE_FIELDS)] for u, v, key, d in graph.edges(keys=True, data=True)]}


def _project(store: Store) -> nx.MultiDiGraph:
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.graph["kinds"] = {shorten(cls.value): kind.value for cls, kind in store.query(KINDS_QUERY).rows if cls and kind}
    graph.graph["colours"] = {shorten(cls.value): colour.value for cls, colour in store.query(COLOURS_QUERY).rows
                              if cls and colour and cls.kind == "uri"}
    for entity, label, cls, type_label in store.query(NODES_QUERY).rows:
        assert entity is not None and cls is not None
        graph.add_node(entity.value, label=label.value if label else shorten(entity.value),
                       type=shorten(cls.value), type_label=type_label.value if type_label else shorten(cls.value))
    for s, p, o, predicate_label, sources in store.query(EDGES_QUERY).rows:
        assert s is not None and p is not None and o is not None
        if s.value in graph and o.value in graph:
            graph.add_edge(s.value, o.value, key=shorten(p.value), predicate=p.value,
                           label=predicate_label.value if predicate_label else shorten(p.value),
                           sources=sorted(set(sources.value.split(";"))) if sources and sources.value else [])
    for a, b, severity, disagreement, evidence, through in store.query(SUMMARY_QUERY).rows:
        assert a is not None and b is not None and severity is not None and disagreement is not None
        if graph.has_edge(a.value, b.value, "mr:interactsWith"):
            graph.edges[a.value, b.value, "mr:interactsWith"].update(
                severity=severity.value, disagreement=disagreement.value,
                evidence=evidence.value if evidence else "", through=through.value if through else "")
    for _, _, data in graph.edges(data=True):
        for attribute in SUMMARY_ATTRIBUTES:
            data.setdefault(attribute, "")
    return graph


def colour_of(graph: EntityGraph, node_type: str) -> str:
    """The colour (``#rrggbb``) of the entities or statements of ``node_type`` (a CURIE), as the ontology gives it."""
    return graph.graph.get("colours", {}).get(node_type, NO_COLOUR)


def kind_legend(graph: EntityGraph, types: Iterable[str]) -> list[dict[str, str]]:
    """``[{"kind", "colour"}]`` for the kinds of ``types`` (CURIEs), one entry per kind, in the order of their names."""
    kinds = graph.graph.get("kinds", {})
    found = {kinds.get(t, t): colour_of(graph, t) for t in types}
    return [{"kind": kind, "colour": colour} for kind, colour in sorted(found.items())]


def relation_names(graph: EntityGraph) -> dict[str, str]:
    """Every way to name a relation of the projection (its CURIE, its local name, its label) → its CURIE."""
    names: dict[str, str] = {}
    for _, _, key, data in graph.edges(keys=True, data=True):
        for name in (key, key.removeprefix("mr:"), data["label"]):
            names.setdefault(name, key)
    return names


def type_names(graph: EntityGraph) -> dict[str, str]:
    """Every way to name an entity type of the projection (its CURIE, its local name, its label) → its CURIE."""
    names: dict[str, str] = {}
    for _, data in graph.nodes(data=True):
        for name in (data["type"], data["type"].removeprefix("mr:"), data["type_label"]):
            names.setdefault(name, data["type"])
    return names


def require_known(given: Iterable[str], known: dict[str, str], what: str) -> None:
    """QueryError for a name that is not in ``known``, with the closest names: "no relation 'has targt'; did you mean
    'has target'?" instead of an empty answer."""
    import difflib

    for name in given:
        if name not in known:
            close = list({known[c]: c for c in reversed(difflib.get_close_matches(name, list(known), n=6, cutoff=0.6))}
                         .values())[::-1][:3]  # the closest name of each of the nearest relations or types
            labels = sorted({n for n in known if ":" not in n and n == n.lower()} or set(known))  # the labels
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else \
                f"; the {what}s are: {', '.join(labels[:12])}{', ...' if len(labels) > 12 else ''}"
            raise QueryError(f"no {what} '{name}'{hint}")


def _filtered(graph: nx.MultiDiGraph, relations: set[str] | None, types: set[str] | None, keep: set[str]) -> nx.MultiDiGraph:
    """A view keeping only edges whose predicate (CURIE or label) is in ``relations`` and nodes of ``types``."""
    require_known(sorted(relations or ()), relation_names(graph), "relation")
    require_known(sorted(types or ()), type_names(graph), "type")
    def node_ok(node: str) -> bool:
        data = graph.nodes[node]
        return not types or node in keep or data["type"] in types or data["type_label"] in types or \
            data["type"].removeprefix("mr:") in types

    def edge_ok(u: str, v: str, key: str) -> bool:
        data = graph.edges[u, v, key]
        return not relations or key in relations or data["label"] in relations or key.removeprefix("mr:") in relations

    import networkx as nx

    return nx.subgraph_view(graph, filter_node=node_ok, filter_edge=edge_ok)


def neighbors(graph: nx.MultiDiGraph, node: str, depth: int = 1, relations: set[str] | None = None,
              types: set[str] | None = None) -> dict[str, int]:
    """Entities within ``depth`` steps of ``node`` (either direction), with their distance."""
    import networkx as nx

    view = _filtered(graph, relations, types, {node})
    return dict(nx.single_source_shortest_path_length(view.to_undirected(as_view=True), node, cutoff=depth))


@dataclass(frozen=True)
class Step:
    """One hop of a path: from node, edge label, to node, and whether the edge points forward."""

    source: str
    predicate: str
    label: str
    target: str
    forward: bool
    sources: tuple[str, ...]


#: How many shortest paths are considered before the most specific ones are kept.
PATH_CANDIDATES = 300


def paths(graph: EntityGraph, start: str, end: str, max_length: int = 4, limit: int = 10) -> list[list[Step]]:
    """Simple paths between two entities, shortest first, of at most ``max_length`` hops (at most ``limit``).

    Among paths of the same length, those through less-connected entities come first (a shared enzyme
    before a drug that interacts with hundreds of others), then by their nodes, so the order is the same
    on every engine. Edges are followed in either direction; each step records which way its edge points.

    The candidates are the first ``PATH_CANDIDATES`` paths of ``networkx.shortest_simple_paths``, which yields them
    shortest first. When the shortest lengths that hold ``limit`` paths hold no more than that many in all, the answer
    is chosen from them alone, found here without networkx; otherwise networkx's order picks the candidates, as before.
    """
    if start not in graph or end not in graph or start == end:
        return []
    neighbours = _undirected(graph)
    cap = max(limit, PATH_CANDIDATES)
    candidates = _shortest_levels(neighbours, start, end, max_length, limit, cap)
    if candidates is None:
        candidates = _shortest_simple_paths(neighbours, start, end, max_length, cap)
    candidates.sort(key=lambda nodes: (len(nodes), sum(len(neighbours[n]) for n in nodes[1:-1]), nodes))
    return [_steps(graph, nodes) for nodes in candidates[:limit]]


def _undirected(graph: EntityGraph) -> dict[str, set[str]]:
    """Each node's neighbours, either direction, without itself (the undirected simple graph)."""
    neighbours: dict[str, set[str]] = {node: set() for node in graph.nodes()}
    for u, v, *_ in graph.edges(keys=True, data=True):
        if u != v:
            neighbours[u].add(v)
            neighbours[v].add(u)
    return neighbours


def _distances(neighbours: dict[str, set[str]], end: str, cutoff: int) -> dict[str, int]:
    """Hops from every node within ``cutoff`` of ``end`` (breadth first)."""
    found, frontier = {end: 0}, [end]
    for hops in range(1, cutoff + 1):
        frontier = [n for node in frontier for n in neighbours[node] if n not in found]
        for node in frontier:
            found.setdefault(node, hops)
        frontier = list(dict.fromkeys(frontier))
    return found


def _shortest_levels(neighbours: dict[str, set[str]], start: str, end: str, max_length: int, limit: int,
                     cap: int) -> list[list[str]] | None:
    """Every simple path of the shortest lengths, level by level, until ``limit`` are found (or none is left within
    ``max_length``): the paths the answer is chosen from. None when those levels hold more than ``cap``, where the
    first ``cap`` paths networkx would keep depend on its order within a level."""
    to_end = _distances(neighbours, end, max_length)
    found: list[list[str]] = []
    for hops in range(1, max_length + 1):
        level = _paths_of_length(neighbours, to_end, start, end, hops, cap - len(found))
        if level is None:
            return None
        found += level
        if len(found) >= limit:
            break
    return found


def _paths_of_length(neighbours: dict[str, set[str]], to_end: dict[str, int], start: str, end: str, hops: int,
                     room: int) -> list[list[str]] | None:
    """Every simple path of exactly ``hops`` steps, or None when there are more than ``room``."""
    found: list[list[str]] = []
    stack: list[list[str]] = [[start]]
    while stack:
        path = stack.pop()
        left = hops - (len(path) - 1)
        if left == 0:
            if path[-1] == end:
                found.append(path)
                if len(found) > room:
                    return None
            continue
        if path[-1] == end:
            continue  # a simple path ends where it reaches the end
        for n in neighbours[path[-1]]:
            if to_end.get(n, hops + 1) <= left - 1 and n not in path:
                stack.append([*path, n])
    return found


def _shortest_simple_paths(neighbours: dict[str, set[str]], start: str, end: str, max_length: int,
                           cap: int) -> list[list[str]]:
    """The first ``cap`` paths of at most ``max_length`` hops in networkx's order (Yen's algorithm)."""
    import networkx as nx

    undirected = nx.Graph()  # built in sorted order, so the candidates are the same on every engine
    undirected.add_nodes_from(sorted(neighbours))
    undirected.add_edges_from(sorted({tuple(sorted((u, v))) for u, vs in neighbours.items() for v in vs}))
    candidates: list[list[str]] = []
    for nodes in nx.shortest_simple_paths(undirected, start, end):
        if len(nodes) - 1 > max_length or len(candidates) >= cap:
            break
        candidates.append(nodes)
    return candidates


def _steps(graph: EntityGraph, nodes: list[str]) -> list[Step]:
    """Turn a node sequence into steps, taking the first edge (by predicate) between each pair."""
    steps: list[Step] = []
    for u, v in zip(nodes, nodes[1:]):
        forward = graph.has_edge(u, v)
        key, data = min((graph[u][v] if forward else graph[v][u]).items())
        steps.append(Step(u, key, data["label"], v, forward, tuple(data["sources"])))
    return steps


def format_path(graph: EntityGraph, steps: list[Step]) -> str:
    """A readable chain: ``tizanidine —metabolised by→ CYP1A2 ←inhibits— ciprofloxacin``."""
    if not steps:
        return ""
    parts = [label_of(graph, steps[0].source)]
    for step in steps:
        parts.append(f"—{step.label}→" if step.forward else f"←{step.label}—")
        parts.append(label_of(graph, step.target))
    return " ".join(parts)


def label_of(graph: EntityGraph, node: str) -> str:
    """A node's label in the projection (its IRI without the MRKG namespace when it has none)."""
    return graph.nodes[node].get("label", node.removeprefix(BASE))
