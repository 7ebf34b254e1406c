"""Descriptions: the SPARQL 1.1 Service Description of ``/sparql`` and the VoID/DCAT description at ``/void``.

Both are built from the counts and the source registry a worker reads once at start-up
(:meth:`kg.serve.worker.Worker.stats`), as RDF triples, so they negotiate like any graph.
"""

from __future__ import annotations

from typing import Any

from ..iris import BASE, PREFIXES, VOCAB

__all__ = ["service_description", "void_description", "DESCRIPTION_PREFIXES"]

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
FORMATS = "http://www.w3.org/ns/formats/"
#: W3C format IRIs of the serialisations the endpoint speaks.
FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]
#: Prefixes written in the descriptions' Turtle.
DESCRIPTION_PREFIXES = {**PREFIXES, "sd": SD, "void": VOID, "dcat": DCAT, "formats": FORMATS}
DATASET = BASE + "dataset"


class _Triples(list):
    def add(self, s: Any, p: str, o: Any) -> None:
        import pyoxigraph as ox

        self.append(ox.Triple(s if not isinstance(s, str) else ox.NamedNode(s), ox.NamedNode(p),
                              o if not isinstance(o, str) else ox.NamedNode(o)))


def _lit(value: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(str(value))


def service_description(endpoint: str, stats: dict[str, Any], allow_remote: bool) -> list[Any]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    import pyoxigraph as ox

    t = _Triples()
    service = ox.BlankNode("service")
    t.add(service, RDF_TYPE, SD + "Service")
    t.add(service, SD + "endpoint", endpoint)
    t.add(service, SD + "supportedLanguage", SD + "SPARQL11Query")
    t.add(service, SD + "feature", SD + "UnionDefaultGraph")
    if allow_remote:
        t.add(service, SD + "feature", SD + "BasicFederatedQuery")
    for name in FORMAT_IRIS:
        t.add(service, SD + "resultFormat", FORMATS + name)
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    t.add(service, SD + "defaultDataset", dataset)
    t.add(dataset, RDF_TYPE, SD + "Dataset")
    t.add(dataset, DCT + "source", DATASET)
    t.add(dataset, SD + "defaultGraph", default)
    t.add(default, RDF_TYPE, SD + "Graph")
    t.add(default, VOID + "triples", _lit(stats["triples"]))
    t.add(default, DCT + "description", _lit("the RDF merge of every named graph: each fact once"))
    for i, (graph, count) in enumerate(stats["graphs"].items()):
        named, inner = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        t.add(dataset, SD + "namedGraph", named)
        t.add(named, SD + "name", graph)
        t.add(named, SD + "graph", inner)
        t.add(inner, VOID + "triples", _lit(count))
    return t


def void_description(endpoint: str, stats: dict[str, Any], version: str, build: str) -> list[Any]:
    """VoID and DCAT: the dataset, its version, rights, counts, and one subset per source with its licence."""
    t = _Triples()
    t.add(DATASET, RDF_TYPE, VOID + "Dataset")
    t.add(DATASET, RDF_TYPE, DCAT + "Dataset")
    t.add(DATASET, DCT + "title", _lit("MRKG, the muscle relaxant knowledge graph"))
    t.add(DATASET, DCT + "description", _lit(
        "Drugs, drug classes, mechanisms and targets, conditions, adverse effects and interactions of muscle "
        "relaxants; every fact cites its source, and each source has its own named graph."))
    t.add(DATASET, DCAT + "version", _lit(version))
    t.add(DATASET, "http://www.w3.org/2002/07/owl#versionInfo", _lit(f"{version} (build {build})"))
    open_sources = sum(1 for s in stats["sources"] if s.get("commercialUse") == "yes")
    t.add(DATASET, DCT + "rights", _lit(
        f"Mixed: each fact keeps the licence of the sources that state it "
        f"({open_sources} of {len(stats['sources'])} sources allow commercial reuse). See each void:subset."))
    t.add(DATASET, VOID + "sparqlEndpoint", endpoint)
    t.add(DATASET, VOID + "uriSpace", _lit(BASE))
    t.add(DATASET, VOID + "vocabulary", VOCAB)
    t.add(DATASET, VOID + "triples", _lit(stats["triples"]))
    t.add(DATASET, VOID + "entities", _lit(stats["entities"]))
    t.add(DATASET, VOID + "distinctSubjects", _lit(stats["subjects"]))
    for cls, count in sorted(stats["types"].items()):
        part = f"{DATASET}/class/{cls.rsplit('/', 1)[-1]}"
        t.add(DATASET, VOID + "classPartition", part)
        t.add(part, VOID + "class", cls)
        t.add(part, VOID + "entities", _lit(count))
    for source in stats["sources"]:
        subset = f"{DATASET}/{source['id']}"
        t.add(DATASET, VOID + "subset", subset)
        t.add(subset, RDF_TYPE, VOID + "Dataset")
        t.add(subset, DCT + "source", source["source"])
        t.add(subset, DCT + "identifier", _lit(source["id"]))
        t.add(subset, "http://www.w3.org/ns/sparql-service-description#name", source["graph"])
        t.add(subset, VOID + "triples", _lit(stats["graphs"].get(source["graph"], 0)))
        for key, prop in (("title", "title"), ("publisher", "publisher"), ("rights", "rights")):
            if source.get(key):
                t.add(subset, DCT + prop, _lit(source[key]))
        if source.get("commercialUse"):
            t.add(subset, VOCAB + "commercialUse", _lit(source["commercialUse"]))
        if source.get("page"):
            t.add(subset, DCAT + "landingPage", source["page"])
    return t
