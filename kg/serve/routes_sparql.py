"""Routes of the SPARQL 1.1 Protocol: ``/sparql`` by GET and POST (without a query, the Service Description), and
``/void``, the dataset's VoID/DCAT description. Settings and the worker pool come from ``request.app.state``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request

from .formats import choose
from .http import error, graph_format, graph_reply, respond
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
    check_query(query, state.local_graphs, settings["allow_remote_fetch"])
    check_dataset(default_graphs, named_graphs, state.local_graphs, settings["allow_remote_fetch"])
    choice = choose(fmt, request.headers.get("accept"))
    reply = await state.pool.run("sparql", query, default_graphs, named_graphs, choice, settings["max_results"])
    return respond(reply)


def service_triples(request: Request) -> list[Any]:
    from .descriptions import service_description

    return service_description(str(request.url_for("sparql_get")), request.app.state.stats,
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


def query_params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


@router.get("/sparql", name="sparql_get", summary="SPARQL 1.1 query by GET; without a query, the Service Description")
async def sparql_get(request: Request) -> Any:
    params = query_params(request)
    return await run_query(request, single(params, "query"), single(params, "update"),
                           params.get("default-graph-uri", []), params.get("named-graph-uri", []), format_of(params))


@router.post("/sparql", summary="SPARQL 1.1 query by POST (form-encoded or application/sparql-query)")
async def sparql_post(request: Request) -> Any:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
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
        for key, values in parse_qs(text, keep_blank_values=True).items():
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
    triples = void_description(str(request.url_for("sparql_get")), state.stats, request.app.version,
                               state.graph_path.stem)
    return respond(graph_reply(triples, graph_format(request)))
