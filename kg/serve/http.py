"""HTTP helpers of the server: a worker's :class:`Reply` as a response, errors, graph replies, the request size limit,
``nosniff`` on every response, and the server's base URL."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..rdf_formats import oxigraph_format, prefixes_for
from .formats import GRAPH_TYPES, choose
from .worker import Reply

__all__ = ["respond", "error", "graph_reply", "graph_format", "LimitRequestSize", "NoSniff", "base_url_for"]


def respond(reply: Reply, vary: bool = True) -> Any:
    headers = dict(reply.headers)
    if vary:
        headers["Vary"] = "Accept"
    headers.setdefault("Access-Control-Allow-Origin", "*")
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)


def error(status: int, message: str) -> Any:
    return respond(Reply.error(status, message), vary=False)


class LimitRequestSize:
    """ASGI middleware: answer 413 when a request's query string or body passes ``max_bytes``."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        message = f"the request is larger than {self.max_bytes:,} bytes, the limit of this server\n"
        too_big = error(413, message)
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


def graph_reply(triples: list[Any], fmt: str) -> Reply:
    import pyoxigraph as ox

    from .descriptions import DESCRIPTION_PREFIXES

    body = ox.serialize(triples, format=oxigraph_format(fmt), prefixes=prefixes_for(fmt, DESCRIPTION_PREFIXES))
    return Reply(200, GRAPH_TYPES[fmt], body or b"")


def graph_format(request: Any) -> str:
    """The graph format a request asks for (Turtle by default)."""
    choice = choose(request.query_params.get("format"), request.headers.get("accept"))
    return choice.pick("graph")


class NoSniff:
    """ASGI middleware: every response says ``X-Content-Type-Options: nosniff``, so no browser runs a plain-text
    error that echoes the request (a query, a path) as HTML or script."""

    HEADER = (b"x-content-type-options", b"nosniff")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_header(event: Message) -> None:
            if event["type"] == "http.response.start":
                headers = [h for h in event.get("headers", []) if h[0].lower() != self.HEADER[0]]
                event = {**event, "headers": [*headers, self.HEADER]}
            await send(event)

        await self.app(scope, receive, send_with_header)


def base_url_for(host: str, port: int) -> str:
    """``http://HOST:PORT``, the base URL of a server listening on ``host`` (an IPv6 address in brackets)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
