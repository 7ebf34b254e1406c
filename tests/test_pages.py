"""The explorer's pages without a browser: the infobox and its link-outs, the fact tables, the kinds' colours and the
entities a picture keeps, on the real graph (milliseconds each; tests/test_browser.py drives the same pages in Chromium).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from kg.describe import infobox, link_out
from kg.paths import STATIC_DIR
from kg.serve.pages import entity_page, explorer_page
from kg.serve.routes_pages import STATIC_FILES
from kg.serve.worker import _nearest
from kg.store import Term
from kg.traverse import colour_of, kind_legend, neighbors

BACLOFEN = "https://w3id.org/mrkg/drug/baclofen"
#: The databases a researcher follows from a drug's page, by the label of their identifier property.
LINKED_OUT = {"DrugBank id": "https://go.drugbank.com/drugs/", "ChEBI id": "https://www.ebi.ac.uk/chebi/",
              "PubChem CID": "https://pubchem.ncbi.nlm.nih.gov/compound/", "MeSH id": "https://meshb.nlm.nih.gov/",
              "UMLS CUI": "https://uts.nlm.nih.gov/uts/umls/concept/", "RxNorm CUI": "https://mor.nlm.nih.gov/RxNav/"}


def test_link_out_puts_the_value_in_the_format() -> None:
    assert link_out("https://go.drugbank.com/drugs/$1", "DB00181") == "https://go.drugbank.com/drugs/DB00181"
    assert link_out("https://example.org/?q=$1", "a b/#c") == "https://example.org/?q=a%20b%2F%23c", "a value is encoded"


def test_baclofen_infobox(graph) -> None:  # type: ignore[no-untyped-def]
    """Definition, classes, mechanism, targets, boxed warning, and each identifier with its database's page."""
    box = infobox(graph.store, BACLOFEN)
    assert box.definition
    rows = dict(box.rows)
    assert {"classes", "mechanism", "targets", "boxed warning", "brands"} <= set(rows)
    assert "centrally acting muscle relaxants" in {v.text for v in rows["classes"]}
    assert all(v.iri.startswith("https://w3id.org/mrkg/") for v in rows["targets"])
    assert all(v.sources for v in rows["boxed warning"]), "a boxed warning says who states it"
    identifiers = dict(box.identifiers)
    assert box.identifiers[0][0] == "ATC code", "ATC first"
    for label, site in LINKED_OUT.items():
        values = identifiers[label]
        assert values and all(v.external.startswith(site) and v.external.endswith(v.text) for v in values), label


def test_identifier_values_are_the_graphs(graph) -> None:  # type: ignore[no-untyped-def]
    """The infobox lists exactly the identifiers the graph states, each scheme under its property's label."""
    box = infobox(graph.store, BACLOFEN)
    stated = {(label.value, value.value) for _, label, value in graph.store.query(
        "SELECT ?entity ?label ?value WHERE { ?p mr:identifierScheme ?s ; rdfs:label ?label . ?entity ?p ?value }",
        {"entity": Term.iri(BACLOFEN)}).rows}
    assert {(label, v.text) for label, values in box.identifiers for v in values} == stated


class _Tables(HTMLParser):
    """The headings of each table of a page, and its links out."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[str]] = []
        self.external: list[dict[str, str | None]] = []
        self._in_th = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "th":
            self._in_th = True
            self.tables[-1].append("")
        elif tag == "a" and dict(attrs).get("class") == "ext":
            self.external.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self._in_th = False

    def handle_data(self, data: str) -> None:
        if self._in_th:
            self.tables[-1][-1] += data


@pytest.fixture(scope="module")
def baclofen_page(graph) -> str:  # type: ignore[no-untyped-def]
    return entity_page(graph.describe(BACLOFEN), {}, infobox(graph.store, BACLOFEN), ("drug", "#1f77b4"))


def test_entity_page_has_tables_with_readable_headings(baclofen_page: str) -> None:
    """Qualified statements are tables whose headings are property labels, not a wall of 'key: value; ' text."""
    parsed = _Tables()
    parsed.feed(baclofen_page)
    headings = [h for table in parsed.tables for h in table]
    assert any({"severity", "participant", "evidence level", "sources"} <= set(t) for t in parsed.tables)
    assert not [h for h in headings if ":" in h or h != h.strip()], "headings are words (rdfs:label becomes 'name')"
    assert "; evidence level: " not in baclofen_page
    assert {a["href"].split("/")[2] for a in parsed.external} >= {"go.drugbank.com", "pubchem.ncbi.nlm.nih.gov"}
    assert all(a["rel"] == "noopener" for a in parsed.external)


def test_pages_load_only_what_the_server_serves(baclofen_page: str) -> None:
    """Every script and style sheet of the pages is a vendored or own file of the package, with the libraries' licences."""
    for page in (baclofen_page, explorer_page({"entities": 1, "triples": 2, "sources": []})):
        loaded = re.findall(r'(?:src|href)="(/-/static/[^"]+|https?://[^"]+\.(?:js|css))"', page)
        assert loaded and all(p.startswith("/-/static/") and p.split("/")[-1] in STATIC_FILES for p in loaded), loaded
    for name in STATIC_FILES:
        assert (STATIC_DIR / name).is_file(), name
    for library in ("cytoscape", "cytoscape-fcose", "codemirror"):
        assert "Permission is hereby granted" in (STATIC_DIR / f"{library}.LICENSE").read_text(), library


def test_one_colour_per_kind(graph) -> None:  # type: ignore[no-untyped-def]
    """Each kind has its colour from the ontology (mr:colour), different from every other kind's."""
    projection = graph.networkx
    legend = kind_legend(projection, {d["type"] for _, d in projection.nodes(data=True)})
    kinds = {item["kind"] for item in legend}
    assert {"drug", "class", "target", "condition", "adverse effect"} <= kinds
    colours = [item["colour"] for item in legend]
    assert len(set(colours)) == len(colours) and all(re.fullmatch("#[0-9a-f]{6}", c) for c in colours)
    assert colour_of(projection, "mr:Enzyme") == colour_of(projection, "mr:Target"), "a subclass has its kind's colour"


def test_a_two_step_picture_shows_both_rings(graph) -> None:  # type: ignore[no-untyped-def]
    """Baclofen has more than 80 neighbours: two steps out, the picture still keeps entities of the second ring,
    each next to a kept entity of the first."""
    projection = graph.networkx
    distance = neighbors(projection, BACLOFEN, 2)
    kept = _nearest(projection, BACLOFEN, distance, 2, 80)
    rings = [sum(1 for n in kept if distance[n] == ring) for ring in (0, 1, 2)]
    assert len(kept) == 80 and rings[0] == 1 and rings[1] >= 30 and rings[2] >= 30, rings
    for node in kept:
        if distance[node] == 2:
            assert any(m in kept and distance[m] == 1 for m in (*projection.predecessors(node), *projection.successors(node)))
    assert _nearest(projection, BACLOFEN, neighbors(projection, BACLOFEN, 1), 1, 400) == set(neighbors(projection, BACLOFEN, 1))
