"""Serve: the graph over HTTP — a read-only SPARQL 1.1 endpoint, the named queries, linked data, an explorer.

``create_app()`` builds the app (FastAPI, no module globals); ``run_serve()`` runs it on 127.0.0.1
(``mrkg serve``). Modules: ``app`` (the app factory), ``routes_sparql``, ``routes_queries`` and
``routes_pages`` (the routers), ``http`` (responses, errors, the request limits), ``protocol``
(uvicorn's h11 with a deadline for each request's head and caps on connections), ``formats``
(content negotiation), ``safety`` (what a query may not do), ``pool`` and ``worker`` (queries in
killable, memory-capped processes, shared fairly between clients), ``descriptions`` (Service
Description, VoID), ``pages`` (HTML).
"""

from .app import DEFAULT_HOST, create_app, run_serve, server_config

__all__ = ["create_app", "run_serve", "server_config", "DEFAULT_HOST"]
