"""HTTP helpers of the server: a worker's :class:`Reply` as a response, errors, graph replies, the request limits,
``nosniff`` on every response, and the server's base URL."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..rdf_formats import oxigraph_format, prefixes_for
from .formats import GRAPH_TYPES, choose
from .pool import CLIENT
from .worker import Reply

__all__ = ["respond", "error", "graph_reply", "graph_format", "LimitRequestSize", "NoSniff", "base_url_for",
           "MAX_HEADER_BYTES"]

#: The longest header field (name and value) a request may have; all of them together may have four times that.
MAX_HEADER_BYTES = 8_192


def respond(reply: Reply, vary: bool = True) -> Any:
    headers = dict(reply.headers)
    if vary:
        headers["Vary"] = "Accept"
    headers.setdefault("Access-Control-Allow-Origin", "*")
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)


def error(status: int, message: str) -> Any:
    return respond(Reply.error(status, message), vary=False)


class LimitRequestSize:
    """ASGI middleware: the limits every request meets before the app sees it, and the client it comes from.

    413 when the query string or the body passes ``max_bytes``; 431 when one header field passes
    ``max_header_bytes`` or all of them pass four times that; 408 when the body has not all arrived
    ``read_timeout`` seconds after the request's head. Each request's peer address goes to
    :data:`kg.serve.pool.CLIENT`, which the pool's fair admission counts by.
    """

    def __init__(self, app: Any, max_bytes: int, read_timeout: float = 10.0,
                 max_header_bytes: int = MAX_HEADER_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes
        self.read_timeout, self.max_header_bytes = read_timeout, max_header_bytes

    def _header_problem(self, headers: list[tuple[bytes, bytes]]) -> str | None:
        total = 0
        for name, value in headers:
            if len(name) + len(value) > self.max_header_bytes:
                shown = name[:40].decode("latin-1").title() + ("..." if len(name) > 40 else "")
                return f"the {shown} header is longer than {self.max_header_bytes:,} bytes, the limit of this server"
            total += len(name) + len(value)
        if total > 4 * self.max_header_bytes:
            return f"the request's headers are longer than {4 * self.max_header_bytes:,} bytes in all, the limit of " \
                   "this server"
        return None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        peer = scope.get("client")
        CLIENT.set(peer[0] if peer else "")
        headers = scope.get("headers", [])
        problem = self._header_problem(headers)
        if problem is not None:
            return await error(431, problem)(scope, receive, send)
        message = f"the request is larger than {self.max_bytes:,} bytes, the limit of this server\n"
        too_big = error(413, message)
        if len(scope.get("query_string", b"")) > self.max_bytes:
            return await too_big(scope, receive, send)
        length = dict(headers).get(b"content-length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            return await too_big(scope, receive, send)
        deadline = asyncio.get_running_loop().time() + self.read_timeout
        seen, complete, started = 0, False, False

        async def counted_receive() -> dict:
            nonlocal seen, complete
            if complete:  # the body is in: later calls wait for the client to go away, with no deadline
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    event = await receive()
            except TimeoutError:
                raise _TooSlow from None
            seen += len(event.get("body", b""))
            if seen > self.max_bytes:
                raise _TooBig
            complete = event["type"] != "http.request" or not event.get("more_body", False)
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
        except _TooSlow:
            if not started:
                expected = f" of {int(length):,}" if length and length.isdigit() else ""
                slow = error(408, f"the request body did not arrive within {self.read_timeout:g} s, the limit of this "
                                  f"server (got {seen:,}{expected} bytes)")
                slow.headers["Connection"] = "close"  # the rest of the body may still come: end the connection
                await slow(scope, receive, send)


class _TooBig(Exception):
    pass


class _TooSlow(Exception):
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
