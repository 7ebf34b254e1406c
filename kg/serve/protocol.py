"""Protocol: uvicorn's h11 protocol with the limits a public server needs that uvicorn lacks.

- A deadline for each request's head: from the moment a connection opens, or its last answer ends, the request
  line and headers must be in within ``read_timeout`` seconds. A client that sent part of them gets a 408 and the
  connection is closed; one that sent nothing is closed quietly. (uvicorn's keep-alive timer stops at the first
  byte, so a client sending one byte a second would hold its connection for ever.)
- Caps on open connections, in all and for one client address: a connection past either gets a 503 with
  ``Retry-After`` and is closed at once, so slow or idle sockets cannot pile up.

The body has its own deadline, in :class:`kg.serve.http.LimitRequestSize`.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["GuardedH11Protocol", "guarded_protocol"]


class GuardedH11Protocol(H11Protocol):
    """:class:`H11Protocol` with a deadline on each request's head and caps on open connections."""

    read_timeout: float = 10.0
    max_connections: int = 256
    max_connections_per_client: int = 128

    _head_timer: asyncio.TimerHandle | None = None
    _head_for: Any = None  # the request cycle that was current when the deadline was set
    _partial = False  # bytes came after the deadline was set

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        host = _host(self)
        mine = sum(1 for other in self.connections if _host(other) == host)
        if len(self.connections) > self.max_connections:
            self._close_with(503, f"this server has {self.max_connections:,} connections open, its limit; retry later",
                             retry=True)
        elif mine > self.max_connections_per_client:
            self._close_with(503, f"this client has {self.max_connections_per_client:,} connections open, the limit "
                                  "of this server for one client; close some, or retry later", retry=True)
        else:
            self._set_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._clear_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._partial = True
        super().data_received(data)
        if self.cycle is not self._head_for:  # a new request's head is in
            self._clear_deadline()

    def on_response_complete(self) -> None:
        answered = self.cycle
        super().on_response_complete()
        if not self.transport.is_closing() and self.cycle is answered:  # no pipelined request started meanwhile
            self._set_deadline()

    def _set_deadline(self) -> None:
        self._clear_deadline()
        self._head_for, self._partial = self.cycle, False
        self._head_timer = self.loop.call_later(self.read_timeout, self._head_timed_out)

    def _clear_deadline(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.cycle is not self._head_for:
            return
        if not self._partial:
            self.transport.close()
            return
        self._close_with(408, f"the request's head did not arrive within {self.read_timeout:g} s, the limit of this "
                              "server")

    def _close_with(self, status: int, message: str, retry: bool = False) -> None:
        """Write a plain-text answer straight to the socket and close it (no request is being answered)."""
        body = (message + "\n").encode()
        head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "content-type: text/plain; charset=utf-8",
                f"content-length: {len(body)}", "connection: close", "x-content-type-options: nosniff"]
        if retry:
            head.append(f"retry-after: {max(1, round(self.read_timeout))}")
        self.transport.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        self.transport.close()


def _host(protocol: Any) -> str | None:
    """The client address of a connection's protocol (None when unknown)."""
    client = getattr(protocol, "client", None)
    return client[0] if client else None


def guarded_protocol(read_timeout: float, max_connections: int, max_connections_per_client: int) -> type:
    """A :class:`GuardedH11Protocol` class with these limits, for ``uvicorn.Config(http=...)``."""
    limits = {"read_timeout": read_timeout, "max_connections": max_connections,
              "max_connections_per_client": max_connections_per_client}
    return type("GuardedH11Protocol", (GuardedH11Protocol,), limits)
