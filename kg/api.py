"""The Python API: ``kg.load()`` gives a :class:`KnowledgeGraph` that queries, describes, traverses and exports.

>>> import kg
>>> graph = kg.load()                                             # doctest: +SKIP
>>> graph.query("drug-interactions", drug="baclofen").dicts()[0]   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import QueryError
from .query import NamedQuery, Resolver, load_library, run_named
from .store import Result, Store, open_store

if TYPE_CHECKING:
    import networkx as nx

    from .analytics import Hub, PathCount, Similarity
    from .check import MedicationCheck
    from .describe import EntityReport
    from .ingest import IngestReport
    from .traverse import EntityGraph, Projection, Step

__all__ = ["KnowledgeGraph", "load", "connect"]


class KnowledgeGraph:
    """A loaded MRKG dataset with its query library."""

    def __init__(self, store: Store, path: Path | None) -> None:
        self.store = store
        self.path = path  # the built file or store directory; None for a SPARQL endpoint

    @property
    def engine(self) -> str:
        """The query engine in use: ``oxigraph``, ``rdflib`` or ``endpoint``."""
        return self.store.engine

    @cached_property
    def library(self) -> dict[str, NamedQuery]:
        """The named queries of ``queries/``."""
        return load_library()

    @cached_property
    def resolver(self) -> Resolver:
        """Name → IRI lookup over labels, synonyms, brands and ids."""
        return Resolver(self.store)

    @cached_property
    def networkx(self) -> nx.MultiDiGraph:
        """The entity graph as a networkx MultiDiGraph (see :mod:`kg.traverse`)."""
        from .traverse import project

        return project(self.store)

    @cached_property
    def projection(self) -> Projection:
        """The same entity graph as plain dictionaries (see :class:`kg.traverse.Projection`), without networkx."""
        from .traverse import load_projection

        return load_projection(self.store)

    def _read_only_graph(self) -> EntityGraph:
        """The networkx projection when it is loaded already, else the plain one (similar and metapath read either)."""
        return self.__dict__.get("networkx") or self.projection

    def query(self, query: str, /, **params: str) -> Result:
        """Run a named query (by name, with parameters) or SPARQL text (no parameters).

        ``query`` is positional-only, so a parameter may be called ``query`` or ``self`` (the named query then says
        whether it has one) instead of clashing with this method's own arguments.
        """
        if query in self.library:
            return run_named(self.store, self.library[query], params, lambda: self.resolver)
        if params:
            raise QueryError(f"'{query[:40]}' is not a named query, so it takes no parameters; "
                             f"named queries: {', '.join(self.library)}")
        if not any(word in query.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
            raise QueryError(f"no named query '{query}'; named queries: {', '.join(self.library)}")
        return self.store.query(query)

    def ingest(self, data: bytes, name: str = "the article", **meta: str | None) -> IngestReport:
        """An article's claims with automatic verdicts against this graph (see :mod:`kg.ingest`); ``meta``: title,
        url, date, publisher, kind."""
        from .ingest import ingest_bytes

        return ingest_bytes(data, name, self, **meta)  # type: ignore[arg-type]

    def check(self, names: list[str]) -> MedicationCheck:
        """Check a medication list: each interacting pair's summary and sources, worst first; boxed warnings; predictions."""
        from .check import check_medications

        return check_medications(self, names)

    def interaction_summary(self, drug: str, other: str | None = None) -> Result:
        """One line per interacting pair of ``drug`` (or only its pair with ``other``): the ``interaction-summary`` query."""
        return self.query("interaction-summary", drug=drug, **({"other": other} if other else {}))

    def resolve(self, name: str, type_name: str = "Entity") -> str:
        """The IRI of the entity called ``name`` (label, synonym, brand, id or IRI)."""
        return self.resolver.resolve(name, type_name)

    def describe(self, name: str, every_statement: bool = True) -> EntityReport:
        """Everything known about one entity, grouped, with sources; without ``every_statement``, each interacting pair
        of a substance is one line (its summary) instead of its summary, statements and edges."""
        from .describe import describe

        iri = self.resolve(name)
        if every_statement or not self.resolver.is_a(iri, "Substance"):
            return describe(self.store, iri)
        return describe(self.store, iri, lambda: self.interaction_summary(iri).dicts())

    def neighbors(self, name: str, depth: int = 1, relations: set[str] | None = None,
                  types: set[str] | None = None) -> dict[str, int]:
        """Entities within ``depth`` steps of ``name``, with their distance."""
        from .traverse import neighbors

        return neighbors(self.networkx, self.resolve(name), depth, relations, types)

    def paths(self, start: str, end: str, max_length: int = 4, limit: int = 10) -> list[list[Step]]:
        """Connecting paths between two entities, shortest first."""
        from .traverse import paths

        return paths(self._read_only_graph(), self.resolve(start), self.resolve(end), max_length, limit)

    def export(self, fmt: str, path: Path | str, around: Sequence[str] = (), depth: int = 1) -> Path:
        """Write the graph in ``fmt`` (see ``kg.export.FORMATS``) to ``path``; with ``around``, only that neighbourhood."""
        from .export import FORMATS, export

        iris = [self.resolve(name) for name in around]
        needs_graph = bool(iris) or (fmt in FORMATS and FORMATS[fmt].projection)
        return export(self.store, fmt, Path(path), around=iris, depth=depth, graph=self.networkx if needs_graph else None)

    def subgraph(self, around: Sequence[str], depth: int = 1) -> nx.MultiDiGraph:
        """The entities within ``depth`` steps of the named entities, with the edges among them."""
        from .export import subgraph

        return subgraph(self.networkx, [self.resolve(name) for name in around], depth)

    def similar(self, name: str, limit: int = 10) -> list[Similarity]:
        """Drugs most similar to ``name``, each with the shared features that explain the score."""
        from .analytics import similar

        return similar(self._read_only_graph(), self.resolve(name, "Substance"), limit)

    def hubs(self, kinds: Sequence[str] | None = None, limit: int = 10, by: str = "degree") -> list[Hub]:
        """The most connected entities of ``kinds`` (default: mechanisms, targets, conditions and adverse effects)."""
        from .analytics import HUB_KINDS, centrality

        return centrality(self.networkx, kinds or HUB_KINDS, limit, by)

    def metapath(self, name: str, metapath: str | Sequence[tuple[str, str]], limit: int | None = None) -> list[PathCount]:
        """Hetionet-style path counts from ``name`` along ``metapath`` (e.g. ``"metabolisedBy <inhibits"``)."""
        from .analytics import metapath_counts, parse_metapath

        steps = parse_metapath(metapath) if isinstance(metapath, str) else list(metapath)
        return metapath_counts(self._read_only_graph(), self.resolve(name), steps, limit)


def connect(url: str, timeout: float = 60.0, max_bytes: int = 256 * 1024 * 1024,
            follow_redirects: bool = False, default_graph: str | None = None) -> KnowledgeGraph:
    """The graph served by the SPARQL 1.1 endpoint at ``url`` (its query URL), e.g. an Oxigraph server.

    Each request must end within ``timeout`` seconds in all; an answer over ``max_bytes`` is refused; a
    redirect to another scheme, host or port is refused unless ``follow_redirects``. ``default_graph`` names
    the server's graph that holds the merge, where its default graph is not the merge (Virtuoso).

    >>> kg.connect("http://127.0.0.1:7878/query").query("drug-interactions", drug="baclofen")  # doctest: +SKIP
    """
    from .endpoint import EndpointStore

    return KnowledgeGraph(EndpointStore(url, timeout, max_bytes, follow_redirects, default_graph), None)


def load(engine: str = "oxigraph", path: Path | str | None = None, rebuild: bool = False,
         inferred: bool = False, store: Path | str | None = None, allow_remote_fetch: bool = False) -> KnowledgeGraph:
    """Load the built-in graph (built and cached on first use), or the N-Quads file at ``path``.

    With ``inferred=True`` the graph of facts inferred by ``mrkg reason`` is loaded too. With
    ``store``, open that on-disk Oxigraph store (made by ``mrkg load-store``) read-only instead.
    Queries stay inside the graph (no SERVICE, no FROM of other graphs) unless ``allow_remote_fetch``.
    """
    graph = _open(engine, path, rebuild, inferred, store)
    graph.store.allow_remote_fetch = allow_remote_fetch
    return graph


def _open(engine: str, path: Path | str | None, rebuild: bool, inferred: bool, store: Path | str | None) -> KnowledgeGraph:
    if store is not None:
        from .disk_store import open_store_directory

        if path is not None or inferred or engine != "oxigraph":
            raise QueryError("an on-disk Oxigraph store cannot be combined with a graph file, the inferred facts or "
                             "the rdflib engine", option="store")
        return KnowledgeGraph(open_store_directory(Path(store)), Path(store))
    if path is None:
        from .cache import cached_graph, open_prepared

        graph_path = cached_graph(rebuild=rebuild)
        if engine == "oxigraph" and not inferred:
            return KnowledgeGraph(open_prepared(graph_path), graph_path)
    else:
        from .files import check_rdf_text, check_sealed

        graph_path = Path(path)
        if engine == "oxigraph" and not inferred:  # prepared (and checked) once on disk, then opened in milliseconds
            from .cache import open_prepared

            return KnowledgeGraph(open_prepared(graph_path), graph_path)
        check_rdf_text(graph_path)
        check_sealed(graph_path, count_lines=True)
    paths = [graph_path]
    if inferred:
        from .reason import inferred_path

        extra = inferred_path(graph_path)
        if not extra.is_file():
            raise QueryError(f"no inferred graph for {graph_path.name}: run 'mrkg reason' first")
        paths.append(extra)
    return KnowledgeGraph(open_store(*paths, engine=engine), graph_path)
