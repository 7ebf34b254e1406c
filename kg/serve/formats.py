"""Formats: the result and graph serialisations the server speaks, and content negotiation.

A SELECT or ASK query answers in a *results* format, a CONSTRUCT or DESCRIBE query in a *graph*
format; which one applies is known only once the query has been parsed, so a request is turned into
a :class:`Choice` holding one of each.

>>> choose(None, "text/csv, application/n-triples;q=0.5")
Choice(results='csv', graph='ntriples', asked='Accept: text/csv, application/n-triples;q=0.5')
>>> choose("json", None)
Choice(results='json', graph='jsonld', asked='format=json')
"""

from __future__ import annotations

from dataclasses import dataclass

from ..rdf_formats import FORMATS

__all__ = ["RESULT_TYPES", "GRAPH_TYPES", "FORMAT_NAMES", "Choice", "BadFormat", "negotiate", "choose"]

#: Results format → its media type (SPARQL 1.1 Query Results JSON, XML, CSV, TSV).
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
#: Graph format → its media type (the triple formats of kg.rdf_formats).
GRAPH_TYPES = {name: FORMATS[name].media_type for name in ("turtle", "ntriples", "jsonld", "rdfxml")}
#: Media types a client may ask for, in the server's order of preference, with the format each gives.
RESULT_ACCEPT = [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("application/json", "json"),
    ("application/xml", "xml"), ("text/xml", "xml"), ("text/javascript", "json"), ("application/javascript", "json"),
]
GRAPH_ACCEPT = [
    ("text/turtle", "turtle"), ("application/n-triples", "ntriples"), ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"), ("application/x-turtle", "turtle"), ("application/turtle", "turtle"),
    ("text/n3", "turtle"), ("text/rdf+n3", "turtle"), ("application/n3", "turtle"), ("text/plain", "ntriples"),
    ("application/x-json+ld", "jsonld"), ("application/json", "jsonld"), ("application/xml", "rdfxml"),
    ("text/xml", "rdfxml"),
]
#: ``format=`` values → (results format, graph format); ``None`` where the name does not apply.
FORMAT_NAMES = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "rdfxml"), "srx": ("xml", None),
    "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n3": (None, "turtle"),
    "ntriples": (None, "ntriples"), "nt": (None, "ntriples"), "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"), "rdf": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"), "owl": (None, "rdfxml"),
}


class BadFormat(Exception):
    """An unknown ``format=`` value, or an ``Accept`` header that no format satisfies (``status`` 400 or 406)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Choice:
    """The format to answer in for each kind of result (``None``: that kind cannot be answered)."""

    results: str | None
    graph: str | None
    asked: str = ""

    def pick(self, kind: str) -> str:
        """The format for ``kind`` (``results`` or ``graph``); BadFormat when the request allows none."""
        fmt = self.results if kind == "results" else self.graph
        if fmt is None:
            offered = ", ".join(RESULT_TYPES if kind == "results" else GRAPH_TYPES)
            what = "SELECT and ASK" if kind == "results" else "CONSTRUCT and DESCRIBE"
            status = 400 if self.asked.startswith("format=") else 406
            raise BadFormat(f"{self.asked} does not fit a {what} result; use one of: {offered}", status)
        return fmt


def _parse_accept(accept: str) -> list[tuple[str, float, int]]:
    """``(media range, q, position)`` for each entry of an Accept header."""
    entries = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        entries.append((media, q, position))
    return entries


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """The value of the offer the ``Accept`` header likes best (ties: the server's order); None if none fits.

    >>> negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", [("text/turtle", "ttl"), ("text/html", "html")])
    'html'
    """
    if not accept or not accept.strip():
        return offers[0][1]
    quality: dict[str, float] = {}
    for pattern, pq, _ in _parse_accept(accept):  # a range given twice counts as first given
        quality.setdefault(pattern, pq)
    best, best_key = None, None
    for order, (media, value) in enumerate(offers):
        main = media.split("/")[0]
        q, specificity = None, -1
        for spec, pattern in ((2, media), (1, f"{main}/*"), (0, "*/*")):  # the most specific matching range sets q
            if pattern in quality:
                q, specificity = quality[pattern], spec
                break
        if q is None or q <= 0:
            continue
        key = (-q, -specificity, order)
        if best_key is None or key < best_key:
            best, best_key = value, key
    return best


def choose(format_param: str | None, accept: str | None) -> Choice:
    """The formats a request asks for, from its ``format=`` parameter (first) or its ``Accept`` header."""
    if format_param:
        name = format_param.strip().lower()
        if "/" in name:  # a media type given as the format
            results, graph = negotiate(name, RESULT_ACCEPT), negotiate(name, GRAPH_ACCEPT)
            if results or graph:
                return Choice(results, graph, f"format={format_param}")
        elif name in FORMAT_NAMES:
            return Choice(*FORMAT_NAMES[name], f"format={format_param}")
        raise BadFormat(f"unknown format '{format_param}'; use one of: {', '.join(FORMAT_NAMES)}")
    results, graph = negotiate(accept, RESULT_ACCEPT), negotiate(accept, GRAPH_ACCEPT)
    if results is None and graph is None:
        raise BadFormat(f"Accept: {accept} matches no format of this server; it offers "
                        f"{', '.join(t.split(';')[0] for t in [*RESULT_TYPES.values(), *GRAPH_TYPES.values()])}", 406)
    return Choice(results, graph, f"Accept: {accept}" if accept else "")
