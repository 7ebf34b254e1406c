"""Write what ingest found: the document's claims graph (N-Quads, the curated claims' model) and the reports
(a table for people, CSV and JSON for programs, HTML with the sentences highlighted by verdict).

Each claim is an ``mr:Claim`` in the document's own named graph with its quote, offsets, subject, predicate and
object, the verdict as ``mr:assessment`` with the reason as ``mr:assessmentNote``, the sources as
``mr:assessedAgainst``, and ``mr:assessmentMethod mr:method-automatic`` (a curator's assessment has none). The
document is described as an ``mr:Article`` in ``graph:sources``, like the curated sources.
"""

from __future__ import annotations

import csv
import html
import io
import json
from typing import TYPE_CHECKING, Any

from ..iris import BASE, GRAPH_BASE, SOURCES_GRAPH, date_datatype, graph_iri, node_iri, source_iri

if TYPE_CHECKING:
    from . import IngestReport
    from .extract import Claim

__all__ = ["COLUMNS", "FORMATS", "to_nquads", "render", "rows"]

COLUMNS = ("quote", "subject", "predicate", "object", "verdict", "reason", "sources")
FORMATS = ("table", "csv", "json", "html")
MR = BASE + "vocab/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DCTERMS = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Verdict → the assessment value of the ontology.
ASSESSMENT = {"supported": "assessment-supported", "contradicted": "assessment-contradicted",
              "not-in-graph": "assessment-not-in-graph", "not-checkable": "assessment-not-checkable"}
VOCAB_QUERY = """
SELECT ?cp ?p ?v ?code WHERE {
  ?p mr:claimPredicate ?cp .
  OPTIONAL { ?p rdfs:range ?cls . ?v a ?cls ; mr:code ?code }
}"""


def _slug(iri: str | None) -> str:
    return iri.rsplit("/", 1)[1] if iri else ""


def claim_iri(report: IngestReport, number: int) -> str:
    return node_iri("claim", f"{report.document.id}-{number:03d}")


def to_nquads(report: IngestReport, store: Any) -> str:
    """The document's claims graph and its source description, as N-Quads."""
    import pyoxigraph as ox

    props: dict[str, str] = {}
    coded: dict[tuple[str, str], str] = {}
    for row in store.query(VOCAB_QUERY).dicts():
        props[row["cp"]] = row["p"]
        if row.get("code"):
            coded[(row["cp"], row["code"])] = row["v"]
    doc = report.document
    source, graph = ox.NamedNode(source_iri(doc.id)), ox.NamedNode(graph_iri(doc.id))
    sources = ox.NamedNode(SOURCES_GRAPH)
    quads = [ox.Quad(source, ox.NamedNode(p), o, sources) for p, o in _source_triples(doc, ox)]
    for number, claim in enumerate(report.claims, start=1):
        node = ox.NamedNode(claim_iri(report, number))

        def add(p: str, o: Any, node: Any = node) -> None:
            quads.append(ox.Quad(node, ox.NamedNode(p), o, graph))

        add(RDF + "type", ox.NamedNode(MR + "Claim"))
        add(DCTERMS + "identifier", ox.Literal(f"{doc.id}-{number:03d}"))
        add(RDF + "subject", ox.NamedNode(claim.subject))
        add(RDF + "predicate", ox.NamedNode(props[claim.predicate]))
        if claim.object:
            add(RDF + "object", ox.NamedNode(claim.object))
        else:
            value = claim.object_value or ""
            coded_value = coded.get((claim.predicate, value))
            add(RDF + "object", ox.NamedNode(coded_value) if coded_value else ox.Literal(value))
            add(MR + "objectValue", ox.Literal(value))
        add(MR + "quote", ox.Literal(claim.quote))
        add(MR + "quoteStart", ox.Literal(str(claim.start), datatype=ox.NamedNode(XSD + "integer")))
        add(MR + "quoteEnd", ox.Literal(str(claim.end), datatype=ox.NamedNode(XSD + "integer")))
        if claim.negated:
            add(MR + "negationCue", ox.Literal(claim.negated))
        if claim.hedged:
            add(MR + "hedgeCue", ox.Literal(claim.hedged))
        add(MR + "assessment", ox.NamedNode(MR + ASSESSMENT[claim.verdict]))
        add(MR + "assessmentMethod", ox.NamedNode(MR + "method-automatic"))
        add(MR + "assessmentNote", ox.Literal(claim.reason))
        for ident in claim.sources:
            add(MR + "assessedAgainst", ox.NamedNode(source_iri(ident)))
        add(DCTERMS + "source", source)
    return (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")


def _source_triples(doc: Any, ox: Any) -> list[tuple[str, Any]]:
    triples = [(RDF + "type", ox.NamedNode(MR + "Article")), (DCTERMS + "identifier", ox.Literal(doc.id)),
               (DCTERMS + "title", ox.Literal(doc.title)), (RDFS + "label", ox.Literal(doc.title)),
               (DCTERMS + "rights", ox.Literal("unknown (an article ingested by mrkg ingest; quoted for commentary)")),
               (MR + "commercialUse", ox.Literal("unknown")), (MR + "graph", ox.NamedNode(GRAPH_BASE + doc.id))]
    if doc.publisher:
        triples.append((DCTERMS + "publisher", ox.Literal(doc.publisher)))
    if doc.date:
        try:
            datatype = date_datatype(doc.date)
        except ValueError:  # a month or day that does not exist ("2024-13"): kept as the text given, not ill-typed
            datatype = None
        triples.append((DCTERMS + "date", ox.Literal(doc.date, datatype=ox.NamedNode(datatype)) if datatype
                        else ox.Literal(doc.date)))
    if doc.url:
        triples.append(("http://xmlns.com/foaf/0.1/page", ox.NamedNode(doc.url)))
    return triples


def rows(report: IngestReport) -> list[dict[str, Any]]:
    """One dict per claim with :data:`COLUMNS` (and the offsets and flags, which JSON keeps)."""
    out = []
    for claim in report.claims:
        out.append({"quote": claim.quote, "subject": _slug(claim.subject), "predicate": claim.predicate,
                    "object": _slug(claim.object) if claim.object else claim.object_value or "",
                    "verdict": claim.verdict, "reason": claim.reason, "sources": ";".join(claim.sources),
                    "start": claim.start, "end": claim.end, "negated": claim.negated or "", "hedged": claim.hedged or ""})
    return out


def render(report: IngestReport, fmt: str = "table") -> str:
    """The report in one of :data:`FORMATS`."""
    if fmt == "json":
        doc = report.document
        return json.dumps({"document": {"id": doc.id, "title": doc.title, "url": doc.url, "date": doc.date,
                                        "publisher": doc.publisher, "kind": report.article.kind},
                           "counts": report.counts, "claims": rows(report)}, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(report))
        return buffer.getvalue()
    if fmt == "html":
        return _html(report)
    return _table(report)


def _table(report: IngestReport) -> str:
    from ..results import printable

    def cut(text: str, width: int) -> str:
        text = printable(" ".join(text.split()))
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = [["verdict", "subject", "predicate", "object", "quote"]]
    for row in rows(report):
        lines.append([row["verdict"], cut(row["subject"], 24), row["predicate"], cut(row["object"], 30), cut(row["quote"], 60)])
    widths = [max(len(line[i]) for line in lines) for i in range(5)]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    summary = ", ".join(f"{n} {verdict}" for verdict, n in sorted(report.counts.items()))
    out.append(f"({len(report.claims)} claims in {len(report.sentences)} sentences: {summary}; {report.seconds:.2f} s)")
    return "\n".join(out) + "\n"


#: The verdict a sentence is coloured by when its claims differ: the one a reader must see first.
SHOWN_ORDER = ("contradicted", "supported", "not-in-graph", "not-checkable")
STYLE = """body{font:16px/1.6 system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em}
mark{border-radius:3px;padding:0 2px}.supported{background:#c8f0c8}.contradicted{background:#f7c1c1}
.not-in-graph{background:#fbe7a6}.not-checkable{background:#e4e4e4}.legend span{margin-right:1em}
table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"""


def _html(report: IngestReport) -> str:
    text = report.article.text
    by_sentence: dict[int, list[Claim]] = {}
    for claim in report.claims:
        for i, sentence in enumerate(report.sentences):
            if sentence.start < claim.end and claim.start < sentence.end:
                by_sentence.setdefault(i, []).append(claim)
    parts, cursor = [], 0
    for i, sentence in enumerate(report.sentences):
        parts.append(html.escape(text[cursor:sentence.start]))
        claims = by_sentence.get(i)
        body = html.escape(sentence.text)
        if claims:
            verdict = min((c.verdict for c in claims), key=SHOWN_ORDER.index)
            title = "\n".join(f"{c.verdict}: {_slug(c.subject)} {c.predicate} "
                              f"{_slug(c.object) if c.object else c.object_value} — {c.reason}" for c in claims)
            body = f'<mark class="{verdict}" title="{html.escape(title)}">{body}</mark>'
        parts.append(body)
        cursor = sentence.end
    parts.append(html.escape(text[cursor:]))
    article = "".join(parts).replace("\n", "<br>\n")
    legend = "".join(f'<span><mark class="{v}">{v.replace("-", " ")}</mark></span>' for v in SHOWN_ORDER)
    table_rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(row[c]))}</td>" for c in COLUMNS) + "</tr>\n"
                         for row in rows(report))
    head = "".join(f"<th>{c}</th>" for c in COLUMNS)
    title = html.escape(report.document.title)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title} — mrkg ingest</title>'
            f"<style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n<p class=\"legend\">{legend}</p>\n"
            f"<article>{article}</article>\n<h2>Claims</h2>\n<table><tr>{head}</tr>\n{table_rows}</table>\n</body></html>\n")
