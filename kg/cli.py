"""The ``mrkg`` command line: thin wrappers over the Python API, one library call per command."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .errors import MRKGError, QueryError

__all__ = ["main"]

ENGINE_OPTION = click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
                             help="Query engine: oxigraph (fast) or rdflib (reference).")
GRAPH_OPTION = click.option("--graph", "graph_path", type=click.Path(path_type=Path), default=None,
                            help="Use this built N-Quads file instead of the built-in graph.")
INFERRED_OPTION = click.option("--inferred", is_flag=True, help="Include the facts inferred by `mrkg reason` (graph:inferred).")


@dataclass
class Options:
    """The options that are not a command's own arguments: where a query runs (TARGET_OPTIONS) and ``--debug``."""

    endpoint: str | None = None
    timeout: float | None = None
    follow_redirects: bool = False
    default_graph: str | None = None
    store: Path | None = None
    debug: bool = False


def options(ctx: click.Context | None = None) -> Options:
    """The command line's :class:`Options`, kept on the root context (commands need no extra arguments)."""
    return (ctx or click.get_current_context()).find_root().ensure_object(Options)


def _remember(ctx: click.Context, param: click.Parameter, value: object) -> object:
    """Keep an option of :class:`Options` where :func:`options` finds it."""
    if value is not None and value is not False:
        setattr(options(ctx), str(param.name), value)
    return value


ENDPOINT_OPTION = click.option(
    "--endpoint", metavar="URL", expose_value=False, callback=_remember,
    help="Query this SPARQL 1.1 endpoint (its query URL, e.g. http://127.0.0.1:7878/query) instead of the "
         "embedded engine. Not with --engine rdflib, --graph, --inferred or --store.")


class Seconds(click.FloatRange):
    """A number of seconds above 0 and finite (click's FloatRange lets ``nan`` and ``inf`` through)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


TIMEOUT_OPTION = click.option("--timeout", type=Seconds(min=0, min_open=True), metavar="SECONDS",
                              expose_value=False, callback=_remember,
                              help="With --endpoint: seconds each request may take in all (connecting, the "
                                   "answer, any redirects).  [default: 60]")
FOLLOW_OPTION = click.option("--follow-redirects", is_flag=True, expose_value=False, callback=_remember,
                             help="With --endpoint: follow redirects to another scheme, host or port too "
                                  "(off by default; redirects to the same scheme, host and port are always followed).")
DEFAULT_GRAPH_OPTION = click.option(
    "--default-graph", metavar="IRI", expose_value=False, callback=_remember,
    help="With --endpoint: the server's graph that holds the merge, sent as the default graph (for a server whose "
         "default graph is not the merge, such as Virtuoso; e.g. https://w3id.org/mrkg/merge, as the README loads it).")
STORE_OPTION = click.option(
    "--store", type=click.Path(path_type=Path), metavar="DIR", expose_value=False, callback=_remember,
    help="Query this on-disk Oxigraph store (made by `mrkg load-store`), opened read-only.")


def TARGET_OPTIONS(command):  # noqa: N802 (used like the option constants above)
    """--endpoint, --timeout, --follow-redirects, --default-graph and --store: where a query command runs, other than
    the embedded engine."""
    return ENDPOINT_OPTION(TIMEOUT_OPTION(FOLLOW_OPTION(DEFAULT_GRAPH_OPTION(STORE_OPTION(command)))))


class Group(click.Group):
    """A click group that reports MRKG errors (bad input) on one line and exits with 2; any other exception is a bug,
    reported on one line with exit code 3, or with its traceback under ``mrkg --debug``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse an argument that is not valid UTF-8 (Python keeps its bytes as surrogates, which no engine, file or
        server takes) before any command runs."""
        for number, arg in enumerate(args, start=1):
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise click.UsageError(f"argument {number} ({printable_arg(arg)}) is not valid UTF-8; "
                                       "give it in UTF-8 (check the terminal's or the script's encoding)") from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MRKGError as exc:
            flag = self.flag_of(ctx, exc.option)
            echo(f"error: {flag + ': ' if flag else ''}{exc}", err=True)
            sys.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader went away (`mrkg ... | head`): stop quietly, as other Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
            sys.exit(141)
        except Exception as exc:
            if options(ctx).debug:
                raise
            echo(f"internal error: {type(exc).__name__}: {exc}. This is a bug in MRKG, not in your input: "
                 "run the command again with `mrkg --debug ...` for the traceback and report it", err=True)
            sys.exit(3)


    def flag_of(self, ctx: click.Context, option: str | None) -> str | None:
        """The flag of the running command that sets the API parameter ``option`` (``store`` → ``--store``; the
        file an API function calls ``path`` is ``--graph`` or ``--output`` here)."""
        command = self.get_command(ctx, ctx.invoked_subcommand) if option and ctx.invoked_subcommand else None
        names = (option, *PARAMETER_ALIASES.get(option or "", ()))
        for param in command.params if command else ():
            if param.name in names and isinstance(param, click.Option):
                return param.opts[0]
        return None


#: API parameters that the commands' options name otherwise.
PARAMETER_ALIASES = {"path": ("graph_path", "output")}


def echo(text: str = "", nl: bool = True, err: bool = False, exact: bool = False) -> None:
    """Print a line for people (every line the CLI prints passes here): control characters that came with the data or
    an endpoint's answer are shown as escapes (``\\x1b``), so they cannot drive the terminal; ``exact`` output (CSV,
    JSON, TSV for programs) is written as it is (click would strip what looks like a colour code from it when it goes
    to a file or a pipe: ``color=True`` keeps it)."""
    from .results import printable

    click.echo(text if exact else printable(text), nl=nl, err=err, color=True if exact else None)


def printable_arg(arg: str) -> str:
    """An argument as it can be shown: its bytes that are not UTF-8 written as escapes (``\\xff``)."""
    from .results import printable

    return printable(arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


def _load(engine: str, graph_path: Path | None, inferred: bool = False):
    """The graph to query: the embedded engine, or what --endpoint / --store name (see TARGET_OPTIONS)."""
    from .api import connect, load

    where = options()
    endpoint, store, timeout, follow, default_graph = (
        where.endpoint, where.store, where.timeout, where.follow_redirects, where.default_graph)
    if endpoint:
        clashes = [option for option, given in (("--engine rdflib", engine == "rdflib"), ("--graph", graph_path),
                                                ("--inferred", inferred), ("--store", store)) if given]
        if clashes:
            raise QueryError(f"--endpoint queries the graph the server holds; drop {', '.join(clashes)}")
        return connect(endpoint, timeout or 60.0, follow_redirects=bool(follow), default_graph=default_graph)
    for option, given in (("--timeout", timeout is not None), ("--follow-redirects", follow),
                          ("--default-graph", default_graph)):
        if given:
            raise QueryError(f"{option} applies to --endpoint only")
    return load(engine=engine, path=graph_path, inferred=inferred, store=store)


@click.group(cls=Group)
@click.version_option(package_name="mrkg")
@click.option("--debug", is_flag=True, expose_value=False, callback=_remember, is_eager=True,
              help="Show the traceback of an internal error (a bug) instead of one line.")
def main() -> None:
    """MRKG, the muscle relaxant knowledge graph: build it, query it, explore it, export it."""


@main.command()
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Also write the built dataset (N-Quads) here.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Build from this folder of curated tables instead of kg/data/.")
@click.option("--open-only", is_flag=True,
              help="Leave out facts whose only sources forbid commercial reuse (writes --output, default mrkg-open.nq).")
@click.option("--strict", is_flag=True, help="With --open-only: also leave out sources whose licence is unknown.")
def build(output: Path | None, data_dir: Path | None, open_only: bool, strict: bool) -> None:
    """Build the graph from kg/data/ and ontology/ (one named graph per source)."""
    from .build import build_open, build_to_file
    from .cache import cached_graph
    from .paths import DATA_DIR

    if strict and not open_only:
        raise MRKGError("--strict goes with --open-only")
    if open_only:
        target = output or Path("mrkg-open.nq")
        count, withheld = build_open(target, strict, data_dir or DATA_DIR)
        echo(f"wrote {count:,} quads to {target}; rows withheld by the licence filter: {sum(withheld.values()):,}")
        for table, rows in sorted(withheld.items(), key=lambda item: -item[1]):
            echo(f"  {rows:>6,}  {table}")
        return
    if data_dir is None:
        path = cached_graph(rebuild=True)
        echo(f"built {path}")
    if output is not None or data_dir is not None:
        target = output or Path("mrkg.nq")
        count = build_to_file(target, data_dir or DATA_DIR)
        echo(f"wrote {count:,} quads to {target}")
    if data_dir is None:
        _print_summary(_load("oxigraph", None))


@main.command("load-store")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def load_store_command(directory: Path, files: tuple[Path, ...]) -> None:
    """Bulk-load N-Quads FILES (default: the built-in graph) into a new on-disk Oxigraph store at DIRECTORY.

    Query it with --store DIRECTORY on any query command: it opens read-only in milliseconds and
    holds graphs too big for memory.
    """
    from .cache import cached_graph
    from .disk_store import load_store

    paths = list(files) or [cached_graph()]
    count = load_store(directory, paths, progress=lambda path: echo(f"loaded {path}", err=True))
    echo(f"wrote {count:,} quads to the Oxigraph store {directory}; query it with --store {directory}")


def _print_summary(graph) -> None:
    rows = graph.store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n)").rows
    echo(f"{graph.store.quad_count():,} quads in {len(rows)} named graphs")
    for g, n in rows:
        echo(f"  {int(n.value):>7,}  {g.value}")


@main.command()
@ENGINE_OPTION
@GRAPH_OPTION
@TARGET_OPTIONS
def stats(engine: str, graph_path: Path | None) -> None:
    """Counts: entities by kind, interactions by severity, claims by assessment, sourcing, the label layer's reach."""
    from .results import to_table

    graph = _load(engine, graph_path)
    for name in ("stats-entities", "stats-interactions", "stats-claims", "stats-sourcing", "stats-labels"):
        echo(to_table(graph.query(name)))
        echo()


@main.command("queries")
def list_queries() -> None:
    """List the named queries with their parameters."""
    from .query import load_library

    for query in load_library().values():
        params = " ".join(f"--param {p.name}=<{p.type}>" + ("?" if p.optional else "") for p in query.params)
        echo(f"{query.name}  {params}".rstrip())
        echo(f"    {query.title}. {query.question}")
        echo(f"    e.g. {query.example}")


def _echo(text: str, fmt: str) -> None:
    """Print a result in ``fmt`` with exactly one trailing newline (CSV and TSV end with their own); only the table is
    for people, the other formats are written exactly."""
    echo(text, nl=not text.endswith("\n"), exact=fmt != "table")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param '{pair}' must look like NAME=VALUE")
        params[name.strip()] = value
    return params


@main.command()
@click.argument("name", required=False)
@click.option("--sparql", default=None, help="Run this SPARQL text instead of a named query.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of a named query (repeat).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table", show_default=True)
@ENGINE_OPTION
@GRAPH_OPTION
@INFERRED_OPTION
@click.option("--allow-remote-fetch", is_flag=True,
              help="Let the query reach outside the graph: SERVICE, and FROM / FROM NAMED of other graphs (off by default).")
@TARGET_OPTIONS
def query(name: str | None, sparql: str | None, params: tuple[str, ...], fmt: str, engine: str,
          graph_path: Path | None, inferred: bool, allow_remote_fetch: bool) -> None:
    """Run a named query (see `mrkg queries`), a .rq file, or --sparql TEXT."""
    from .query import parse_named_query, run_named
    from .results import format_result

    values = _parse_params(params)
    if bool(name) == bool(sparql):
        raise QueryError("give either a query name (or .rq file) or --sparql TEXT")
    graph = _load(engine, graph_path, inferred)
    graph.store.allow_remote_fetch = allow_remote_fetch
    if sparql:
        result = graph.query(sparql, **values)
    elif name is not None and name.endswith(".rq"):
        path = Path(name)
        if not path.is_file():
            raise QueryError(f"query file {name} not found")
        text = path.read_text(encoding="utf-8")
        if "# title:" in text:
            result = run_named(graph.store, parse_named_query(path), values, lambda: graph.resolver)
        else:
            result = graph.query(text, **values)
    else:
        if name not in graph.library:
            from difflib import get_close_matches

            hint = get_close_matches(name, graph.library, n=1)
            raise QueryError(f"no named query '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
                             + " See `mrkg queries`")
        result = graph.query(name, **values)
    _echo(format_result(result, fmt), fmt)


@main.command()
@click.argument("drugs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table", show_default=True)
@ENGINE_OPTION
@GRAPH_OPTION
@TARGET_OPTIONS
def check(drugs: tuple[str, ...], fmt: str, engine: str, graph_path: Path | None) -> None:
    """Check a medication list: each interacting pair's summary and its sources, worst first; the listed
    drugs' boxed warnings and contraindications; then the interactions only the rules predict."""
    from .results import format_result

    report = _load(engine, graph_path).check(list(drugs))
    if fmt == "table":
        echo(report.to_text())
    elif fmt == "json":
        echo(report.to_json(), exact=True)
    else:
        _echo(format_result(report.to_result(), fmt), fmt)


#: What `mrkg sample` draws from (kg.audit.SAMPLE_QUERIES, kept here so that the CLI imports it lazily; a test keeps them equal).
SAMPLE_KINDS = ("interactions", "indications", "database-indications", "contraindications", "pharmacokinetics",
                "summaries", "drug-summaries")


@main.command()
@click.argument("kind", type=click.Choice(SAMPLE_KINDS))
@click.option("--n", "count", type=click.IntRange(1, 10_000), default=30, show_default=True, help="How many to draw.")
@click.option("--seed", type=int, default=11, show_default=True, help="The random seed: the same seed draws the same sample.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table", show_default=True)
@ENGINE_OPTION
@GRAPH_OPTION
@TARGET_OPTIONS
def sample(kind: str, count: int, seed: int, fmt: str, engine: str, graph_path: Path | None) -> None:
    """Draw a reproducible random sample of statements to audit against their sources."""
    from .audit import sample as draw
    from .results import format_result

    _echo(format_result(draw(_load(engine, graph_path), kind, count, seed), fmt), fmt)


@main.command()
@click.argument("name")
@ENGINE_OPTION
@GRAPH_OPTION
@INFERRED_OPTION
@TARGET_OPTIONS
@click.option("--all", "every_statement", is_flag=True,
              help="List every interaction statement and pair summary, not one line per interacting pair.")
def show(name: str, engine: str, graph_path: Path | None, inferred: bool, every_statement: bool) -> None:
    """Everything known about an entity (by label, synonym, brand or IRI), grouped, with sources."""
    report = _load(engine, graph_path, inferred).describe(name, every_statement)
    echo(f"{report.label}  <{report.iri}>")
    echo(f"type: {', '.join(report.types)}")
    for group, facts in report.groups.items():
        echo(f"\n{group}:")
        for fact in facts:
            echo(f"  - {fact.text}" + (f"  [{', '.join(fact.sources)}]" if fact.sources else ""))


@main.command()
@click.argument("name")
@click.option("--depth", type=click.IntRange(1, 6), default=1, show_default=True)
@click.option("--relation", "relations", multiple=True, help="Follow only this relation (e.g. mr:hasTarget or 'has target').")
@click.option("--type", "types", multiple=True, help="Keep only entities of this type (e.g. Drug, Condition).")
@ENGINE_OPTION
@GRAPH_OPTION
@TARGET_OPTIONS
def neighbors(name: str, depth: int, relations: tuple[str, ...], types: tuple[str, ...], engine: str,
              graph_path: Path | None) -> None:
    """Entities within --depth steps of NAME, nearest first."""
    graph = _load(engine, graph_path)
    found = graph.neighbors(name, depth, set(relations) or None, set(types) or None)
    nodes = graph.networkx.nodes
    for iri, distance in sorted(found.items(), key=lambda item: (item[1], nodes[item[0]]["label"].lower())):
        if distance:
            echo(f"{distance}  {nodes[iri]['label']}  ({nodes[iri]['type_label']})")
    echo(f"({len(found) - 1} entities within {depth} step{'s' if depth > 1 else ''})")


@main.command()
@click.argument("name")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@ENGINE_OPTION
@GRAPH_OPTION
@TARGET_OPTIONS
def similar(name: str, limit: int, engine: str, graph_path: Path | None) -> None:
    """Drugs most similar to NAME, with the shared targets, mechanisms, classes, conditions and effects behind each score."""
    for result in _load(engine, graph_path).similar(name, limit):
        echo(f"{result.score:.3f}  {result.label:<16} {result.explain()}")


@main.command()
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["mechanism", "target", "condition", "adverse effect", "drug", "class", "therapy"]),
              help="Kinds of entity to rank (default: mechanism, target, condition, adverse effect).")
@click.option("--by", type=click.Choice(["degree", "betweenness"]), default="degree", show_default=True)
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@ENGINE_OPTION
@GRAPH_OPTION
@TARGET_OPTIONS
def hubs(kinds: tuple[str, ...], by: str, limit: int, engine: str, graph_path: Path | None) -> None:
    """The hubs of the graph: the most connected mechanisms, targets, conditions and adverse effects."""
    graph = _load(engine, graph_path)
    found = graph.hubs(kinds or None, limit, by)
    echo(f"{'degree':>6}  {'betweenness':>11}  {'kind':<15} entity")
    for hub in found:
        echo(f"{hub.degree:>6}  {hub.betweenness:>11.4f}  {hub.kind:<15} {hub.label}")


@main.command()
@click.argument("name")
@click.argument("metapath")
@click.option("--limit", type=click.IntRange(1, 1000), default=None)
@ENGINE_OPTION
@GRAPH_OPTION
@TARGET_OPTIONS
def metapath(name: str, metapath: str, limit: int | None, engine: str, graph_path: Path | None) -> None:
    """Count paths from NAME along METAPATH, e.g. "metabolisedBy <inhibits" (a leading < walks an edge backwards)."""
    found = _load(engine, graph_path).metapath(name, metapath, limit)
    if not found:
        echo(f"no path from {name} along {metapath}")
    for item in found:
        echo(f"{item.count:>5}  {item.label}")


@main.command()
@click.argument("start")
@click.argument("end")
@click.option("--max-length", type=click.IntRange(1, 8), default=4, show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@ENGINE_OPTION
@GRAPH_OPTION
@TARGET_OPTIONS
def path(start: str, end: str, max_length: int, limit: int, engine: str, graph_path: Path | None) -> None:
    """Connecting paths between two entities, written as readable chains, shortest first."""
    from .traverse import format_path

    graph = _load(engine, graph_path)
    found = graph.paths(start, end, max_length, limit)
    if not found:
        echo(f"no path of at most {max_length} steps between {start} and {end}")
        return
    for steps in found:
        sources = sorted({s for step in steps for s in step.sources})
        echo(f"{format_path(graph.projection, steps)}   [{', '.join(sources)}]")


@main.command("validate")
@ENGINE_OPTION
@GRAPH_OPTION
def validate_command(engine: str, graph_path: Path | None) -> None:
    """Check the graph: SHACL shapes and quality-control queries. Exit 1 when anything is wrong."""
    from .build import read_origins
    from .validate import validate

    graph = _load(engine, graph_path)
    report = validate(graph.store, read_origins(graph.path) if graph.path else {})
    for problem in report.problems:
        echo(str(problem))
    timing = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.timings.items())
    echo(f"{len(report.problems)} problem{'s' if len(report.problems) != 1 else ''} ({timing})")
    if not report.ok:
        sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback only by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-remote-fetch", is_flag=True, help="Let queries use SERVICE and FROM / FROM NAMED outside the dataset.")
@click.option("--timeout", default=10.0, show_default=True, type=Seconds(min=0, min_open=True),
              help="Seconds a query may run before it is stopped.")
@click.option("--max-results", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows or triples in one answer.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Query worker processes.  [default: the CPU count, 2 to 8]")
@click.option("--worker-memory", default=2048, show_default=True, type=click.IntRange(0), metavar="MB",
              help="Memory one query worker may use; a query needing more is stopped. 0: no limit.")
@click.option("--read-timeout", default=10.0, show_default=True, type=Seconds(min=0, min_open=True),
              help="Seconds a client has to send a request's head, and again its body.")
@click.option("--store", "store", type=click.Path(path_type=Path), metavar="DIR", default=None,
              help="Serve this on-disk Oxigraph store (made by `mrkg load-store`) instead of a built file.")
@click.option("--base-url", metavar="URL", default=None,
              help="The server's public URL, named by /void and the service description and used as the base IRI "
                   "of queries (behind a proxy, e.g. https://kg.example.org).  [default: http://HOST:PORT]")
@GRAPH_OPTION
def serve(host: str, port: int, allow_remote_fetch: bool, timeout: float, max_results: int, workers: int | None,
          worker_memory: int, read_timeout: float, store: Path | None, base_url: str | None,
          graph_path: Path | None) -> None:
    """Serve the graph: a read-only SPARQL endpoint, the named queries, linked data and an explorer."""
    try:
        from .serve import run_serve
    except ImportError:
        raise QueryError("mrkg serve needs FastAPI and uvicorn: pip install 'mrkg[serve]'") from None
    run_serve(host, port, allow_remote_fetch=allow_remote_fetch, timeout=timeout, max_results=max_results,
              workers=workers, path=graph_path, store=store, base_url=base_url, worker_memory=worker_memory,
              read_timeout=read_timeout)


@main.command("reason")
@click.option("--hermit/--owlrl", "use_hermit", default=None,
              help="HermiT through owlready2 (needs Java) or the OWL-RL closure of owlrl. Default: HermiT when Java is present.")
@ENGINE_OPTION
@GRAPH_OPTION
def reason_command(use_hermit: bool | None, engine: str, graph_path: Path | None) -> None:
    """Check OWL consistency and write the inferred facts to their own named graph (graph:inferred)."""
    from .reason import java_available, reason

    if use_hermit is None and not java_available():
        echo("Java is not installed, so HermiT cannot run: using the OWL-RL closure (owlrl) instead.", err=True)
    graph = _load(engine, graph_path)
    report = reason(graph.store, graph.path, use_hermit)
    echo(f"consistent ({report.reasoner}, {report.seconds:.1f} s); "
         f"{len(report.inferred)} inferred facts written to {report.output}")
    for kind, count in report.summary().items():
        echo(f"  {count:>6}  {kind}")
    echo("use them with --inferred (e.g. mrkg query --inferred ...); they sit in graph:inferred")


@main.command()
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--title", default="", help="The article's title (default: its <title>, or its first line).")
@click.option("--url", default="", help="Where the article was published (an http(s) address).")
@click.option("--date", default="", help="When it was published (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--publisher", default="", help="Who published it.")
@click.option("--kind", type=click.Choice(["text", "html", "markdown"]), default=None,
              help="How to read the file. Default: from its name (.html, .md, .txt), else from how it starts.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "html", "nquads"]), default="table",
              show_default=True, help="The report: a table, CSV or JSON for programs, HTML with the sentences "
                                      "highlighted by verdict, or the document's claims graph as N-Quads.")
@click.option("--add", is_flag=True, help="Keep the document's claims graph in the built dataset (rebuilds it).")
@click.option("--expected", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="A hand-labelled table of the article's claims (tab-separated: quote, subject, predicate, object, "
                   "object_value, assessment): print recall, verdict agreement, the confusion matrix and the misses "
                   "on standard error.")
def ingest(article: Path, title: str, url: str, date: str, publisher: str, kind: str | None, fmt: str,
           add: bool, expected: Path | None) -> None:
    """Extract an article's claims and check each against the graph (supported, contradicted, not in the graph,
    not checkable). ARTICLE is a plain-text, HTML or Markdown file, or - for standard input."""
    from .ingest.read import MAX_BYTES, IngestError, read_bytes

    name = "standard input" if str(article) == "-" else str(article)
    try:
        if str(article) == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(article, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise IngestError(f"cannot read {name}: {exc.strerror or exc}") from None
    if url and not url.startswith(("http://", "https://")):
        raise IngestError(f"--url '{url}' is not an http(s) address")
    from .ingest import check_language

    check_language(read_bytes(data, name, kind).text, name)  # bad input stops here, before the graph is loaded
    if expected is not None:
        from .ingest.evaluate import expected_claims

        expected_rows = expected_claims(expected)
    graph = _load("oxigraph", None)
    report = graph.ingest(data, name, title=title, url=url, date=date, publisher=publisher, kind=kind)
    from .ingest.write import render, to_nquads

    nquads = to_nquads(report, graph.store) if fmt == "nquads" or add else ""
    echo(nquads if fmt == "nquads" else render(report, fmt), nl=False, exact=fmt != "table")
    if add:
        from .ingest.documents import add_document

        path, built = add_document(report.document.id, nquads)
        echo(f"added {report.document.id} ({len(report.claims)} claims, graph:{report.document.id}) to {built}; "
             f"its file is {path}", err=True)
    if expected is not None:
        from .ingest.evaluate import score

        result = score(report.article.text, report.claims, expected_rows)
        echo("\n".join([f"against {expected}: {result.summary()}", result.table(), *result.misses()]), err=True)


#: The names of kg.export.FORMATS, written out so that `mrkg --help` does not import networkx (a test keeps them equal).
EXPORT_FORMATS = ("nquads", "trig", "jsonld", "turtle", "ntriples", "rdfxml", "owl", "graphml", "gexf", "cytoscape", "csv",
                  "csv-nodes", "neo4j", "kgx", "sssom", "dot", "html")


@main.command()
@click.option("--format", "fmt", required=True, type=click.Choice(EXPORT_FORMATS), help="The format to write.")
@click.option("--output", required=True, type=click.Path(path_type=Path), help="File to write (replaced atomically).")
@click.option("--around", multiple=True, help="Export only the neighbourhood of this entity (repeat for several).")
@click.option("--depth", type=click.IntRange(1, 6), default=1, show_default=True, help="Steps around --around.")
@ENGINE_OPTION
@GRAPH_OPTION
@INFERRED_OPTION
@TARGET_OPTIONS
def export(fmt: str, output: Path, around: tuple[str, ...], depth: int, engine: str, graph_path: Path | None,
           inferred: bool) -> None:
    """Write the graph (or a neighbourhood of it) in a format other tools read."""
    path = _load(engine, graph_path, inferred).export(fmt, output, around, depth)
    echo(f"wrote {path} ({path.stat().st_size:,} bytes, {fmt})")
