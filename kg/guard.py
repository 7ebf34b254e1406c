"""Guard: refuse updates and anything that would reach outside the graph, from the query's tokens.

Both fronts use it: ``mrkg serve`` for what clients send, and the embedded engines (:class:`kg.store.Store`)
for what the CLI and the Python API run, so that nothing is fetched from the network or read from a
file unless the user asked for it (``--allow-remote-fetch``).

The check reads the query's tokens (:mod:`kg.lexer`: comments, strings, IRIs, prefixed names,
variables and keywords, as the SPARQL 1.1 grammar defines its terminals, in linear time), so a
keyword inside a comment, a literal, an IRI or a prefixed name never counts, and a real one is
never missed:

>>> check_query('SELECT * WHERE { ?s ?p "SERVICE" } # LOAD <x>', set())
>>> check_query('SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }', set())
Traceback (most recent call last):
...
kg.guard.Refused: SERVICE reaches another endpoint over the network; this server refuses it (start it with --allow-remote-fetch to allow it)
"""

from __future__ import annotations

from urllib.parse import urljoin

from .iris import PREFIXES
from .lexer import tokens

__all__ = ["Refused", "check_query", "check_dataset"]

#: Keywords that open a SPARQL Update operation.
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"}
QUERY_WORDS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
#: Who refuses, and how to allow it: the server's words (the embedded engines pass their own).
SERVER = ("this server", "start it with --allow-remote-fetch to allow it")

class Refused(Exception):
    """A query the server will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _iri(text: str, base: str | None) -> str:
    """The IRI an IRIREF token (``<...>``) names, resolved against ``base``."""
    return urljoin(base, text[1:-1]) if base else text[1:-1]


def _expand(kind: str, text: str, prefixes: dict[str, str], base: str | None) -> str | None:
    if kind == "iri":
        return _iri(text, base)
    if kind == "pname":
        prefix, _, local = text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def check_query(query: str, local_graphs: set[str], allow_remote: bool = False,
                who: tuple[str, str] = SERVER, base: str | None = None) -> None:
    """Raise :class:`Refused` for an update, LOAD, SERVICE, or FROM / FROM NAMED outside ``local_graphs``.

    ``who`` is (who refuses, how to allow it), for the message; ``base`` the base IRI the engine resolves relative IRIs
    against, until the query's own BASE.
    """
    refuser, hint = who
    toks = [(token.kind, token.text) for token in tokens(query)]
    prefixes = dict(PREFIXES)
    form = None
    for i, (kind, text) in enumerate(toks):
        word = text.upper() if kind == "word" else ""
        if form is None:  # still in the prologue
            if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1][0] == "pname" and toks[i + 2][0] == "iri":
                prefixes[toks[i + 1][1].rstrip(":")] = _iri(toks[i + 2][1], base)
            elif word == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
                base = _iri(toks[i + 1][1], base)
            elif word in UPDATE_WORDS:
                raise Refused(f"this endpoint is read-only: SPARQL Update ({word}) is refused", 403)
            elif word in QUERY_WORDS:
                form = word
        if word == "LOAD":
            raise Refused(f"LOAD reads a document from the network or a file; {refuser} is read-only and refuses it")
        if word == "SERVICE" and not allow_remote:
            raise Refused(f"SERVICE reaches another endpoint over the network; {refuser} refuses it ({hint})")
        if word == "FROM" and not allow_remote:
            j = i + 1
            if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "NAMED":
                j += 1
            iri = _expand(*toks[j], prefixes, base) if j < len(toks) else None
            if iri is None:
                continue  # not a dataset clause the lexer understands; the parser reports it
            if iri not in local_graphs:
                raise Refused(f"FROM <{iri}>: not a graph of this dataset; {refuser} refuses to read from "
                              f"outside ({hint})")


def check_dataset(default_graphs: list[str], named_graphs: list[str], local_graphs: set[str],
                  allow_remote: bool = False) -> None:
    """Refuse ``default-graph-uri`` / ``named-graph-uri`` values that are not graphs of this dataset."""
    if allow_remote:
        return
    for iri in [*default_graphs, *named_graphs]:
        if iri not in local_graphs:
            raise Refused(f"graph <{iri}> is not a graph of this dataset; this server refuses to read from "
                          f"outside ({SERVER[1]}); GET /void lists its graphs")
