"""MRKG, the muscle relaxant knowledge graph: build, query, traverse and export a sourced RDF graph.

Start with :func:`kg.load` (or :func:`kg.connect` for a SPARQL endpoint); the modules follow the
data flow: ``tables`` → ``build`` → ``cache`` → ``store`` → ``query`` / ``describe`` / ``traverse`` /
``export`` → ``cli``; ``remote`` reaches SPARQL endpoints and on-disk stores.
"""

from .api import KnowledgeGraph, connect, load
from .errors import DataError, EntityNotFound, MRKGError, QueryError

__all__ = ["KnowledgeGraph", "load", "connect", "MRKGError", "DataError", "QueryError", "EntityNotFound"]
__version__ = "0.1.0"
