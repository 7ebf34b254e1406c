"""The RDF serialisations MRKG reads and writes: one table of names, media types, file extensions and each
engine's name for them (no third-party import at module level, so the CLI and the server start fast).

>>> FORMATS["nquads"].media_type, FORMATS["nquads"].extension, FORMATS["nquads"].datasets
('application/n-quads', '.nq', True)
>>> [f.name for f in FORMATS.values() if not f.datasets]
['turtle', 'ntriples', 'rdfxml', 'jsonld']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["RdfFormat", "FORMATS", "oxigraph_format", "prefixes_for"]


@dataclass(frozen=True)
class RdfFormat:
    """One serialisation: MRKG's name, its media type and file extension, rdflib's and pyoxigraph's names for it."""

    name: str
    media_type: str
    extension: str
    rdflib: str
    oxigraph: str
    #: holds named graphs (a triple format holds one graph: the merge)
    datasets: bool
    #: written with the MRKG prefixes (formats that can abbreviate IRIs)
    abbreviates: bool


FORMATS: dict[str, RdfFormat] = {f.name: f for f in (
    RdfFormat("nquads", "application/n-quads", ".nq", "nquads", "N_QUADS", True, False),
    RdfFormat("trig", "application/trig", ".trig", "trig", "TRIG", True, True),
    RdfFormat("turtle", "text/turtle; charset=utf-8", ".ttl", "turtle", "TURTLE", False, True),
    RdfFormat("ntriples", "application/n-triples", ".nt", "nt", "N_TRIPLES", False, False),
    RdfFormat("rdfxml", "application/rdf+xml", ".rdf", "xml", "RDF_XML", False, True),
    RdfFormat("jsonld", "application/ld+json", ".jsonld", "json-ld", "JSON_LD", False, True),
)}


def oxigraph_format(name: str) -> Any:
    """pyoxigraph's ``RdfFormat`` for the format called ``name`` (imports pyoxigraph)."""
    import pyoxigraph as ox

    return getattr(ox.RdfFormat, FORMATS[name].oxigraph)


def prefixes_for(name: str, prefixes: dict[str, str]) -> dict[str, str] | None:
    """``prefixes`` when the format abbreviates IRIs with them, else None."""
    return prefixes if FORMATS[name].abbreviates else None
