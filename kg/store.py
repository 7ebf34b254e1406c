"""Store: load a built dataset into a query engine behind one small interface.

Two engines give the same answers: Oxigraph (``pyoxigraph``, fast, the default) and rdflib (the
reference). Both see the RDF merge of all named graphs as the default graph (each fact once, however
many sources state it), so a query without ``GRAPH`` sees every fact; ``GRAPH ?g`` still tells which
source said it. Results come back as
engine-neutral :class:`Term` rows. rdflib is imported only when the rdflib engine is used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import QueryError
from .iris import PREFIXES
from .rdf_formats import FORMATS, oxigraph_format, prefixes_for

__all__ = ["Term", "Result", "Store", "OxigraphStore", "RdflibStore", "ENGINES", "open_store", "to_oxigraph",
           "to_rdflib", "from_oxigraph", "memo", "load_nquads", "load_dataset_file", "parsing"]

K = TypeVar("K")
V = TypeVar("V")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


#: The number of quads in named graphs (the merge in the default graph is not counted).
QUAD_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

@dataclass(frozen=True, order=True)
class Term:
    """An RDF term: ``kind`` is ``uri``, ``literal`` or ``bnode``; plain strings have no datatype."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        """A named node."""
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        """A literal (``xsd:string`` is stored as no datatype)."""
        return cls("literal", value, None if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype, lang)

    def __str__(self) -> str:
        return self.value

    def n3(self) -> str:
        """The term in N-Triples syntax."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if self.lang:
            return f'"{escaped}"@{self.lang}'
        return f'"{escaped}"^^<{self.datatype}>' if self.datatype else f'"{escaped}"'


@dataclass
class Result:
    """A query result: column names and rows (``None`` for an unbound cell); ASK sets ``boolean``."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as ``{column: value}`` with plain string values."""
        return [{v: (t.value if t else None) for v, t in zip(self.variables, row)} for row in self.rows]

    def select(self, columns: list[str]) -> Result:
        """The same rows with only ``columns``, in that order."""
        index = [self.variables.index(c) for c in columns]
        return Result(list(columns), [tuple(row[i] for i in index) for row in self.rows], self.boolean)

    def scalar(self) -> str:
        """The value of the first cell of the first row (a COUNT, an ASK-like SELECT); QueryError when there is none."""
        cell = self.rows[0][0] if self.rows and self.rows[0] else None
        if cell is None:
            raise QueryError("the query gave no value where one was expected")
        return cell.value

    def column(self, name: str) -> list[str | None]:
        """The plain values of one column."""
        index = self.variables.index(name)
        return [cell.value if (cell := row[index]) is not None else None for row in self.rows]


def to_oxigraph(term: Term) -> Any:
    """The pyoxigraph term for ``term``."""
    import pyoxigraph as ox

    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype)) if term.datatype else ox.Literal(term.value)


def to_rdflib(term: Term) -> Any:
    """The rdflib term for ``term`` (imports rdflib when first called)."""
    from rdflib import BNode, Literal, URIRef

    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    return Literal(term.value, lang=term.lang, datatype=URIRef(term.datatype) if term.datatype else None)


def from_oxigraph(term: Any) -> Term | None:
    """The :class:`Term` for a pyoxigraph term (``None`` stays ``None``: an unbound cell)."""
    if term is None:
        return None
    kind = type(term).__name__  # no import: this runs once per cell of every result
    if kind == "NamedNode":
        return Term.iri(term.value)
    if kind == "BlankNode":
        return Term("bnode", term.value)
    return Term.literal(term.value, term.datatype.value if term.datatype else None, term.language)


def memo(convert: Callable[[K], V]) -> Callable[[K], V]:
    """``convert`` remembering its answers, for one result whose rows repeat their terms (the bound entity, labels,
    predicates, graphs). Terms of either kind are immutable, so rows may share them."""
    seen: dict[K, V] = {}

    def cached(term: K) -> V:
        try:
            return seen[term]
        except KeyError:
            seen[term] = answer = convert(term)
            return answer
    return cached


#: How the embedded engines refuse a query that reaches outside the dataset (kg.guard), and how to allow it.
EMBEDDED = ("MRKG", "pass --allow-remote-fetch, or allow_remote_fetch=True in the Python API, to allow it")


class Store(ABC):
    """A loaded dataset that answers SPARQL with bound parameters."""

    engine: str
    #: whether a query may reach outside the dataset (SERVICE; FROM / FROM NAMED of other graphs): only on request
    allow_remote_fetch: bool = False
    #: whether queries from several threads are answered side by side (the engine releases the GIL while it works)
    concurrent: bool = False
    _graph_names: set[str] | None = None

    def guard(self, sparql: str) -> None:
        """QueryError for an update, LOAD, SERVICE or FROM outside the dataset, unless :attr:`allow_remote_fetch`."""
        from .guard import Refused, check_query

        if self._graph_names is None:
            self._graph_names = self.graph_names()
        try:
            check_query(sparql, self._graph_names, self.allow_remote_fetch, who=EMBEDDED)
        except Refused as exc:
            raise QueryError(exc.message) from None

    def graph_names(self) -> set[str]:
        """The IRIs of the dataset's named graphs (what FROM / FROM NAMED may name)."""
        return set()

    @abstractmethod
    def query(self, sparql: str, bindings: dict[str, Term] | None = None) -> Result:
        """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query; ``bindings`` fix variables to terms."""

    @abstractmethod
    def quad_count(self) -> int:
        """The number of quads in the store's named graphs (each fact once per source that states it)."""

    @abstractmethod
    def dump(self, path: Path, fmt: str) -> None:
        """Write the store's content to ``path`` (``nquads``, ``trig``, ``turtle``, ``ntriples``, ``rdfxml``)."""


class OxigraphStore(Store):
    """The fast engine: pyoxigraph, in memory from N-Quads files, or opened read-only from a prepared directory."""

    engine = "oxigraph"
    concurrent = True  # pyoxigraph evaluates a query without the GIL
    #: what to do when a query finds the on-disk store damaged (the cache makes sure it is prepared again)
    on_damage: Callable[[], None] | None = None

    def __init__(self, *paths: Path, directory: Path | None = None) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self._quads: int | None = None
        self.directory = directory
        if directory is not None:  # prepared by prepare_directory: opens in milliseconds
            self.store = ox.Store.read_only(str(directory))
            return
        self.store = ox.Store()
        for path in paths:
            with parsing(path):
                load_nquads(self.store, [path])

    @staticmethod
    def prepare_directory(path: Path, directory: Path) -> None:
        """Load ``path`` (N-Quads) and its merge into an on-disk store at ``directory`` for fast read-only opening."""
        import pyoxigraph as ox

        store = ox.Store(str(directory))
        load_nquads(store, [path])
        store.flush()
        del store

    def graph_names(self) -> set[str]:
        return {graph.value for graph in self.store.named_graphs() if isinstance(graph, self._ox.NamedNode)}

    def query(self, sparql: str, bindings: dict[str, Term] | None = None) -> Result:
        self.guard(sparql)
        ox = self._ox
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            answer = self.store.query(sparql, prefixes=PREFIXES, substitutions=substitutions or None)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            if self.directory is not None and "Corruption" in str(exc):
                if self.on_damage is not None:
                    self.on_damage()
                    raise QueryError(f"the prepared store {self.directory} is damaged ({str(exc)[:160]}); "
                                     "it will be prepared again on the next run") from None
                raise QueryError(f"the store {self.directory} is damaged ({str(exc)[:160]})") from None
            raise QueryError(f"query failed: {exc}") from None
        if isinstance(answer, ox.QueryBoolean):
            return Result([], boolean=bool(answer))
        convert = memo(from_oxigraph)
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            return Result(variables, [tuple(map(convert, solution)) for solution in answer])
        assert isinstance(answer, ox.QueryTriples)
        return Result(["subject", "predicate", "object"],
                      [(convert(t.subject), convert(t.predicate), convert(t.object)) for t in answer])

    def quad_count(self) -> int:
        if self._quads is None:
            answer = self.query(QUAD_COUNT)
            self._quads = int(answer.scalar())
        return self._quads

    def dump(self, path: Path, fmt: str) -> None:
        ox = self._ox
        rdf_format, prefixes = oxigraph_format(fmt), prefixes_for(fmt, PREFIXES)
        if rdf_format.supports_datasets:  # the named graphs and their merge in the default graph, as built
            self.store.dump(str(path), format=rdf_format, prefixes=prefixes)
        else:  # a triple format holds one graph: the merge of all graphs
            self.store.dump(str(path), format=rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)


@contextmanager
def parsing(path: Path, *errors: type[Exception]) -> Iterator[None]:
    """While an engine parses ``path``: its syntax errors (and ``errors``) become one QueryError naming the file."""
    caught: tuple[type[Exception], ...] = (SyntaxError, UnicodeDecodeError, MemoryError, *errors)
    try:
        yield
    except caught as exc:
        raise QueryError(f"{path}: not valid N-Quads: {' '.join(str(exc).split())[:300]}") from None


def load_nquads(store: Any, paths: Iterable[Path]) -> None:
    """Bulk-load N-Quads files into an Oxigraph store whose default graph is the RDF merge of the named graphs."""
    import pyoxigraph as ox

    for path in paths:
        load_dataset_file(store, path, ox.RdfFormat.N_QUADS)


def load_dataset_file(store: Any, path: Path, rdf_format: Any) -> None:
    """Bulk-load one N-Quads or TriG file, keeping the store's default graph the merge of its named graphs.

    MRKG's own files (the build, ``mrkg reason``, ``mrkg export``) carry that merge in their default
    graph, so loading them costs one bulk load. A file that brings no default-graph triples (a file
    from elsewhere) has its triples loaded once more into the default graph: Oxigraph's own "default
    graph as union" would repeat a triple once per graph that holds it, where the RDF merge, like
    rdflib's union, holds it once. A file's default graph, when it has one, is trusted to be the
    merge of its named graphs (``mrkg validate`` checks it).
    """
    import pyoxigraph as ox

    before = default_graph_size(store) if _has_default_graph(store) else 0  # a count only when needed
    store.bulk_load(path=str(path), format=rdf_format)
    grew = _has_default_graph(store) if before == 0 else default_graph_size(store) > before
    if not grew:
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object)
                          for q in ox.parse(path=str(path), format=rdf_format)
                          if not isinstance(q.graph_name, ox.DefaultGraph))


def _has_default_graph(store: Any) -> bool:
    return bool(store.query("ASK { ?s ?p ?o }"))


def default_graph_size(store: Any) -> int:
    """The number of triples in a pyoxigraph store's default graph."""
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


class RdflibStore(Store):
    """The reference engine: an rdflib Dataset whose default graph is the union of its graphs."""

    engine = "rdflib"

    def __init__(self, *paths: Path) -> None:
        from rdflib import Dataset

        self.dataset = Dataset(default_union=True)
        for path in paths:
            with parsing(path):
                self.dataset.addN(self._quads(path))

    def _quads(self, path: Path) -> list[tuple[Any, Any, Any, Any]]:
        """The quads of an N-Quads file as rdflib terms, parsed by Oxigraph (half the time of rdflib's own parser,
        with the same quads) and converted once per distinct term."""
        import pyoxigraph as ox
        from rdflib import URIRef

        convert = memo(lambda term: to_rdflib(from_oxigraph(term)))  # type: ignore[arg-type]
        graphs: dict[str | None, Any] = {}

        def graph(name: Any) -> Any:
            key = name.value if isinstance(name, ox.NamedNode) else None
            if key not in graphs:
                graphs[key] = self.dataset.graph(URIRef(key)) if key else self.dataset.default_graph
            return graphs[key]

        return [(convert(q.subject), convert(q.predicate), convert(q.object), graph(q.graph_name))
                for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)]

    @staticmethod
    def _from_rdflib(term: Any) -> Term | None:
        from rdflib import BNode, URIRef

        if term is None:
            return None
        if isinstance(term, URIRef):
            return Term.iri(str(term))
        if isinstance(term, BNode):
            return Term("bnode", str(term))
        return Term.literal(str(term), str(term.datatype) if term.datatype else None, term.language)

    def graph_names(self) -> set[str]:
        from rdflib import URIRef

        return {str(graph.identifier) for graph in self.dataset.graphs() if isinstance(graph.identifier, URIRef)}

    def query(self, sparql: str, bindings: dict[str, Term] | None = None) -> Result:
        from rdflib import Variable

        self.guard(sparql)
        init = {Variable(k): to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            with _standard_distinct_aggregates(), _graphs_from_the_dataset(self.allow_remote_fetch):
                answer = self.dataset.query(sparql, initNs=PREFIXES, initBindings=init)  # type: ignore[arg-type]
                if answer.type == "ASK":
                    return Result([], boolean=bool(answer.askAnswer))
                if answer.type == "SELECT":
                    variables = [str(v) for v in answer.vars or []]
                    rows = [tuple(self._from_rdflib(row[v]) for v in answer.vars or [])  # type: ignore[index, call-overload]
                            for row in answer]
                    return Result(variables, rows)
                return Result(["subject", "predicate", "object"],
                              [tuple(self._from_rdflib(t) for t in triple) for triple in answer])  # type: ignore[union-attr]
        except Exception as exc:
            if not _is_query_error(exc):
                raise  # a bug of ours or of rdflib: keep the traceback
            raise QueryError(f"query failed on rdflib: {type(exc).__name__}: {exc}") from None

    def quad_count(self) -> int:
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        return sum(len(graph) for graph in self.dataset.graphs() if graph.identifier != DATASET_DEFAULT_GRAPH_ID)

    def dump(self, path: Path, fmt: str) -> None:
        self.dataset.serialize(destination=str(path), format=FORMATS[fmt].rdflib)


def _is_query_error(exc: Exception) -> bool:
    """Whether rdflib raised ``exc`` because of the query (bad syntax, unknown prefix, a SPARQL evaluation error)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.sparql import SPARQLError

    # rdflib reports an unknown prefix and some unsupported forms as a plain Exception
    return isinstance(exc, (ParseBaseException, SPARQLError)) or type(exc) is Exception


@contextmanager
def _graphs_from_the_dataset(allow_remote_fetch: bool) -> Iterator[None]:
    """While rdflib evaluates one query, FROM / FROM NAMED name the dataset's own graphs instead of making rdflib fetch
    and parse the IRI (its default, ``SPARQL_LOAD_GRAPHS``), unless remote fetching is allowed."""
    import rdflib.plugins.sparql as sparql

    original = sparql.SPARQL_LOAD_GRAPHS
    sparql.SPARQL_LOAD_GRAPHS = allow_remote_fetch and original
    try:
        yield
    finally:
        sparql.SPARQL_LOAD_GRAPHS = original


@contextmanager
def _standard_distinct_aggregates() -> Iterator[None]:
    """While rdflib evaluates one query, skip unbound values in DISTINCT aggregates, as SPARQL 1.1 (18.5.1) and
    Oxigraph do; rdflib is left as it was afterwards.

    rdflib 7.x evaluates the DISTINCT test of an aggregate without catching NotBoundError, so
    ``GROUP_CONCAT(DISTINCT ?x)`` over an OPTIONAL ``?x`` fails with "Variable x is not bound"
    where the standard ignores the unbound row.
    """
    from rdflib.plugins.sparql import aggregates
    from rdflib.plugins.sparql.sparql import NotBoundError

    accumulator = aggregates.Accumulator
    original = accumulator.use_row

    def use_row(self: Any, row: Any) -> Any:
        try:
            return original(self, row)
        except NotBoundError:
            return False

    accumulator.use_row = use_row  # type: ignore[method-assign]
    try:
        yield
    finally:
        accumulator.use_row = original  # type: ignore[method-assign]


#: Engine name → store class.
ENGINES: dict[str, type[Store]] = {"oxigraph": OxigraphStore, "rdflib": RdflibStore}


def open_store(*paths: Path, engine: str = "oxigraph") -> Store:
    """Load the N-Quads files at ``paths`` into the named engine."""
    if engine not in ENGINES:
        raise QueryError(f"unknown engine '{engine}'; choose one of: {', '.join(ENGINES)}")
    return ENGINES[engine](*paths)
