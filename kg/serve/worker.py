"""Worker: the process that runs queries, so a query past its time limit can be killed.

Each worker opens the read-only on-disk Oxigraph store (milliseconds), then answers jobs sent down
a pipe: ``(job, args)`` → :class:`Reply`. Nothing here touches the network; the server checks each
query (:mod:`kg.serve.safety`) before sending it. A worker may use at most ``memory_mb`` of memory
(``RLIMIT_DATA``: heap and private mappings; the store's files are mapped apart): past it the engine
aborts the process, which the pool reports with :func:`memory_reply` and replaces.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..errors import EntityNotFound, MRKGError
from ..iris import BASE, PREFIXES
from ..query import NAMES_QUERY
from ..rdf_formats import oxigraph_format, prefixes_for
from ..store import Result, Term, from_oxigraph
from .formats import GRAPH_TYPES, RESULT_TYPES, BadFormat, Choice

__all__ = ["Reply", "Worker", "main", "memory_reply"]


@dataclass
class Reply:
    """An HTTP answer from a worker: status, media type, body and extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        """A plain-text error."""
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())

    @classmethod
    def json(cls, data: Any) -> Reply:
        """A JSON document."""
        return cls(200, "application/json", json.dumps(data, ensure_ascii=False, indent=1).encode())


def memory_reply(memory_mb: int) -> Reply:
    """The answer to a query that needed more memory than a worker may use."""
    return Reply.error(503, f"the query needed more than {memory_mb:,} MB, the memory limit of a query worker of "
                            "this server; narrow it, add LIMIT, or run it locally with mrkg query")


def limit_memory(memory_mb: int) -> None:
    """Cap this process's heap and private mappings at ``memory_mb`` (0: no cap; not on systems without rlimits)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows has no rlimits
        return
    if memory_mb <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_DATA, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


def _serialize_results(result: Result, fmt: str) -> bytes:
    from ..results import SPARQL_RESULT_WRITERS

    return SPARQL_RESULT_WRITERS[fmt](result).encode()


class Worker:
    """The jobs a worker process answers, over one read-only store."""

    def __init__(self, directory: Path, graph_path: Path) -> None:
        import pyoxigraph as ox

        from ..api import KnowledgeGraph
        from ..store import OxigraphStore

        self.ox = ox
        self.store = OxigraphStore(directory=directory)
        self.store.allow_remote_fetch = True  # the server has checked each query against its own policy (kg.guard)
        self.graph = KnowledgeGraph(self.store, graph_path)
        self._names: list[tuple[str, str, str, str, int]] | None = None

    # --- helpers ---------------------------------------------------------------------------
    def _graph_bytes(self, triples: list[Any], fmt: str) -> bytes:
        return self.ox.serialize(triples, format=oxigraph_format(fmt), prefixes=prefixes_for(fmt, PREFIXES)) or b""

    def _answer(self, result: Result, choice: Choice, max_results: int) -> Reply:
        if len(result.rows) > max_results:
            return Reply.error(400, f"the result has more than {max_results:,} rows, the limit of this server; "
                                    "narrow the query or add LIMIT")
        fmt = choice.pick("results")
        return Reply(200, RESULT_TYPES[fmt], _serialize_results(result, fmt))

    # --- jobs -----------------------------------------------------------------------------
    def sparql(self, query: str, default_graphs: list[str], named_graphs: list[str], choice: Choice,
               max_results: int, base_iri: str | None = None) -> Reply:
        """Run any SPARQL query, stopping as soon as the result passes ``max_results``; relative IRIs resolve against
        ``base_iri`` (the endpoint's URL) unless the query has its own BASE."""
        ox = self.ox
        options: dict[str, Any] = {}
        if default_graphs or named_graphs:  # the protocol's dataset replaces the query's FROM and FROM NAMED, whole
            options = {"default_graph": [ox.NamedNode(g) for g in default_graphs],
                       "named_graphs": [ox.NamedNode(g) for g in named_graphs]}
        try:
            answer = self.store.store.query(query, base_iri=base_iri, prefixes=PREFIXES, **options)
            if isinstance(answer, ox.QueryBoolean):
                return self._answer(Result([], boolean=bool(answer)), choice, max_results)
            if isinstance(answer, ox.QuerySolutions):
                variables = [v.value for v in answer.variables]
                rows = []
                for solution in answer:
                    rows.append(tuple(from_oxigraph(solution[v]) for v in variables))
                    if len(rows) > max_results:
                        break
                return self._answer(Result(variables, rows), choice, max_results)
            triples: list[Any] = []
            for triple in cast("Iterable[Any]", answer):  # a CONSTRUCT or DESCRIBE: the other kinds returned above
                triples.append(triple)
                if len(triples) > max_results:
                    return Reply.error(400, f"the graph has more than {max_results:,} triples, the limit of this "
                                            "server; narrow the query or add LIMIT")
        except SyntaxError as exc:
            return Reply.error(400, f"SPARQL syntax error: {exc}")
        except (OSError, RuntimeError, ValueError) as exc:
            return Reply.error(400, f"query failed: {exc}")
        fmt = choice.pick("graph")
        return Reply(200, GRAPH_TYPES[fmt], self._graph_bytes(triples, fmt))

    def named(self, name: str, params: dict[str, str], choice: Choice, max_results: int) -> Reply:
        """Run a named query with its parameters bound as ``mrkg query NAME --param k=v`` does."""
        try:
            result = self.graph.query(name, **params)
        except EntityNotFound as exc:
            return Reply.error(404, str(exc))
        return self._answer(result, choice, max_results)

    def exists(self, iri: str) -> bool:
        """True when ``iri`` is the subject or object of a triple."""
        node = self.ox.NamedNode(iri)
        return bool(self.store.store.query("ASK { { ?x ?p ?o } UNION { ?s ?p ?x } }",
                                           substitutions={self.ox.Variable("x"): node}))

    def resource(self, iri: str, fmt: str, max_results: int) -> Reply:
        """The linked-data view of ``iri``: its triples as RDF, or an HTML page (``fmt == 'html'``)."""
        if not self.exists(iri):
            return Reply.error(404, f"<{iri}> is not in the graph")
        if fmt == "html":
            from .pages import entity_page, resource_page

            if self._is_entity(iri):
                from ..describe import infobox
                from ..traverse import colour_of

                report, box = self.graph.describe(iri), infobox(self.graph.store, iri)
                projection = self.graph.networkx
                node_type = projection.nodes[iri]["type"] if iri in projection else ""
                kind = (projection.graph["kinds"].get(node_type, ""), colour_of(projection, node_type))
                page = entity_page(report, self._links(iri), box, kind)
                return Reply(200, "text/html; charset=utf-8", page.encode())
            rows = [(d, p, o) for _, d, p, o in self.graph.store.query(RESOURCE_QUERY, {"x": Term.iri(iri)}).rows
                    if d is not None and p is not None and o is not None]
            return Reply(200, "text/html; charset=utf-8", resource_page(iri, rows[:max_results]).encode())
        # its own description first, then what points at it, so the cap cuts the incoming links first
        triples: list[Any] = []
        for query in ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "CONSTRUCT { ?s ?q ?x } WHERE { ?s ?q ?x }"):
            answer = self.store.store.query(query, substitutions={self.ox.Variable("x"): self.ox.NamedNode(iri)})
            triples += [t for _, t in zip(range(max_results - len(triples)), cast("Iterable[Any]", answer))]
        return Reply(200, GRAPH_TYPES[fmt], self._graph_bytes(triples, fmt))

    def _is_entity(self, iri: str) -> bool:
        query = "ASK { ?x a ?t . ?t rdfs:subClassOf* mr:Entity }"
        return bool(self.store.store.query(query, prefixes=PREFIXES,
                                           substitutions={self.ox.Variable("x"): self.ox.NamedNode(iri)}))

    def _links(self, iri: str) -> dict[str, str]:
        """Label → IRI of the neighbours of ``iri``, to link the facts of its page."""
        bound = {"x": Term.iri(iri)}
        rows = [*self.graph.store.query(LINKS_QUERY, bound).rows, *self.graph.store.query(NODE_LINKS_QUERY, bound).rows]
        return {label.value: other.value for _, other, label in rows
                if other is not None and label is not None and other.kind == "uri"}

    def names(self) -> list[tuple[str, str, str, str, int]]:
        """``(name, iri, label, type, rank)`` for every label, id, synonym and brand of every entity."""
        if self._names is None:
            rows = self.graph.store.query(NAMES_QUERY).rows
            self._names = sorted({(n.value, e.value, lab.value, t.value, int(r.value)) for e, n, r, _, lab, t in rows
                                  if e and n and r and lab and t})
        return self._names

    def search(self, text: str, limit: int = 12) -> Reply:
        """Suggestions for a search box: entities whose label, synonym, brand or id contains ``text``."""
        needle = text.strip().casefold()
        if not needle:
            return Reply.json([])
        hits: dict[str, tuple[tuple[int, int, int, str], dict[str, str]]] = {}
        for name, iri, label, type_label, rank in self.names():
            folded = name.casefold()
            where = folded.find(needle)
            if where < 0:
                continue
            key = (0 if folded == needle else 1 if where == 0 else 2, rank, len(name), name)
            if iri not in hits or key < hits[iri][0]:
                matched = "label" if rank == 0 and name == label else "synonym or brand" if rank else "id"
                hits[iri] = (key, {"iri": iri, "path": "/" + iri[len(BASE):], "label": label,
                                   "type": type_label, "matched": name, "matchedAs": matched})
        return Reply.json([hit for _, hit in sorted(hits.values(), key=lambda h: h[0])[:limit]])

    def neighbourhood(self, iri: str, depth: int, max_nodes: int) -> Reply:
        """The entity graph around ``iri`` as Cytoscape.js elements: nearest and best-connected first, ``max_nodes`` at most.

        Only the edges that lead from one ring to the next (towards the focus) are drawn: the links among entities at
        the same distance (baclofen's 80 nearest neighbours share 1,600 interaction edges) would hide the picture.
        """
        from ..export import to_cytoscape
        from ..traverse import kind_legend, neighbors

        graph = self.graph.networkx
        if iri not in graph:
            return Reply.error(404, f"<{iri}> is not an entity of the graph (statement nodes and sources have no picture)")
        distance = neighbors(graph, iri, depth)
        kept = _nearest(graph, iri, distance, depth, max_nodes)
        shown = graph.edge_subgraph([(u, v, k) for u, v, k in graph.subgraph(kept).edges(keys=True)
                                     if distance[u] != distance[v]]).copy()
        shown.add_nodes_from((n, graph.nodes[n]) for n in kept)
        elements = to_cytoscape(shown)["elements"]
        for node in elements["nodes"]:
            data = node["data"]
            data["path"] = "/" + data["id"][len(BASE):] if data["id"].startswith(BASE) else ""
            data["distance"] = distance[data["id"]]
        return Reply.json({"focus": iri, "depth": depth, "total": len(distance), "shown": shown.number_of_nodes(),
                           "legend": kind_legend(graph, {d.get("type", "") for _, d in shown.nodes(data=True)}),
                           "elements": elements})

    def terms(self) -> Reply:
        """What the SPARQL editor completes: the predeclared prefixes, and the vocabulary's terms with their labels."""
        rows = self.graph.store.query(TERMS_QUERY).rows
        return Reply.json({"prefixes": PREFIXES,
                           "terms": [{"iri": t.value, "label": label.value, "kind": kind.value} for t, label, kind in rows
                                     if t and label and kind]})

    def stats(self) -> dict[str, Any]:
        """Counts and the source registry, for the service and dataset descriptions."""
        q = self.graph.store.query
        graphs = {g.value: int(n.value) for g, n in q(GRAPH_COUNTS_QUERY).rows if g and n}
        sources = q(SOURCES_QUERY).dicts()
        counts = q(COUNTS_QUERY).dicts()[0]
        types = {row["type"]: int(row["n"] or 0) for row in q(TYPE_COUNTS_QUERY).dicts()}
        return {"graphs": graphs, "sources": sources, "types": types,
                **{k: int(v or 0) for k, v in counts.items()}, "quads": sum(graphs.values())}

    def ingest(self, data: bytes, meta: dict[str, str], kind: str | None) -> Reply:
        """An article's claims and verdicts (``mrkg ingest --format json``); its text only, nothing is fetched."""
        from ..ingest import ingest_bytes
        from ..ingest.write import render

        report = ingest_bytes(data, "the article", self.graph, kind=kind, **meta)
        return Reply(200, "application/json", render(report, "json").encode())

    def handle(self, job: str, args: tuple) -> Any:
        """Answer one job; errors a user can fix become 400 replies."""
        try:
            return getattr(self, job)(*args)
        except BadFormat as exc:
            return Reply.error(exc.status, exc.message)
        except MRKGError as exc:
            return Reply.error(400, str(exc))


def _nearest(graph: Any, focus: str, distance: dict[str, int], depth: int, max_nodes: int) -> set[str]:
    """The entities a picture keeps, ``max_nodes`` at most: ring by ring, the best-connected of each ring among those
    next to one already kept, each ring but the last taking at most an even share of what is left (so a picture two
    steps out shows both rings, not only the first one's 80 best-connected neighbours)."""
    kept, budget = {focus}, max_nodes - 1
    for ring in range(1, depth + 1):
        candidates = [n for n, d in distance.items() if d == ring and any(
            m in kept for m in (*graph.predecessors(n), *graph.successors(n)))]
        candidates.sort(key=lambda n: (-graph.degree(n), graph.nodes[n].get("label", n), n))
        share = budget if ring == depth else budget // (depth - ring + 1)
        kept.update(candidates[:share])
        budget -= min(share, len(candidates))
    return kept


TERMS_QUERY = """SELECT DISTINCT ?term ?label ?kind WHERE {
  ?term a ?type ; rdfs:label ?label .
  VALUES (?type ?kind) { (owl:Class "class") (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
                         (owl:AnnotationProperty "property") }
  FILTER(STRSTARTS(STR(?term), "https://w3id.org/mrkg/vocab/"))
} ORDER BY ?term"""
RESOURCE_QUERY = """SELECT ?x ?dir ?p ?o WHERE {
  { ?x ?p ?o BIND("out" AS ?dir) } UNION { ?o ?p ?x BIND("in" AS ?dir) }
} ORDER BY DESC(?dir) ?p ?o"""  # its own description ("out") first, so a capped page keeps it
LINKS_QUERY = "SELECT DISTINCT ?x ?other ?label WHERE { { ?x ?p ?other } UNION { ?other ?p ?x } ?other rdfs:label ?label }"
NODE_LINKS_QUERY = """SELECT DISTINCT ?x ?other ?label WHERE {
  ?node ?r ?x . ?node a ?nodeType . ?nodeType rdfs:subClassOf* mr:Statement . ?node ?q ?other . ?other rdfs:label ?label
}"""
GRAPH_COUNTS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
SOURCES_QUERY = """SELECT ?source ?id ?graph ?title ?publisher ?rights ?commercialUse ?page WHERE {
  ?source mr:graph ?graph ; dcterms:identifier ?id .
  OPTIONAL { ?source dcterms:title ?title } OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source dcterms:rights ?rights } OPTIONAL { ?source mr:commercialUse ?commercialUse }
  OPTIONAL { ?source foaf:page ?page }
} ORDER BY ?id"""
COUNTS_QUERY = """SELECT ?triples ?subjects ?entities WHERE {
  { SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { ?s ?p ?o } }
  { SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE { ?e a ?t . ?t rdfs:subClassOf* mr:Entity } }
}"""
TYPE_COUNTS_QUERY = """SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a ?type . ?type rdfs:subClassOf* mr:Entity
} GROUP BY ?type ORDER BY ?type"""


def main(conn: Any, directory: str, graph_path: str, memory_mb: int = 0) -> None:
    """The worker process: cap its memory, open the store, say ``ready``, then answer jobs until told to stop (``None``)."""
    limit_memory(memory_mb)
    try:
        worker = Worker(Path(directory), Path(graph_path))
    except Exception as exc:  # report why the store would not open, then stop
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if message is None:
            return
        job, args = message
        try:
            reply = worker.handle(job, args)
        except MemoryError:  # Python's own allocations past the cap (the engine's abort the process instead)
            reply = memory_reply(memory_mb)
        except Exception as exc:  # never a traceback to the client; one line to the server's log
            traceback.print_exc()
            reply = Reply.error(500, f"internal error: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
