"""Routes of the SPARQL 1.1 Protocol: ``/sparql`` (and ``/sparql/``, the path of the W3C protocol tests) by GET and
POST (without a query, the Service Description), and ``/void``, the dataset's VoID/DCAT description. Settings and the
worker pool come from ``request.app.state``.

Both descriptions, and the base IRI that relative IRIs in a query resolve against, use the server's public URL
(:func:`public_url`), never the request's Host header, which a client can set to anything.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from .formats import choose
from .http import base_url_for, error, graph_format, graph_reply, respond
from .safety import Refused, check_dataset, check_query

__all__ = ["router"]

router = APIRouter()


async def run_query(request: Request, query: str | None, update: str | None,
                    default_graphs: list[str], named_graphs: list[str], fmt: str | None) -> Any:
    """Check a protocol request and run its query in a worker (or describe the service when there is none)."""
    state, settings = request.app.state, request.app.state.settings
    if update is not None:
        raise Refused("this endpoint is read-only: SPARQL Update is refused", 403)
    if query is None:
        return respond(graph_reply(service_triples(request), graph_format(request)))
    if not query.strip():
        raise Refused("the query is empty; send a SPARQL query in the 'query' parameter")
    base = endpoint_url(request)
    # linear, but a second for a 1 MB query: in a thread, so that the event loop goes on serving the others
    await run_in_threadpool(check_query, query, state.local_graphs, settings["allow_remote_fetch"], base=base)
    check_dataset(default_graphs, named_graphs, state.local_graphs, settings["allow_remote_fetch"])
    choice = choose(fmt, request.headers.get("accept"))
    reply = await state.pool.run("sparql", query, default_graphs, named_graphs, choice, settings["max_results"], base)
    return respond(reply)


def public_url(request: Request) -> str:
    """The server's public base URL: ``--base-url``, else the address the connection reached (never the Host header)."""
    configured: str | None = request.app.state.settings["base_url"]
    if configured:
        return configured
    host, port = request.scope.get("server") or (None, None)
    return base_url_for(host, port) if host and port else "http://localhost"  # (no port: a Unix socket)


def endpoint_url(request: Request) -> str:
    """The endpoint's public URL: the Service Description's sd:endpoint and the base IRI of every query."""
    return public_url(request) + "/sparql"


def service_triples(request: Request) -> list[Any]:
    from .descriptions import service_description

    return service_description(endpoint_url(request), request.app.state.stats,
                               request.app.state.settings["allow_remote_fetch"])


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


def charset_of(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, lower-cased, if it has one."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def query_params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


@router.get("/sparql", summary="SPARQL 1.1 query by GET; without a query, the Service Description")
@router.get("/sparql/", include_in_schema=False)
async def sparql_get(request: Request) -> Any:
    params = query_params(request)
    return await run_query(request, single(params, "query"), single(params, "update"),
                           params.get("default-graph-uri", []), params.get("named-graph-uri", []), format_of(params))


@router.post("/sparql", summary="SPARQL 1.1 query by POST (form-encoded or application/sparql-query)")
@router.post("/sparql/", include_in_schema=False)
async def sparql_post(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    charset = charset_of(content_type)
    if charset not in (None, "utf-8", "utf8"):
        raise Refused(f"the request body must be UTF-8, the SPARQL protocol's encoding, not charset={charset}")
    params = query_params(request)
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("the request body is not UTF-8") from None
    if media == "application/sparql-update":
        raise Refused("this endpoint is read-only: SPARQL Update is refused", 403)
    query: str | None
    update: str | None
    if media == "application/sparql-query":
        query, update = text, None
    elif media == "application/x-www-form-urlencoded":
        for key, values in (await run_in_threadpool(parse_qs, text, keep_blank_values=True)).items():
            params.setdefault(key, []).extend(values)
        query, update = single(params, "query"), single(params, "update")
        if query is None and update is None:
            raise Refused("the form has no 'query' field")
    else:
        return error(415, f"unsupported Content-Type '{media or 'none'}'; send application/sparql-query "
                          "or application/x-www-form-urlencoded with a 'query' field")
    return await run_query(request, query, update, params.get("default-graph-uri", []),
                           params.get("named-graph-uri", []), format_of(params))


@router.get("/void", summary="VoID/DCAT description of the dataset: version, rights, sources, counts")
async def void(request: Request) -> Any:
    from .descriptions import void_description

    state = request.app.state
    triples = void_description(endpoint_url(request), state.stats, request.app.version, state.graph_path.stem)
    return respond(graph_reply(triples, graph_format(request)))
