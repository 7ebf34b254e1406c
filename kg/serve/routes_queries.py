"""Routes of the named queries: ``/queries`` lists them, ``/queries/{name}?param=value`` runs one; and the
OpenAPI document that describes each named query as a path of its own."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.responses import JSONResponse

from .formats import choose
from .http import error, respond
from .safety import Refused
from .worker import Reply

__all__ = ["router", "openapi_with_queries"]

router = APIRouter()


def describe_query(query: Any) -> dict[str, Any]:
    return {"name": query.name, "title": query.title, "question": query.question, "example": query.example,
            "exampleParams": query.example_params, "columns": query.columns, "url": f"/queries/{query.name}",
            "parameters": [{"name": p.name, "type": p.type, "description": p.description,
                            "required": not p.optional} for p in query.params],
            "sparql": query.text}


@router.get("/queries", summary="The named queries, with their titles, questions and parameters")
async def queries(request: Request) -> Any:
    return JSONResponse([describe_query(q) for q in request.app.state.library.values()])


@router.get("/queries/{name}", summary="Run a named query; its parameters are query parameters (see each path)")
async def named_query(name: str, request: Request) -> Any:
    library = request.app.state.library
    if name not in library:
        return error(404, f"no named query '{name}'; GET /queries lists them: {', '.join(library)}")
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in params:
            raise Refused(f"give parameter '{key}' once")
        params[key] = value
    fmt = params.pop("format", None)
    if fmt == "sparql" or "application/sparql-query" in request.headers.get("accept", ""):
        return respond(Reply(200, "application/sparql-query", library[name].text.encode()))
    choice = choose(fmt, request.headers.get("accept"))
    return respond(await request.app.state.pool.run("named", name, params, choice,
                                                    request.app.state.settings["max_results"]))


#: Content types of an article's body, and how ingest reads each.
ARTICLE_KINDS = {"text/plain": "text", "text/html": "html", "text/markdown": "markdown"}


@router.post("/ingest", summary="Check an article (the request body: plain text, HTML or Markdown) against the graph")
async def ingest(request: Request) -> Any:
    """The article's claims with verdicts, as ``mrkg ingest --format json`` gives them. Metadata (title, url, date,
    publisher) come as query parameters; the url is recorded, never fetched."""
    media = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
    if media not in ARTICLE_KINDS:
        return error(415, f"send the article as {', '.join(ARTICLE_KINDS)}, not {media}")
    meta = {key: value for key, value in request.query_params.items() if key in ("title", "url", "date", "publisher")}
    unknown = sorted(set(request.query_params) - set(meta))
    if unknown:
        raise Refused(f"unknown parameter '{unknown[0]}'; POST /ingest takes title, url, date and publisher")
    body = await request.body()
    return respond(await request.app.state.pool.run("ingest", body, meta, ARTICLE_KINDS[media]), vary=False)


def openapi_with_queries(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, with a path per named query (its parameters, columns and answers)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    content: dict[str, Any] = {t: {} for t in ("application/sparql-results+json", "application/sparql-results+xml",
                                               "text/csv", "text/tab-separated-values")}
    for query in app.state.library.values():
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
