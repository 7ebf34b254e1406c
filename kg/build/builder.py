"""Build: the data tables of ``kg/data/`` plus the ontology → an RDF dataset, written as N-Quads.

Every row's facts go into the named graph of each source the row cites; the source registry and
the ontology have graphs of their own. Any unknown reference, unknown source, duplicate id, bad
controlled value or malformed file stops the build with a DataError naming the file, line and entry.
Beside the N-Quads file the build writes where each entity and statement node came from
(``*.origins.tsv``), which ``validate`` uses to point at the row to fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, FOAF

from .. import iris
from ..files import atomic_path, seal
from ..ontology import load_ontology, load_vocabulary
from ..paths import DATA_DIR, ONTOLOGY_DIR
from ..vocab import MR
from .context import BuildContext, Entity, Triple, Withheld, date_literal
from .label_precedence import apply_label_precedence
from .name_index import add_name_index
from .registry import ENTITY_TABLES, REGISTRY, read_tables, spec_of
from .statistics import STATISTICS_GRAPH, compute_statistics, quads_of_lines, statistics_lines
from .summaries import add_summaries
from .tables import Row

__all__ = ["Build", "build_dataset", "write_nquads", "build_to_file", "build_open", "origins_path", "read_origins"]

COMMERCIAL_USE = ("yes", "no", "unknown")


class Build:
    """One build of a data directory; :meth:`run` returns the dataset, ``withheld`` and ``context.origins`` say more.

    ``exclude`` names ``commercial_use`` values (``no``, ``unknown``) whose sources are left out: a row
    keeps only its other sources, and is withheld when none remain or when it needs a withheld entity.
    """

    def __init__(self, data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR,
                 exclude: frozenset[str] = frozenset()) -> None:
        self.data_dir = data_dir
        ontology = load_ontology(ontology_dir)
        self.context = BuildContext(ontology, load_vocabulary(ontology))
        self.exclude = exclude
        #: table → number of rows left out by the licence filter
        self.withheld: dict[str, int] = {}

    def run(self) -> Dataset:
        """Read every table in registry order and return the dataset."""
        ctx, rows = self.context, read_tables(self.data_dir)
        ontology_graph = ctx.dataset.graph(URIRef(iris.ONTOLOGY_GRAPH))
        for triple in to_canonical_graph(ctx.ontology):  # stable blank-node labels: reproducible output
            ontology_graph.add(triple)
        for row in rows["sources.tsv"]:
            self.add_source(row)
        for name in ENTITY_TABLES:
            for row in rows[name]:
                self.define_entity(row)
        for spec in REGISTRY:
            if spec.emit is not None:
                for row in rows[spec.file]:
                    self.emit_row(row)
        check_class_cycles(rows["drug_classes.tsv"])
        apply_label_precedence(ctx.dataset, ctx.ontology)  # a label's word decides the plain use edges
        add_summaries(ctx.dataset, ctx.ontology)  # derived from the statements just emitted
        add_name_index(ctx.dataset, ctx.ontology)  # every name in lower case, for lookups by name
        return ctx.dataset

    def emit_row(self, row: Row) -> None:
        """Emit one row's triples, counting it as withheld when the licence filter leaves it out."""
        spec = spec_of(row)
        assert spec.emit is not None
        try:
            self.context.emit(row, spec.emit(self.context, row))
        except Withheld:
            self.withheld[spec.file] = self.withheld.get(spec.file, 0) + 1
            if spec.is_entity_table:
                self.context.withheld_entities.add(row["id"])

    def add_source(self, row: Row) -> None:
        """Register a source and describe it in the sources graph."""
        ctx = self.context
        source_id = row.slug("id")
        if source_id in ctx.sources:
            raise row.error(f"duplicate source id '{source_id}'")
        if row["commercial_use"] not in COMMERCIAL_USE:
            raise row.error(f"'{row['commercial_use']}' is not allowed in column 'commercial_use'; "
                            f"allowed: {', '.join(COMMERCIAL_USE)}")
        node = ctx.sources[source_id] = URIRef(iris.source_iri(source_id))
        ctx.source_kinds[source_id] = ctx.kind(row, "Source")
        ctx.origins[str(node)] = row.where
        if row["commercial_use"] in self.exclude:
            ctx.excluded_sources.add(source_id)  # known, so rows citing it are valid, but not described
            return
        graph = ctx.dataset.graph(URIRef(iris.SOURCES_GRAPH))
        for triple in source_triples(ctx, row, node):
            graph.add(triple)

    def define_entity(self, row: Row) -> None:
        """Record an entity's id (unique across all entity tables) before any relation refers to it."""
        ctx, spec = self.context, spec_of(row)
        slug = row.slug("id")
        if slug in ctx.entities:
            raise row.error(f"duplicate id '{slug}': already defined at {ctx.entities[slug].where}; "
                            "ids are unique across all entity files")
        cls = ctx.kind(row, spec.family) if "kind" in row.cells else MR[spec.family]
        try:
            ctx.row_sources(row)
        except Withheld:
            ctx.withheld_entities.add(slug)
        ctx.entities[slug] = Entity(URIRef(iris.entity_iri(spec.node, slug)), spec.node, cls, row["label"], row.where)
        ctx.origins[iris.entity_iri(spec.node, slug)] = row.where


def source_triples(ctx: BuildContext, row: Row, node: URIRef) -> list[Triple]:
    """A source's description: kind, title, licence, publisher, date, page and note."""
    kind = ctx.source_kinds[row["id"]]
    triples: list[Triple] = [(node, RDF.type, kind), (node, DCTERMS.identifier, Literal(row["id"])),
               (node, DCTERMS.title, Literal(row["title"])), (node, RDFS.label, Literal(row["title"])),
               (node, DCTERMS.rights, Literal(row["licence"])), (node, MR.commercialUse, Literal(row["commercial_use"])),
               (node, MR.graph, URIRef(iris.graph_iri(row["id"])))]
    if row["publisher"]:
        triples.append((node, DCTERMS.publisher, Literal(row["publisher"])))
    if row["date"]:
        try:
            triples.append((node, DCTERMS.date, date_literal(row["date"])))
        except ValueError as exc:
            raise row.error(f"date '{row['date']}' is not a date ({exc}); write YYYY, YYYY-MM or YYYY-MM-DD", "date") from None
    if row["url"]:
        triples.append((node, FOAF.page, page_iri(row, "url")))
    if row["note"]:
        triples.append((node, RDFS.comment, Literal(row["note"])))
    return triples


def check_class_cycles(rows: list[Row]) -> None:
    """Stop on a cycle in the class hierarchy, naming the classes in it."""
    parents = {row["id"]: row.slugs("parents", required=False) for row in rows}
    where = {row["id"]: row for row in rows}

    def visit(slug: str, path: list[str]) -> None:
        if slug in path:
            cycle = path[path.index(slug):] + [slug]
            raise where[slug].error(f"class hierarchy has a cycle: {' → '.join(cycle)}")
        for parent in parents.get(slug, []):
            visit(parent, path + [slug])

    for slug in parents:
        visit(slug, [])


#: Characters no IRI may hold (RFC 3987): blanks, control characters and < > " { } | \ ^ `
IRI_UNSAFE = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f-\x9f]')


def page_iri(row: Row, column: str) -> URIRef:
    """The cell of ``column`` as the IRI of a web page; DataError at the first character an IRI may not hold, or when
    the engines would refuse the IRI (a bad percent-encoding, a second ``#``)."""
    import pyoxigraph as ox

    url = row[column]
    if bad := IRI_UNSAFE.search(url):
        raise row.error(f"{column} '{url}' holds {ascii(bad.group())} at character {bad.start() + 1}, which an IRI may "
                        "not hold: percent-encode it (a space is %20) or remove it", column, bad.start())
    if not re.match(r"https?://", url):
        raise row.error(f"{column} '{url}' is not an http(s) address", column)
    try:
        ox.NamedNode(url)
    except ValueError as exc:
        raise row.error(f"{column} '{url}' is not a valid IRI ({exc}); correct or percent-encode it", column) from None
    return URIRef(url)


def build_dataset(data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR,
                  exclude: frozenset[str] = frozenset()) -> Dataset:
    """Build the dataset from the data tables and the ontology; raise DataError on bad input.

    ``exclude``: leave out the facts whose only sources have these ``commercial_use`` values.
    """
    return Build(data_dir, ontology_dir, exclude).run()


def write_nquads(dataset: Dataset, path: Path, origins: dict[str, str] | None = None,
                 documents: Sequence[Path] = (), statistics: bool = False) -> int:
    """Write ``dataset`` as sorted N-Quads through a temporary file and a rename; return the named-graph quad count.

    The file also carries the merge of all named graphs in its default graph, so a SPARQL store
    that loads it (Oxigraph, Fuseki, GraphDB, ...) sees each fact once without ``GRAPH``, as MRKG's
    own engines do, and MRKG opens it without computing the merge again. Its first and last lines
    are comments that seal it (:func:`kg.files.seal`). ``origins`` (IRI →
    ``file:line``) are written beside it (:func:`origins_path`). With ``statistics`` the file also gets the graph
    of its statistics (:mod:`kg.build.statistics`), computed over everything else it holds.
    """
    lines_in = set(dataset.serialize(format="nquads").splitlines())
    for document in documents:  # the claims graphs that `mrkg ingest --add` keeps (kg/cache.py documents_dir)
        lines_in.update(document.read_text(encoding="utf-8").splitlines())
    quads = sorted(line for line in lines_in if line.strip() and not line.startswith("#"))
    if statistics:  # last, so that they count the documents' graphs too
        own = f" <{STATISTICS_GRAPH}> ."
        quads = [line for line in quads if not line.endswith(own)]
        quads = sorted(quads + statistics_lines(compute_statistics(quads_of_lines(quads))))
    # every graph name is an IRI and the last term of its line, so dropping it leaves the triple
    merge = sorted({line.rsplit(" <", 1)[0] + " ." for line in quads})
    if origins is not None:
        with atomic_path(origins_path(path)) as tmp:
            tmp.write_text("".join(f"{iri}\t{where}\n" for iri, where in sorted(origins.items())), encoding="utf-8")
    lines = sorted(quads + merge)
    first, last = seal(len(lines))  # a reader can tell the complete file from one cut short
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join([first, *lines, last]) + "\n", encoding="utf-8")
    return len(quads)


def origins_path(graph_path: Path) -> Path:
    """Where the build writes the origins of the nodes of ``graph_path``: ``mrkg.nq`` → ``mrkg.origins.tsv``."""
    return graph_path.with_name(graph_path.stem + ".origins.tsv")


def read_origins(graph_path: Path) -> dict[str, str]:
    """The origins written beside ``graph_path`` (IRI → ``file:line``); empty when the file has none."""
    path = origins_path(graph_path)
    if not path.is_file():
        return {}
    return dict(line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)


def build_to_file(path: Path, data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR,
                  exclude: frozenset[str] = frozenset(), documents: Sequence[Path] = ()) -> int:
    """Build and write the dataset to ``path`` atomically, with its origins; the old file stays if the build fails.
    ``documents`` are N-Quads files of ingested articles' claims graphs, written into the dataset as they are."""
    build = Build(data_dir, ontology_dir, exclude)
    return write_nquads(build.run(), path, build.context.origins, documents, statistics=True)


def build_open(path: Path, strict: bool = False, data_dir: Path = DATA_DIR) -> tuple[int, dict[str, int]]:
    """Build only what may be redistributed commercially (``strict``: also drop sources of unknown licence).

    Returns the quad count written and the number of rows withheld per table.
    """
    build = Build(data_dir, ONTOLOGY_DIR, frozenset({"no", "unknown"} if strict else {"no"}))
    count = write_nquads(build.run(), path, build.context.origins, statistics=True)
    return count, build.withheld
