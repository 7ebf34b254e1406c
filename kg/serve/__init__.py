"""Serve: the graph over HTTP — a read-only SPARQL 1.1 endpoint, the named queries, linked data, an explorer.

``create_app()`` builds the app (FastAPI, no module globals); ``run_serve()`` runs it on 127.0.0.1
(``mrkg serve``). Modules: ``app`` (the app factory), ``routes_sparql``, ``routes_queries`` and
``routes_pages`` (the routers), ``http`` (responses, errors, the request size limit), ``formats``
(content negotiation), ``safety`` (what a query may not do), ``pool`` and ``worker`` (queries in
killable processes), ``descriptions`` (Service Description, VoID), ``pages`` (HTML).
"""

from .app import DEFAULT_HOST, create_app, run_serve

__all__ = ["create_app", "run_serve", "DEFAULT_HOST"]
