"""The rdflib-backed endpoint of ``bench/load.py``: rdflib-endpoint serving an N-Quads file.

    python bench/_rdflib_endpoint.py GRAPH.nq --port 8001

The file is parsed into an rdflib ``Dataset`` whose default graph is the union of its graphs, and
served by the ``rdflib-endpoint`` package (``SparqlEndpoint``, FastAPI) at ``/sparql`` under
uvicorn on 127.0.0.1, as its own ``rdflib-endpoint serve`` command does. One change: rdflib 7 fails
on ``GROUP_CONCAT(DISTINCT ?x)`` over an unbound ``?x``; the same patch that MRKG's rdflib engine
applies (:func:`kg.store._skip_unbound_in_distinct_aggregates`) makes it skip such rows, as SPARQL
1.1 says. ``--no-patch`` leaves rdflib as it is.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Load the file, then serve it until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", help="N-Quads file to serve")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--no-patch", action="store_true", help="leave rdflib's DISTINCT aggregates unpatched")
    args = parser.parse_args(argv)

    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    if not args.no_patch:
        from kg.store import _skip_unbound_in_distinct_aggregates

        _skip_unbound_in_distinct_aggregates()
    dataset = Dataset(default_union=True)
    dataset.parse(args.graph, format="nquads")
    print(f"rdflib-endpoint: {len(dataset):,} triples in the union default graph", file=sys.stderr, flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql", title="MRKG on rdflib-endpoint")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
