"""Pages: the HTML a browser gets — the explorer (search, SPARQL editor) and one page per resource.

Nothing comes from a CDN: the style sheet, the scripts and the vendored libraries (Cytoscape.js with its fcose
layout, CodeMirror 6) are served from the package at ``/-/static/`` (``kg/static/``, each library with its licence),
so the pages work without network access. An entity page opens with an infobox (:func:`kg.describe.infobox`:
definition, classes, mechanism, targets, boxed warnings, identifiers linking out to their databases) beside an
interactive picture of its neighbourhood, then the facts of :func:`kg.describe.describe` grouped by relation, each
with its sources, qualified statements as tables.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..describe import Fact, Infobox, InfoValue
from ..iris import BASE, shorten
from ..store import Term

__all__ = ["local_path", "layout", "explorer_page", "entity_page", "resource_page", "infobox_html", "facts_html"]

#: Where the pages load their style sheet, scripts and vendored libraries from (routes_pages.STATIC_FILES).
STATIC = "/-/static/"

SEARCH_JS = """
(function () {
  var q = document.getElementById('q'), list = document.getElementById('suggestions'), timer;
  q.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (!q.value.trim()) { list.innerHTML = ''; return; }
      fetch('/search?q=' + encodeURIComponent(q.value)).then(function (r) { return r.json(); }).then(function (hits) {
        list.innerHTML = '';
        hits.forEach(function (h) {
          var li = document.createElement('li'), a = document.createElement('a'), s = document.createElement('small');
          a.href = h.path; a.textContent = h.label + ' ';
          s.textContent = h.type + (h.matched !== h.label ? ' — ' + h.matchedAs + ': ' + h.matched : '');
          a.appendChild(s); li.appendChild(a); list.appendChild(li);
        });
      });
    }, 120);
  });
  document.getElementById('search').addEventListener('submit', function (e) {
    e.preventDefault(); var first = list.querySelector('a'); if (first) { location.href = first.href; }
  });
})();
"""

def local_path(iri: str) -> str:
    """The server path of an MRKG IRI (``https://w3id.org/mrkg/drug/x`` → ``/drug/x``); other IRIs unchanged."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else iri


def layout(title: str, body: str, scripts: tuple[str, ...] = ()) -> str:
    """A page with the header (search box and links) around ``body``; ``scripts`` are loaded from this server."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} — MRKG</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<link rel="stylesheet" href="{STATIC}explorer.css">
</head><body><header><a href="/"><b>MRKG</b></a>
<form id="search" autocomplete="off"><input id="q" type="search" placeholder="drug, class, condition, brand…"
 aria-label="search the graph"><ul id="suggestions"></ul></form>
<a href="/#sparql">SPARQL</a> <a href="/queries">named queries</a> <a href="/void">dataset (VoID)</a>
<a href="/openapi.json">OpenAPI</a></header>
<main>{body}</main><script>{SEARCH_JS}</script>{"".join(f'<script src="{STATIC}{src}"></script>' for src in scripts)}
</body></html>"""


#: Entity pages the home page suggests to start from.
EXAMPLES = ("drug/baclofen", "drug/tizanidine", "condition/spasticity", "class/centrally-acting-muscle-relaxants")


def explorer_page(stats: dict[str, Any]) -> str:
    """The home page: what the graph holds, a search box and the SPARQL editor with the named queries."""
    body = f"""<h1>MRKG — the muscle relaxant knowledge graph</h1>
<p>{stats.get('entities', 0):,} entities, {stats.get('triples', 0):,} facts from {len(stats.get('sources', []))}
sources, each fact with its source. Search above (a drug, a brand, a class, a condition), start from
{", ".join(f'<a href="/{path}">{escape(path.rsplit("/", 1)[1])}</a>' for path in EXAMPLES)},
or ask in SPARQL below (endpoint: <code>/sparql</code>).</p>
<h2 id="sparql">SPARQL</h2>
<form id="sparql-form" data-base="{escape(BASE, quote=True)}"><p><select id="named">
<option value="">start from a named query…</option></select></p>
<textarea id="query" name="query" spellcheck="false">SELECT ?drug ?label WHERE {{
  ?drug a mr:Drug ; rdfs:label ?label .
}} ORDER BY ?label LIMIT 20</textarea>
<p id="params"></p>
<p><button type="submit" id="run">Run</button> <button type="button" id="run-text">Run SPARQL</button>
<small>Ctrl-Space completes prefixes, terms and entities (<code>drug:bac</code>); Ctrl-Enter runs the text.
Prefixes mr:, drug:, class:, rdfs:, skos:, dcterms:… are predeclared;
named queries take their parameters at <code>/queries/NAME?param=value</code></small></p></form>
<div id="result-bar"></div><div id="out"></div>
<h2>Questions the graph answers</h2><ul id="questions"></ul>"""
    return layout("explorer", body, ("codemirror.min.js", "sparql.js"))


#: The neighbourhood picture of an entity page (drawn by static/picture.js with the bundled Cytoscape.js and fcose).
PICTURE = """<section id="picture" aria-label="neighbourhood">
<div id="graph-bar"><label>steps <select id="depth"><option>1</option><option>2</option></select></label>
<span id="legend"></span></div>
<div id="graph" data-iri="{iri}" role="img" aria-label="graph of the entities around this one"></div>
<p id="graph-status"></p><p id="graph-details"></p></section>"""


def _sources(ids: list[str]) -> str:
    if not ids:
        return ""
    links = ", ".join(f'<a href="/source/{escape(i)}">{escape(i)}</a>' for i in ids)
    return f' <span class="src">[{links}]</span>'


def _value(value: InfoValue) -> str:
    if value.external:
        return (f'<a class="ext" href="{escape(value.external, quote=True)}" rel="noopener" '
                f'title="{escape(value.external, quote=True)}">{escape(value.text)}</a>')
    if value.iri:
        return f'<a href="{escape(local_path(value.iri))}">{escape(value.text)}</a>'
    return escape(value.text)


def infobox_html(box: Infobox) -> str:
    """The infobox: the definition, then one row per relation and per identifier scheme (linking out)."""
    rows = []
    for heading, values in box.rows:
        css = ' class="box-warning"' if heading == "boxed warning" else ""
        cells = "".join(f"<span>{_value(v)}{_sources(v.sources)}</span>" for v in values)
        rows.append(f"<tr{css}><th>{escape(heading)}</th><td>{cells}</td></tr>")
    for heading, values in box.identifiers:
        rows.append(f"<tr class=\"identifier\"><th>{escape(heading)}</th><td>"
                    + "".join(f"<span>{_value(v)}</span>" for v in values) + "</td></tr>")
    definition = f'<p class="definition">{escape(box.definition)}</p>' if box.definition else ""
    return f'<aside id="infobox">{definition}<table>{"".join(rows)}</table></aside>'


#: Qualified statements' columns shown last, after the facts themselves.
LAST_COLUMNS = ("source detail", "source text", "kind")
#: Column headings for the few properties whose label is not a reader's word.
HEADINGS = {"rdfs:label": "name"}
#: How kg.describe names the groups of what a regulatory label states, one per label section.
LABEL_SECTION = "label: "
#: Relations an entity page leaves out: lookup keys, and what its infobox already shows.
HIDDEN_GROUPS = frozenset({"name key", "definition"})


def _columns(facts: list[Fact]) -> list[str]:
    """The fields of a group's statements, the most common first (the sources column comes after them)."""
    seen: dict[str, tuple[int, int]] = {}
    for fact in facts:
        for name in fact.fields:
            count, first = seen.get(name, (0, len(seen)))
            seen[name] = (count + 1, first)
    return sorted(seen, key=lambda n: (n in LAST_COLUMNS, -seen[n][0], seen[n][1]))


def _cell(values: list[str], links: dict[str, str]) -> str:
    """A table cell: a value that names a neighbour links to its page, and so does an MRKG CURIE (another statement)."""
    out = []
    for value in values:
        if value in links:
            out.append(f'<a href="{escape(local_path(links[value]))}">{escape(value)}</a>')
        elif value.startswith("mrkg:") and " " not in value:
            out.append(f'<a href="/{escape(value[5:], quote=True)}">{escape(value)}</a>')
        else:
            out.append(escape(value))
    return ", ".join(out)


def facts_html(group: str, facts: list[Fact], links: dict[str, str], anchor: str) -> str:
    """One relation of an entity page: a table of its qualified statements, or a list of its plain facts."""
    title = f'<h2 id="{anchor}">{escape(group)} <span class="count">({len(facts)})</span></h2>'
    if any(f.fields for f in facts):
        columns = _columns(facts)
        head = "".join(f"<th>{escape(HEADINGS.get(c, c))}</th>" for c in columns) + "<th>sources</th>"
        rows = "".join("<tr>" + "".join(f"<td>{_cell(f.fields.get(c, []), links)}</td>" for c in columns)
                       + f'<td class="src">{_sources(f.sources)}</td></tr>' for f in facts)
        return f'{title}<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
    items = []
    for fact in facts:
        text = escape(fact.text)
        if fact.text in links:
            text = f'<a href="{escape(local_path(links[fact.text]))}">{text}</a>'
        items.append(f"<li>{text}{_sources(fact.sources)}</li>")
    many = ' many' if len(facts) > 12 else ""
    body = f'<ul class="facts{many}">{"".join(items)}</ul>'
    return title + (f'<div class="scroll">{body}</div>' if len(facts) > 45 else body)


def entity_page(report: Any, links: dict[str, str], box: Infobox, kind: tuple[str, str] = ("", "")) -> str:
    """The page of one entity: its infobox and neighbourhood picture, then its facts grouped by relation, each with
    its sources (says who?), the qualified ones as tables."""
    kind_name, colour = kind
    badge = f' <span class="kind" style="background:{escape(colour, quote=True)}">{escape(kind_name)}</span>' \
        if kind_name else ""
    hidden = HIDDEN_GROUPS | {heading for heading, _ in box.identifiers}
    groups = {group: facts for group, facts in report.groups.items() if group not in hidden}
    anchors = {group: f"g{number}" for number, group in enumerate(groups)}
    toc = " ".join(f'<a href="#{anchors[g]}">{escape(g)}</a>' for g in groups if not g.startswith(LABEL_SECTION))
    sections = [f'<a href="#{anchors[g]}">{escape(g.removeprefix(LABEL_SECTION))}</a>' for g in groups
                if g.startswith(LABEL_SECTION)]
    if sections:
        toc += f'<br><span class="src">what the labels say, by section:</span> <small>{" ".join(sections)}</small>'
    parts = [f"<h1>{escape(report.label)}{badge}</h1>",
             f'<p class="iri">{escape(report.iri)} · {escape(", ".join(report.types))} · '
             f'<a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a></p>',
             f'<div id="top">{infobox_html(box)}{PICTURE.format(iri=escape(report.iri, quote=True))}</div>',
             f'<nav id="toc">{toc}</nav>']
    parts += [facts_html(group, facts, links, anchors[group]) for group, facts in groups.items()]
    return layout(report.label, "\n".join(parts), ("cytoscape.min.js", "cytoscape-fcose.min.js", "picture.js"))


def _term_html(term: Term) -> str:
    if term.kind == "uri":
        return f'<a href="{escape(local_path(term.value))}">{escape(shorten(term.value))}</a>'
    return escape(term.value) + (f' <code>{escape(shorten(term.datatype))}</code>' if term.datatype else "")


def resource_page(iri: str, rows: list[tuple[Term, Term, Term]]) -> str:
    """The page of any other resource (a statement node, a source, a vocabulary term): its triples."""
    out = [f"<h1>{escape(shorten(iri))}</h1>",
           f'<p class="iri">{escape(iri)} · <a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a></p>',
           "<table><tr><th></th><th>property</th><th>value</th></tr>"]
    for direction, p, o in rows:
        arrow = "→" if direction.value == "out" else "←"
        out.append(f"<tr><td>{arrow}</td><td>{_term_html(p)}</td><td>{_term_html(o)}</td></tr>")
    out.append("</table>")
    return layout(shorten(iri), "\n".join(out))
