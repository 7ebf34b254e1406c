"""App: ``create_app()`` builds the FastAPI application from its routers; ``run_serve()`` runs it with uvicorn on
127.0.0.1.

Routes (one router module each):

- :mod:`.routes_sparql` — ``/sparql``, the SPARQL 1.1 Protocol (GET, POST form or direct); without a query, the
  Service Description; ``/void``, the VoID/DCAT description of the dataset.
- :mod:`.routes_queries` — ``/queries`` and ``/queries/{name}?param=value``, the named queries as plain HTTP
  resources; ``/openapi.json`` describes each.
- :mod:`.routes_pages` — ``/`` the explorer, ``/search?q=`` suggestions, ``/-/neighbourhood`` the picture's data,
  ``/-/static/`` Cytoscape.js, and any other path as linked data: ``/drug/baclofen`` is
  ``https://w3id.org/mrkg/drug/baclofen``, as HTML or RDF.

All state lives on ``app.state`` (settings, the query library, the worker pool, the dataset's statistics; no module
globals); every query runs in a worker process (:mod:`kg.serve.pool`) that is killed when it passes the time limit or
its memory limit, and the pool shares the workers fairly between client addresses. :func:`server_config` adds the
limits of the connection itself: deadlines for a request's head and body, header sizes, open connections.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException

from ..errors import QueryError
from . import routes_pages, routes_queries, routes_sparql
from .formats import BadFormat
from .http import MAX_HEADER_BYTES, LimitRequestSize, NoSniff, base_url_for, error, respond
from .safety import Refused
from .worker import Reply

__all__ = ["create_app", "run_serve", "server_config", "DEFAULT_HOST"]

#: Listen on the loopback interface only, unless told otherwise.
DEFAULT_HOST = "127.0.0.1"
#: Open connections the server keeps, in all and from one client address (each may buffer a request up to the limit).
MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT = 256, 128
#: The least ``worker_memory`` (MB) accepted: below it a worker could not even open the graph.
MIN_WORKER_MEMORY = 256


def _checked_store(directory: Path) -> Path:
    """``directory`` if it is an on-disk store the workers can open (checked once here, with a clear error)."""
    from ..disk_store import open_store_directory

    opened = open_store_directory(directory)  # read-only: the workers open it the same way
    del opened
    return directory


def _graph_files(path: Path | str | None, store: Path | str | None) -> tuple[Path, Path]:
    """The graph to serve (its N-Quads file, or the store directory) and the on-disk store the workers open."""
    from ..cache import cached_graph, open_prepared
    from ..files import check_sealed

    if store is not None:
        if path is not None:
            raise QueryError("give a graph file or an on-disk store, not both", option="store")
        directory = _checked_store(Path(store))
        return directory, directory
    graph_path = Path(path) if path is not None else cached_graph()
    if not graph_path.is_file():
        raise QueryError(f"{graph_path}: no such file; build one with 'mrkg build --output {graph_path}'",
                         option="path")
    if path is not None:
        check_sealed(graph_path, count_lines=True)
    opened = open_prepared(graph_path)  # held by this process while it serves: no build removes it meanwhile
    prepared = opened.directory
    del opened  # the workers open it read-only, each on its own
    assert prepared is not None
    return graph_path, prepared


def _checked_base_url(base_url: str | None) -> str | None:
    """``base_url`` without its trailing slash, if it is an absolute http(s) URL that can start an IRI."""
    if base_url is None:
        return None
    from urllib.parse import urlsplit

    import pyoxigraph as ox

    url = base_url.rstrip("/")
    parts = urlsplit(url)
    problem = None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problem = "it must be an absolute http:// or https:// URL"
    elif "?" in url or "#" in url or "@" in parts.netloc:
        problem = "it may not have a query, a fragment or a user name"
    else:
        try:
            ox.NamedNode(url + "/sparql")
        except ValueError:
            problem = "it is not a valid IRI (a space, a quote or an angle bracket?)"
    if problem:
        raise QueryError(f"the base URL {base_url!r}: {problem}; give the server's public URL, "
                         "such as https://kg.example.org", option="base_url")
    return url


def _lifespan(directory: Path, graph_path: Path, size: int, timeout: float, admission: dict[str, Any]) -> Any:
    """Start the worker pool and describe the graph before the first request; stop the pool at the end."""
    from .pool import WorkerPool

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = WorkerPool(directory, graph_path, size, timeout, **admission)
        await pool.start()
        app.state.pool = pool
        stats = await pool.run("stats", timeout=max(timeout, 60))
        if isinstance(stats, Reply):  # the graph could not be read: stop with the reason
            await pool.stop()
            raise RuntimeError(f"cannot describe the graph: {stats.body.decode().strip()}")
        app.state.stats = stats
        app.state.local_graphs = set(stats["graphs"])
        try:
            yield
        finally:
            await pool.stop()

    return lifespan


def _add_error_handlers(app: FastAPI) -> None:
    async def refused(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, (Refused, BadFormat))
        return error(exc.status, exc.message)

    async def internal(request: Request, exc: Exception) -> Any:  # never a traceback to the client
        return error(500, f"internal error: {type(exc).__name__}")

    async def http_error(request: Request, exc: Exception) -> Any:  # Starlette's own 404 and 405, as plain text
        assert isinstance(exc, HTTPException)
        if exc.status_code != 405:
            return error(exc.status_code, str(exc.detail))
        sparql = request.url.path.rstrip("/") == "/sparql"
        reply = Reply.error(405, f"{request.method} is not allowed on {request.url.path}; "
                                 + ("the SPARQL endpoint takes GET and POST" if sparql else "use GET"))
        reply.headers["Allow"] = "GET, POST" if sparql else "GET"
        return respond(reply, vary=False)

    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(BadFormat, refused)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal)


def create_app(path: Path | str | None = None, *, workers: int | None = None, timeout: float = 10.0,
               max_results: int = 10_000, max_request_bytes: int = 1_000_000,
               allow_remote_fetch: bool = False, store: Path | str | None = None, base_url: str | None = None,
               worker_memory: int = 2048, read_timeout: float = 10.0, slow_after: float | None = None,
               max_waiting: int | None = None) -> Any:
    """The FastAPI app serving the built-in graph (or the N-Quads file at ``path``, or the on-disk
    Oxigraph store at ``store`` made by ``mrkg load-store``), read-only.

    ``timeout`` (seconds) stops a query by killing its worker process, and so does passing
    ``worker_memory`` (MB per worker; 0: no limit); ``max_results`` caps rows or triples per answer;
    ``max_request_bytes`` caps a request; ``read_timeout`` (seconds) is the deadline for a request's
    head and for its body; ``allow_remote_fetch`` lets queries use SERVICE and FROM / FROM NAMED
    outside the dataset; ``base_url`` is the server's public URL, named by the descriptions and used as
    the base IRI of queries (by default ``http://HOST:PORT`` of the address a request reached; never the
    request's Host header). ``slow_after`` (seconds; default half of ``timeout``) and ``max_waiting``
    (requests one client may have waiting; default 16 per worker) tune the fair admission of
    :mod:`kg.serve.pool`.
    """
    from .. import __version__
    from ..query import load_library

    base_url = _checked_base_url(base_url)
    if 0 < worker_memory < MIN_WORKER_MEMORY:
        raise QueryError(f"a worker's memory of {worker_memory} MB is too little: give at least {MIN_WORKER_MEMORY} MB "
                         "(a worker needs about 150 MB to open the graph), or 0 for no limit", option="worker_memory")
    graph_path, directory = _graph_files(path, store)
    size = workers or max(2, min(os.cpu_count() or 2, 8))
    admission = {"memory_mb": worker_memory, "slow_after": slow_after, "max_waiting": max_waiting}
    app = FastAPI(title="MRKG SPARQL endpoint", version=__version__,
                  lifespan=_lifespan(directory, graph_path, size, timeout, admission),
                  docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; /openapi.json stays
                  description="The muscle relaxant knowledge graph: a read-only SPARQL 1.1 endpoint, "
                              "its named queries as HTTP resources, and linked data for every entity.")
    app.add_middleware(LimitRequestSize, max_bytes=max_request_bytes, read_timeout=read_timeout)
    app.state.settings = {"timeout": timeout, "max_results": max_results, "max_request_bytes": max_request_bytes,
                          "allow_remote_fetch": allow_remote_fetch, "workers": size, "graph": str(graph_path),
                          "base_url": base_url, "worker_memory": worker_memory, "read_timeout": read_timeout}
    app.state.library = load_library()
    app.state.graph_path = graph_path
    _add_error_handlers(app)
    for module in (routes_sparql, routes_queries, routes_pages):  # pages last: its resource route takes any path
        app.include_router(module.router)
    app.openapi = lambda: routes_queries.openapi_with_queries(app)  # type: ignore[method-assign]
    # outermost, around Starlette's own error middleware too, so that a 500 says nosniff as well
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: NoSniff(build_stack())  # type: ignore[method-assign]
    return app


def server_config(app: Any, host: str = DEFAULT_HOST, port: int = 8000, *, max_connections: int = MAX_CONNECTIONS,
                  max_connections_per_client: int = MAX_CONNECTIONS_PER_CLIENT) -> Any:
    """uvicorn's configuration for an app of :func:`create_app`: h11 with a deadline for each request's
    head (its ``read_timeout``) and caps on open connections (:mod:`kg.serve.protocol`)."""
    import uvicorn

    from .protocol import guarded_protocol

    settings = app.state.settings
    protocol = guarded_protocol(settings["read_timeout"], max_connections, max_connections_per_client)
    # h11 must accept a request line as long as the size limit and headers as long as theirs, so that a long GET
    # meets the 413 check and long headers the 431 check, with their messages
    head = settings["max_request_bytes"] + 4 * MAX_HEADER_BYTES + 16_384
    return uvicorn.Config(app, host=host, port=port, log_level="warning", http=protocol, ws="none",
                          h11_max_incomplete_event_size=head)


def run_serve(host: str = DEFAULT_HOST, port: int = 8000, *, allow_remote_fetch: bool = False, timeout: float = 10.0,
              max_results: int = 10_000, workers: int | None = None, path: Path | str | None = None,
              max_request_bytes: int = 1_000_000, store: Path | str | None = None, base_url: str | None = None,
              worker_memory: int = 2048, read_timeout: float = 10.0) -> None:
    """Serve the graph with uvicorn until interrupted (``mrkg serve``)."""
    import uvicorn

    app = create_app(path, workers=workers, timeout=timeout, max_results=max_results,
                     max_request_bytes=max_request_bytes, allow_remote_fetch=allow_remote_fetch, store=store,
                     base_url=base_url, worker_memory=worker_memory, read_timeout=read_timeout)
    public = app.state.settings["base_url"] or base_url_for(host, port)
    memory = f"{worker_memory:,} MB per worker" if worker_memory else "no memory limit"
    print(f"MRKG SPARQL endpoint at {public}/sparql, explorer at {public}/ "
          f"(read-only; time limit {timeout:g} s, {memory}, at most {max_results:,} results"
          f"{'; SERVICE and outside FROM allowed' if allow_remote_fetch else ''})", flush=True)
    uvicorn.Server(server_config(app, host, port)).run()
