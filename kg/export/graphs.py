"""Entity-graph exports for graph tools: GraphML, GEXF, Cytoscape.js JSON, the HTML view and Graphviz DOT.

Every node carries the colour of its kind (``mr:colour`` in the ontology, :func:`kg.traverse.colour_of`): as ``colour``
in GraphML and Cytoscape.js, as ``viz:color`` in GEXF (Gephi draws it), as ``fillcolor`` in DOT, and in the HTML view,
the same colours as the explorer's picture.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from ..iris import shorten
from ..paths import STATIC_DIR
from ..traverse import colour_of, kind_legend

# --- GraphML, GEXF, Cytoscape.js ---------------------------------------------------------------


def to_graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are plain strings (GraphML/GEXF writers reject lists and None)."""
    ready = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        ready.add_node(node, **{k: _plain(v) for k, v in data.items()}, iri=node, colour=colour_of(graph, data.get("type", "")))
    for u, v, key, data in graph.edges(keys=True, data=True):
        ready.add_edge(u, v, key=key, **{k: _plain(val) for k, val in data.items()})
    return ready


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return ";".join(str(v) for v in value)
    return str(value)


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """GraphML with one id per edge (``e0``, ``e1``, ...): networkx would write the predicate, shared by hundreds
    of edges, which graphology refuses and igraph misreads; the predicate (a statement's kind) stays in ``relation``
    and ``predicate``."""
    ready = to_graphml_ready(graph)
    for number, (_, _, data) in enumerate(ready.edges(data=True)):
        data["edge_id"], data["relation"] = f"e{number}", shorten(data["predicate"])
    nx.write_graphml(ready, str(path), encoding="utf-8", edge_id_from_attribute="edge_id")


def _rgb(colour: str) -> dict[str, int]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16)}


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """GEXF 1.2 with each node's kind colour as ``viz:color``, which Gephi draws."""
    ready = to_graphml_ready(graph)
    for _, data in ready.nodes(data=True):
        data["viz"] = {"color": {**_rgb(data["colour"]), "a": 1.0}}
    nx.write_gexf(ready, str(path), encoding="utf-8")


def to_cytoscape(graph: nx.MultiDiGraph) -> dict:
    """Cytoscape.js JSON (``networkx.cytoscape_data``): node ``name`` is the label, edge ``key`` the predicate."""
    data = nx.cytoscape_data(graph, name="name", ident="id")
    data["data"] = [item for item in data["data"] if item[0] in ("around", "depth")]  # not the lookup tables
    kinds = graph.graph.get("kinds", {})
    for node in data["elements"]["nodes"]:
        node_data = node["data"]
        node_data["name"] = node_data.get("label", node_data["id"])
        node_type = node_data.get("type", "")
        node_data["kind"] = kinds.get(node_type, node_data.get("type_label", ""))
        node_data["colour"] = colour_of(graph, node_type)
    # Cytoscape desktop and Cytoscape.js draw each node in its kind's colour with this style
    data["style"] = [{"selector": "node", "style": {"background-color": "data(colour)", "label": "data(name)"}}]
    return data


def write_cytoscape(graph: nx.MultiDiGraph, path: Path) -> None:
    path.write_text(json.dumps(to_cytoscape(graph), ensure_ascii=False, indent=1), encoding="utf-8")


def to_html(graph: nx.MultiDiGraph, title: str = "MRKG", focus: Sequence[str] = ()) -> str:
    """One self-contained HTML page drawing ``graph`` with the vendored Cytoscape.js (works offline)."""
    data = {"elements": to_cytoscape(graph)["elements"], "focus": list(focus),
            "legend": kind_legend(graph, {d.get("type", "") for _, d in graph.nodes(data=True)})}
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    page = (STATIC_DIR / "view.html").read_text(encoding="utf-8")
    page = page.replace("__TITLE__", _html_escape(title)).replace("__DATA__", payload)
    return page.replace("__CYTOSCAPE__", (STATIC_DIR / "cytoscape.min.js").read_text(encoding="utf-8"))


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_html(graph: nx.MultiDiGraph, path: Path) -> None:
    focus = graph.graph.get("around", [])
    labels = [graph.nodes[iri].get("label", iri) for iri in focus]
    title = f"MRKG: {', '.join(labels)} (depth {graph.graph['depth']})" if focus else "MRKG: the whole graph"
    path.write_text(to_html(graph, title, focus), encoding="utf-8")



# --- Graphviz DOT ------------------------------------------------------------------------------


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: nx.MultiDiGraph) -> Any:
    """A ``pydot.Dot`` digraph: nodes by IRI with label/type/sources, edges labelled by relation."""
    import pydot

    dot = pydot.Dot("mrkg", graph_type="digraph", strict=False)
    dot.set_node_defaults(shape="box", style="rounded", fontsize="10")
    dot.set_edge_defaults(fontsize="8")
    for node, data in sorted(graph.nodes(data=True)):
        dot.add_node(pydot.Node(_dot_id(node), label=_dot_id(data["label"]), type=_dot_id(data["type"]),
                                type_label=_dot_id(data["type_label"]), style='"rounded,filled"',
                                fillcolor=_dot_id(colour_of(graph, data["type"]) + "40"),  # the kind's colour, light
                                color=_dot_id(colour_of(graph, data["type"]))))
    for u, v, key, data in sorted(graph.edges(keys=True, data=True)):
        dot.add_edge(pydot.Edge(_dot_id(u), _dot_id(v), key=_dot_id(key), label=_dot_id(data["label"]),
                                sources=_dot_id(";".join(data["sources"]))))
    return dot


def write_dot(graph: nx.MultiDiGraph, path: Path) -> None:
    path.write_text(to_dot(graph).to_string(), encoding="utf-8")


