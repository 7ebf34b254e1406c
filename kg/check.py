"""Check a medication list: every pair's one-line answer and its sources, the listed drugs' boxed warnings and
contraindications, and the interactions that only the rules predict.

The content comes from named queries (``interaction-summary``, ``interactions-between``, ``drug-warnings``,
``predicted-interactions``); this module puts it in the order a pharmacist reads it and writes it as text,
as one JSON document, or as one flat table (CSV/TSV) whose ``section`` column says what each row is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import QueryError
from .iris import shorten
from .store import Result, Term

if TYPE_CHECKING:
    from .api import KnowledgeGraph

__all__ = ["PairReport", "MedicationCheck", "check_medications", "FLAT_COLUMNS"]

#: Columns of the flat table (CSV, TSV): one row per summary, source statement, warning or prediction.
FLAT_COLUMNS = ["section", "drug", "other", "severity", "stated", "evidence", "disagreement", "through", "mechanism",
                "via", "management", "text", "sources", "detail", "node"]
#: Warning topics and recommendations shown for every listed drug.
WARNING_TOPICS = {"boxed-warning"}
WARNING_RECOMMENDATIONS = {"contraindicated"}
#: Cells that the queries join with "; " (GROUP_CONCAT, whose order SPARQL leaves to the engine).
LIST_CELLS = {"evidence", "levels", "through", "mechanism", "via", "sources"}


@dataclass
class PairReport:
    """One interacting pair: its summary (``interaction-summary`` row) and its statements (``interactions-between`` rows)."""

    drug: str
    other: str
    summary: dict[str, str | None]
    statements: list[dict[str, str | None]]

    @property
    def rank(self) -> int:
        """The summary severity's rank (1 = contraindicated)."""
        return int(self.summary["rank"] or 99)


@dataclass
class MedicationCheck:
    """What the graph says about a list of drugs, worst first."""

    drugs: list[tuple[str, str]]  # (IRI, label)
    pairs: list[PairReport] = field(default_factory=list)
    warnings: list[dict[str, str | None]] = field(default_factory=list)
    predicted: list[dict[str, str | None]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The whole check as plain data (the JSON output)."""
        return {"drugs": [{"iri": iri, "label": label} for iri, label in self.drugs],
                "pairs": [{"drug": p.drug, "other": p.other, "summary": p.summary, "statements": p.statements}
                          for p in self.pairs],
                "warnings": self.warnings, "predicted": self.predicted}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False)

    def to_result(self) -> Result:
        """The whole check as one flat table (for CSV and TSV)."""
        rows: list[tuple[Term | None, ...]] = []

        def add(section: str, **cells: str | None) -> None:
            rows.append(tuple(Term.literal(section) if c == "section" else
                              (Term.literal(str(cells[c])) if cells.get(c) not in (None, "") else None)
                              for c in FLAT_COLUMNS))

        for pair in self.pairs:
            s = pair.summary
            add("summary", drug=s["drug"], other=s["other"], severity=s["severity"], evidence=s["evidence"],
                disagreement=s["disagreement"], through=s["through"], mechanism=s["mechanism"], via=s["via"],
                management=s["management"], text=s["labelText"], stated=s["levels"], node=s["summary"])
            for st in pair.statements:
                add("statement", drug=s["drug"], other=s["other"], severity=st["severity"], stated=st["stated"],
                    evidence=st["evidence"], through=st["through"], mechanism=st["mechanism"], via=st["via"],
                    management=st["management"], text=st["sourceText"] or st["clinicalEffect"], sources=st["sources"],
                    detail=st["detail"], node=st["interaction"])
        for w in self.warnings:
            add("warning", drug=w["drug"], severity=w["recommendation"], stated=w["topicLabel"], text=w["detail"],
                sources=w["sources"], detail=_replaced(w))
        for p in self.predicted:
            add("predicted", drug=p["drug"], other=p["other"], severity="not recorded", mechanism=p["rule"],
                via=p["via"], text=p["path"])
        return Result(list(FLAT_COLUMNS), rows)

    def to_text(self) -> str:
        """The check for people: each pair's summary line with its sources beneath, then warnings, then predictions."""
        out = [f"Checked: {', '.join(label for _, label in self.drugs)}", "", "RECORDED interactions, worst first:"]
        if not self.pairs:
            out.append("  none recorded among these drugs")
        for pair in self.pairs:
            s = pair.summary
            flags = [s["evidence"] or "no credible source"]
            if s["disagreement"] == "true":
                flags.append("sources disagree by two or more levels")
            out.append(f"\n  {label_of(self, s['drug'])} + {s['partner']}: {(s['severity'] or '').upper()}  ({'; '.join(flags)})")
            for name, key in (("through class", "through"), ("mechanism", "mechanism"), ("via (enzyme or shared effect)", "via"),
                              ("management", "management"), ("label says", "labelText")):
                if s.get(key):
                    out.append(f"    {name}: {s[key]}")
            out.append("    source by source:")
            for st in pair.statements:
                through = f"  [through {st['through']}]" if st["through"] else ""
                out.append(f"      {st['severity']:<16} {st['sources']:<38} {st['stated']} ({st['evidence'] or '?'}){through}")
        out += ["", "BOXED WARNINGS and CONTRAINDICATIONS of the listed drugs:"]
        if not self.warnings:
            out.append("  none recorded")
        for w in self.warnings:
            replaced = f"  ({note})" if (note := _replaced(w)) else ""
            out.append(f"  {w['drugLabel']}: {w['topicLabel']} ({w['recommendation'] or 'see detail'}) {w['detail'] or ''}"
                       f"  [{w['sources']}]{replaced}")
        out += ["", "PREDICTED from mechanism, not recorded by any source (check before acting):"]
        if not self.predicted:
            out.append("  none")
        for p in self.predicted:
            out.append(f"  {p['rule']}: {p['path']}")
        return "\n".join(out)


def _replaced(warning: dict[str, str | None]) -> str | None:
    """What the check says of a warning one of whose sources a later label version replaced (``drug-warnings``)."""
    return f"a source of it is an earlier label version, replaced by {warning['replacedBy']}" if warning.get("replacedBy") \
        else None


def label_of(report: MedicationCheck, iri: str | None) -> str:
    return next((label for i, label in report.drugs if i == iri), shorten(iri or ""))


def check_medications(graph: KnowledgeGraph, names: list[str]) -> MedicationCheck:
    """Check every pair of ``names`` (labels, synonyms, brands, ids or IRIs), worst first."""
    iris = list(dict.fromkeys(graph.resolve(name, "Substance") for name in names))
    if len(iris) < 2:
        raise QueryError("give at least two different drugs to check")
    labels = _labels(graph, iris)
    report = MedicationCheck([(iri, labels[iri]) for iri in iris])
    for i, first in enumerate(iris):
        for second in iris[i + 1:]:
            summary = _in_order(graph.query("interaction-summary", drug=first, other=second).dicts())
            if summary:
                statements = _in_order(graph.query("interactions-between", drug=first, other=second).dicts())
                report.pairs.append(PairReport(first, second, summary[0], statements))
    report.pairs.sort(key=lambda p: (p.rank, labels[p.drug], labels[p.other]))
    for iri in iris:
        report.warnings += [w for w in graph.query("drug-warnings", drug=iri).dicts()
                            if w["topic"] in WARNING_TOPICS or (w["recommendation"] or "") in WARNING_RECOMMENDATIONS]
    report.predicted = _predicted_among(graph, iris)
    return report


def _in_order(rows: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    """``rows`` with each joined list cell sorted, so every engine and run prints the same line."""
    return [{key: "; ".join(sorted(value.split("; "))) if key in LIST_CELLS and value else value
             for key, value in row.items()} for row in rows]


LABEL_QUERY = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?entity ?label WHERE { ?entity rdfs:label ?label }"


def _labels(graph: KnowledgeGraph, iris: list[str]) -> dict[str, str]:
    """The label of each IRI (bound as a parameter, never pasted into the query)."""
    labels = {}
    for iri in iris:
        rows = graph.store.query(LABEL_QUERY, {"entity": Term.iri(iri)}).rows
        cell = rows[0][1] if rows else None
        labels[iri] = cell.value if cell is not None else shorten(iri)
    return labels


def _predicted_among(graph: KnowledgeGraph, iris: list[str]) -> list[dict[str, str | None]]:
    """Interactions the rules of ``predicted-interactions`` predict among the list that no source records."""
    listed = set(iris)
    rows: list[dict[str, str | None]] = []
    seen: set[tuple[frozenset[str | None], str | None]] = set()
    for drug in sorted(listed):
        # one query per ordered pair, the partner bound: a drug's whole list costs 20-90 ms, a pair 2-6 ms
        found = [row for other in sorted(listed - {drug})
                 for row in graph.query("predicted-interactions", drug=drug, other=other).dicts()]
        for row in sorted(found, key=lambda r: (r["partner"] or "", r["rule"] or "")):
            key = (frozenset((drug, row["other"])), row["rule"])
            if row["other"] in listed and row["recorded"] == "no" and (key not in seen or "enzyme" in (row["rule"] or "")):
                seen.add(key)
                rows.append(row)
    return rows
