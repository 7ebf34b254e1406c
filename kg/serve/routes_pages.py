"""Routes for people and for linked data: the explorer page, search suggestions, the neighbourhood picture's data,
the editor's completions, the bundled scripts and libraries, and every other path as a resource of the graph (HTML or
RDF by content negotiation).

The resource route matches any path, so its router is included last."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from ..iris import BASE
from ..paths import STATIC_DIR
from .formats import GRAPH_ACCEPT, choose, negotiate
from .http import error, respond
from .safety import Refused

__all__ = ["router", "STATIC_FILES"]

router = APIRouter()

#: A path that may name a resource of the graph: IRI-safe segments, a '%' only as a percent-encoded octet.
RESOURCE_PATH = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._~\-]|%[0-9A-Fa-f]{2})*(?:/(?:[A-Za-z0-9._~\-]|%[0-9A-Fa-f]{2})+)*$")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
PLAIN = "text/plain; charset=utf-8"
#: Files the pages load from the server itself (no CDN: the explorer works offline).
JS = "text/javascript; charset=utf-8"
STATIC_FILES = {"cytoscape.min.js": JS, "cytoscape.LICENSE": PLAIN, "cytoscape-fcose.min.js": JS,
                "cytoscape-fcose.LICENSE": PLAIN, "codemirror.min.js": JS, "codemirror.LICENSE": PLAIN,
                "picture.js": JS, "sparql.js": JS, "explorer.css": "text/css; charset=utf-8"}
#: The media types a resource is offered in, in the server's order of preference.
RESOURCE_ACCEPT = [*GRAPH_ACCEPT[:4], ("text/html", "html"), ("application/xhtml+xml", "html"), *GRAPH_ACCEPT[4:]]


@router.get("/search", summary="Entities whose label, synonym, brand or id contains q, best first")
async def search(request: Request, q: str = "") -> Any:
    return respond(await request.app.state.pool.run("search", q[:200]), vary=False)


@router.get("/-/neighbourhood", summary="The entities around one entity, as Cytoscape.js elements (for the picture)")
async def neighbourhood(request: Request, iri: str, depth: int = 1, max_nodes: int = 80) -> Any:
    if not 1 <= depth <= 3:
        raise Refused(f"depth must be 1, 2 or 3, not {depth}")
    if not 1 <= max_nodes <= 400:
        raise Refused(f"max_nodes must be between 1 and 400, not {max_nodes}")
    return respond(await request.app.state.pool.run("neighbourhood", iri, depth, max_nodes), vary=False)


@router.get("/-/terms", summary="The prefixes and vocabulary terms the SPARQL editor completes")
async def terms(request: Request) -> Any:
    return respond(await request.app.state.pool.run("terms"), vary=False)


@router.get("/-/static/{name}", include_in_schema=False)
async def static(name: str) -> Any:
    if name not in STATIC_FILES:
        return error(404, f"no static file '{name}'")
    return Response((STATIC_DIR / name).read_bytes(), media_type=STATIC_FILES[name],
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/", include_in_schema=False)
async def home(request: Request) -> Any:
    from .pages import explorer_page

    return HTMLResponse(explorer_page(request.app.state.stats))


@router.get("/{path:path}", summary="Linked data: the resource https://w3id.org/mrkg/{path} as HTML or RDF")
async def resource(path: str, request: Request) -> Any:
    if BAD_PERCENT.search(path):
        return error(400, f"/{path}: malformed percent-encoding; in an IRI a '%' starts two hex digits "
                          "(such as %2F), so this path names no resource")
    if not RESOURCE_PATH.match(path):
        return error(404, f"/{path} is not a resource of this graph")
    fmt_param = request.query_params.get("format")
    if fmt_param in ("html", "text/html"):
        fmt = "html"
    elif fmt_param:
        fmt = choose(fmt_param, None).pick("graph")
    else:
        found = negotiate(request.headers.get("accept"), RESOURCE_ACCEPT)
        if found is None:
            return error(406, "this resource is offered as text/html, text/turtle, application/n-triples, "
                              "application/ld+json and application/rdf+xml")
        fmt = found
    return respond(await request.app.state.pool.run("resource", BASE + path, fmt, request.app.state.settings["max_results"]))
