"""App: ``create_app()`` builds the FastAPI application; ``run_serve()`` runs it with uvicorn on 127.0.0.1.

Routes:

- ``/sparql`` — the SPARQL 1.1 Protocol (GET, POST form or direct); without a query, the Service Description.
- ``/queries`` and ``/queries/{name}?param=value`` — the named queries as plain HTTP resources.
- ``/void`` — the VoID/DCAT description of the dataset; ``/openapi.json`` — the API, named queries included.
- ``/search?q=`` — suggestions over labels, synonyms, brands and ids; ``/`` — the explorer page.
- ``/-/neighbourhood?iri=&depth=`` — the picture's data (Cytoscape.js elements); ``/-/static/`` — Cytoscape.js itself.
- any other path — linked data: ``/drug/baclofen`` is ``https://w3id.org/mrkg/drug/baclofen``, as HTML or RDF.

All state lives on ``app.state`` (no module globals); every query runs in a worker process
(:mod:`kg.serve.pool`) that is killed when it passes the time limit.
"""

from __future__ import annotations

import os
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..errors import QueryError
from ..iris import BASE
from ..paths import STATIC_DIR
from ..rdf_formats import oxigraph_format, prefixes_for
from .formats import GRAPH_ACCEPT, GRAPH_TYPES, BadFormat, choose, negotiate
from .safety import Refused, check_dataset, check_query
from .worker import Reply

__all__ = ["create_app", "run_serve", "DEFAULT_HOST"]

#: Listen on the loopback interface only, unless told otherwise.
DEFAULT_HOST = "127.0.0.1"
#: A path that may name a resource of the graph.
RESOURCE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~%\-]*(/[A-Za-z0-9._~%\-]+)*$")
PLAIN = "text/plain; charset=utf-8"
#: Files the pages load from the server itself (no CDN: the explorer works offline).
STATIC_FILES = {"cytoscape.min.js": "text/javascript; charset=utf-8", "cytoscape.LICENSE": PLAIN}


def _respond(reply: Reply, vary: bool = True) -> Any:
    headers = dict(reply.headers)
    if vary:
        headers["Vary"] = "Accept"
    headers.setdefault("Access-Control-Allow-Origin", "*")
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)


def _error(status: int, message: str) -> Any:
    return _respond(Reply.error(status, message), vary=False)


class LimitRequestSize:
    """ASGI middleware: answer 413 when a request's query string or body passes ``max_bytes``."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        message = f"the request is larger than {self.max_bytes:,} bytes, the limit of this server\n"
        too_big = _error(413, message)
        if len(scope.get("query_string", b"")) > self.max_bytes:
            return await too_big(scope, receive, send)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            return await too_big(scope, receive, send)
        seen, started = 0, False

        async def counted_receive() -> dict:
            nonlocal seen
            event = await receive()
            seen += len(event.get("body", b""))
            if seen > self.max_bytes:
                raise _TooBig
            return event

        async def tracked_send(event: dict) -> None:
            nonlocal started
            started = started or event["type"] == "http.response.start"
            await send(event)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooBig:
            if not started:
                await too_big(scope, receive, send)


class _TooBig(Exception):
    pass


def _graph_reply(triples: list[Any], fmt: str) -> Reply:
    import pyoxigraph as ox

    from .descriptions import DESCRIPTION_PREFIXES

    body = ox.serialize(triples, format=oxigraph_format(fmt), prefixes=prefixes_for(fmt, DESCRIPTION_PREFIXES))
    return Reply(200, GRAPH_TYPES[fmt], body)


def _graph_format(request: Any) -> str:
    """The graph format a request asks for (Turtle by default)."""
    choice = choose(request.query_params.get("format"), request.headers.get("accept"))
    return choice.pick("graph")


def _checked_store(directory: Path) -> Path:
    """``directory`` if it is an on-disk store the workers can open (checked once here, with a clear error)."""
    from ..remote import open_store_directory

    opened = open_store_directory(directory)  # read-only: the workers open it the same way
    del opened
    return directory


def create_app(path: Path | str | None = None, *, workers: int | None = None, timeout: float = 10.0,
               max_results: int = 10_000, max_request_bytes: int = 1_000_000,
               allow_remote_fetch: bool = False, store: Path | str | None = None) -> Any:
    """The FastAPI app serving the built-in graph (or the N-Quads file at ``path``, or the on-disk
    Oxigraph store at ``store`` made by ``mrkg load-store``), read-only.

    ``timeout`` (seconds) stops a query by killing its worker process; ``max_results`` caps rows or
    triples per answer; ``max_request_bytes`` caps a request; ``allow_remote_fetch`` lets queries use
    SERVICE and FROM / FROM NAMED outside the dataset.
    """
    from .. import __version__
    from ..cache import cached_graph, cached_oxigraph
    from ..query import load_library
    from .pool import WorkerPool

    if store is not None:
        if path is not None:
            raise QueryError("give --graph or --store, not both")
        directory = graph_path = _checked_store(Path(store))
    else:
        graph_path = Path(path) if path is not None else cached_graph()
        if not graph_path.is_file():
            raise QueryError(f"--graph {graph_path}: no such file; build one with 'mrkg build --output {graph_path}'")
        directory = cached_oxigraph(graph_path)
    library = load_library()
    size = workers or max(2, min(os.cpu_count() or 2, 8))

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        pool = WorkerPool(directory, graph_path, size, timeout)
        await pool.start()
        app.state.pool = pool
        stats = await pool.run("stats", timeout=max(timeout, 60))
        if isinstance(stats, Reply):  # the graph could not be read: stop with the reason
            await pool.stop()
            raise RuntimeError(f"cannot describe the graph: {stats.body.decode().strip()}")
        app.state.stats = stats
        app.state.local_graphs = set(app.state.stats["graphs"])
        try:
            yield
        finally:
            await pool.stop()

    app = FastAPI(title="MRKG SPARQL endpoint", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; /openapi.json stays
                  description="The muscle relaxant knowledge graph: a read-only SPARQL 1.1 endpoint, "
                              "its named queries as HTTP resources, and linked data for every entity.")
    app.add_middleware(LimitRequestSize, max_bytes=max_request_bytes)
    app.state.settings = {"timeout": timeout, "max_results": max_results, "max_request_bytes": max_request_bytes,
                          "allow_remote_fetch": allow_remote_fetch, "workers": size, "graph": str(graph_path)}

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Any:
        return _error(exc.status, exc.message)

    @app.exception_handler(BadFormat)
    async def bad_format(request: Request, exc: BadFormat) -> Any:
        return _error(exc.status, exc.message)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Any:  # never a traceback to the client
        return _error(500, f"internal error: {type(exc).__name__}")

    async def run_query(request: Request, query: str | None, update: str | None,
                        default_graphs: list[str], named_graphs: list[str], fmt: str | None) -> Any:
        if update is not None:
            raise Refused("this endpoint is read-only: SPARQL Update is refused", 403)
        if query is None:
            return _respond(_graph_reply(service_triples(request), _graph_format(request)))
        if not query.strip():
            raise Refused("the query is empty; send a SPARQL query in the 'query' parameter")
        check_query(query, app.state.local_graphs, allow_remote_fetch)
        check_dataset(default_graphs, named_graphs, app.state.local_graphs, allow_remote_fetch)
        choice = choose(fmt, request.headers.get("accept"))
        reply = await app.state.pool.run("sparql", query, default_graphs, named_graphs, choice, max_results)
        return _respond(reply)

    def service_triples(request: Request) -> list[Any]:
        from .descriptions import service_description

        return service_description(str(request.url_for("sparql_get")), app.state.stats, allow_remote_fetch)

    def format_of(values: dict[str, list[str]]) -> str | None:
        """The ``format`` parameter; repeats are fine when they agree (SPARQLWrapper sends name and media type)."""
        given = values.get("format", [])
        if len({(c.results, c.graph) for c in (choose(v, None) for v in given)}) > 1:
            raise Refused(f"the format parameters disagree: {', '.join(given)}")
        return given[0] if given else None

    def single(values: dict[str, list[str]], name: str) -> str | None:
        got = values.get(name, [])
        if len(got) > 1:
            raise Refused(f"give '{name}' once, not {len(got)} times")
        return got[0] if got else None

    @app.get("/sparql", name="sparql_get", summary="SPARQL 1.1 query by GET; without a query, the Service Description")
    async def sparql_get(request: Request) -> Any:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        return await run_query(request, single(params, "query"), single(params, "update"),
                               params.get("default-graph-uri", []), params.get("named-graph-uri", []),
                               format_of(params))

    @app.post("/sparql", summary="SPARQL 1.1 query by POST (form-encoded or application/sparql-query)")
    async def sparql_post(request: Request) -> Any:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("the request body is not UTF-8") from None
        if media == "application/sparql-update":
            raise Refused("this endpoint is read-only: SPARQL Update is refused", 403)
        if media == "application/sparql-query":
            query, update = text, None
        elif media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            query, update = single(params, "query"), single(params, "update")
            if query is None and update is None:
                raise Refused("the form has no 'query' field")
        else:
            return _error(415, f"unsupported Content-Type '{media or 'none'}'; send application/sparql-query "
                               "or application/x-www-form-urlencoded with a 'query' field")
        return await run_query(request, query, update, params.get("default-graph-uri", []),
                               params.get("named-graph-uri", []), format_of(params))

    def describe_query(query: Any) -> dict[str, Any]:
        return {"name": query.name, "title": query.title, "question": query.question, "example": query.example,
                "exampleParams": query.example_params, "columns": query.columns, "url": f"/queries/{query.name}",
                "parameters": [{"name": p.name, "type": p.type, "description": p.description,
                                "required": not p.optional} for p in query.params],
                "sparql": query.text}

    @app.get("/queries", summary="The named queries, with their titles, questions and parameters")
    async def queries() -> Any:
        return JSONResponse([describe_query(q) for q in library.values()])

    @app.get("/queries/{name}", summary="Run a named query; its parameters are query parameters (see each path)")
    async def named_query(name: str, request: Request) -> Any:
        if name not in library:
            return _error(404, f"no named query '{name}'; GET /queries lists them: {', '.join(library)}")
        params: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in params:
                raise Refused(f"give parameter '{key}' once")
            params[key] = value
        fmt = params.pop("format", None)
        if fmt == "sparql" or "application/sparql-query" in request.headers.get("accept", ""):
            return _respond(Reply(200, "application/sparql-query", library[name].text.encode()))
        choice = choose(fmt, request.headers.get("accept"))
        return _respond(await app.state.pool.run("named", name, params, choice, max_results))

    @app.get("/void", summary="VoID/DCAT description of the dataset: version, rights, sources, counts")
    async def void(request: Request) -> Any:
        from .descriptions import void_description

        triples = void_description(str(request.url_for("sparql_get")), app.state.stats, __version__, graph_path.stem)
        return _respond(_graph_reply(triples, _graph_format(request)))

    @app.get("/search", summary="Entities whose label, synonym, brand or id contains q, best first")
    async def search(q: str = "") -> Any:
        return _respond(await app.state.pool.run("search", q[:200]), vary=False)

    @app.get("/-/neighbourhood", summary="The entities around one entity, as Cytoscape.js elements (for the picture)")
    async def neighbourhood(iri: str, depth: int = 1, max_nodes: int = 80) -> Any:
        if not 1 <= depth <= 3:
            raise Refused(f"depth must be 1, 2 or 3, not {depth}")
        if not 1 <= max_nodes <= 400:
            raise Refused(f"max_nodes must be between 1 and 400, not {max_nodes}")
        return _respond(await app.state.pool.run("neighbourhood", iri, depth, max_nodes), vary=False)

    @app.get("/-/static/{name}", include_in_schema=False)
    async def static(name: str) -> Any:
        if name not in STATIC_FILES:
            return _error(404, f"no static file '{name}'")
        path = STATIC_DIR / name
        return Response(path.read_bytes(), media_type=STATIC_FILES[name],
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/", include_in_schema=False)
    async def home() -> Any:
        from .pages import explorer_page

        return HTMLResponse(explorer_page(app.state.stats))

    @app.get("/{path:path}", summary="Linked data: the resource https://w3id.org/mrkg/{path} as HTML or RDF")
    async def resource(path: str, request: Request) -> Any:
        if not RESOURCE_PATH.match(path):
            return _error(404, f"/{path} is not a resource of this graph")
        fmt_param = request.query_params.get("format")
        if fmt_param in ("html", "text/html"):
            fmt = "html"
        elif fmt_param:
            fmt = choose(fmt_param, None).pick("graph")
        else:
            fmt = negotiate(request.headers.get("accept"), [*GRAPH_ACCEPT[:4], ("text/html", "html"),
                                                            ("application/xhtml+xml", "html"), *GRAPH_ACCEPT[4:]])
            if fmt is None:
                return _error(406, "this resource is offered as text/html, text/turtle, application/n-triples, "
                                   "application/ld+json and application/rdf+xml")
        return _respond(await app.state.pool.run("resource", BASE + path, fmt, max_results))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        content = {t.split(";")[0]: {} for t in ("application/sparql-results+json", "application/sparql-results+xml",
                                                  "text/csv", "text/tab-separated-values")}
        for query in library.values():
            parameters = [{"name": p.name, "in": "query", "required": not p.optional, "description": p.description
                           + (" (a label, synonym, brand, id or IRI)" if p.is_entity else ""),
                           "schema": {"type": "integer" if p.type == "integer" else "string"}} for p in query.params]
            parameters.append({"name": "format", "in": "query", "required": False,
                               "description": "json, xml, csv or tsv (else the Accept header decides)",
                               "schema": {"type": "string", "enum": ["json", "xml", "csv", "tsv"]}})
            schema["paths"][f"/queries/{query.name}"] = {"get": {
                "summary": query.title, "description": f"{query.question}\n\nColumns: {query.columns}",
                "operationId": f"query_{query.name.replace('-', '_')}", "tags": ["named queries"],
                "parameters": parameters,
                "responses": {"200": {"description": "the rows", "content": content},
                              "400": {"description": "a missing or malformed parameter"},
                              "404": {"description": "an entity parameter names nothing in the graph"}}}}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def run_serve(host: str = DEFAULT_HOST, port: int = 8000, *, allow_remote_fetch: bool = False, timeout: float = 10.0,
              max_results: int = 10_000, workers: int | None = None, path: Path | str | None = None,
              max_request_bytes: int = 1_000_000, store: Path | str | None = None) -> None:
    """Serve the graph with uvicorn until interrupted (``mrkg serve``)."""
    import uvicorn

    app = create_app(path, workers=workers, timeout=timeout, max_results=max_results,
                     max_request_bytes=max_request_bytes, allow_remote_fetch=allow_remote_fetch, store=store)
    print(f"MRKG SPARQL endpoint at http://{host}:{port}/sparql, explorer at http://{host}:{port}/ "
          f"(read-only; time limit {timeout:g} s, at most {max_results:,} results"
          f"{'; SERVICE and outside FROM allowed' if allow_remote_fetch else ''})", flush=True)
    # h11 must accept a request line as long as the size limit, so that a long GET meets the 413 check
    uvicorn.run(app, host=host, port=port, log_level="warning",
                h11_max_incomplete_event_size=max_request_bytes + 16_384)
