"""MRKG, the muscle relaxant knowledge graph: build, query, traverse and export a sourced RDF graph.

Start with :func:`kg.load`; the modules follow the data flow: ``tables`` → ``build`` → ``cache`` →
``store`` → ``query`` / ``describe`` / ``traverse`` / ``export`` → ``cli``.
"""

from .api import KnowledgeGraph, load
from .errors import DataError, EntityNotFound, MRKGError, QueryError

__all__ = ["KnowledgeGraph", "load", "MRKGError", "DataError", "QueryError", "EntityNotFound"]
__version__ = "0.1.0"
