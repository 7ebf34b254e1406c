"""Pages: the HTML a browser gets — the explorer (search, SPARQL form) and one page per resource.

Nothing comes from a CDN (styles and scripts are inline; Cytoscape.js is served from the package at
``/-/static/``), so the pages work without network access. Entity pages show an interactive picture
of the entity's neighbourhood and the facts of :func:`kg.describe.describe` grouped by relation,
each with its sources.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..iris import BASE, shorten
from ..store import Term

__all__ = ["local_path", "layout", "explorer_page", "entity_page", "resource_page"]

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { background: #f3f3f3; border-bottom: 1px solid #ccc; padding: .5em 1em; display: flex; gap: 1em;
         align-items: center; flex-wrap: wrap; }
header a { text-decoration: none; } main { padding: 0 1em 2em; max-width: 70em; }
#search { position: relative; } #q { width: 22em; padding: .3em; }
#suggestions { position: absolute; background: white; border: 1px solid #ccc; list-style: none; margin: 0;
               padding: 0; width: 30em; z-index: 5; } #suggestions:empty { display: none; }
#suggestions li a { display: block; padding: .25em .5em; } #suggestions li small { color: #777; }
h2 { font-size: 1.05em; margin: 1.2em 0 .3em; } ul.facts { margin: 0; }
.src { font-size: .8em; color: #666; } .src a { color: #666; } code, .iri { font-size: .85em; color: #555; }
table { border-collapse: collapse; font-size: .9em; } td, th { border: 1px solid #ddd; padding: .2em .4em;
vertical-align: top; text-align: left; } textarea { width: 100%; height: 14em; font-family: monospace; }
#picture { display: flex; gap: 1em; flex-wrap: wrap; } #graph { flex: 1 1 34em; height: 26em; border: 1px solid #ccc; }
#graph-side { flex: 0 1 18em; font-size: .85em; } #legend span { display: inline-block; margin-right: .8em; }
#legend i { display: inline-block; width: .7em; height: .7em; border-radius: 50%; margin-right: .3em; }
#params label { margin-right: 1em; } #params input { width: 12em; }
"""

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

SPARQL_JS = """
(function () {
  var pick = document.getElementById('named'), text = document.getElementById('query'), out = document.getElementById('out');
  fetch('/queries').then(function (r) { return r.json(); }).then(function (queries) {
    queries.forEach(function (q) {
      var o = document.createElement('option'); o.value = q.name; o.textContent = q.name + ' — ' + q.title;
      named[q.name] = q; pick.appendChild(o);
    });
  });
  var params = document.getElementById('params'), named = {};
  pick.addEventListener('change', function () {
    var o = pick.selectedOptions[0], q = named[pick.value];
    params.innerHTML = '';
    if (!q) { return; }
    text.value = q.sparql;
    var example = q.exampleParams;
    q.parameters.forEach(function (p) {
      var label = document.createElement('label'), input = document.createElement('input');
      input.name = p.name; input.value = example[p.name] || ''; input.title = p.description;
      input.placeholder = p.type + (p.required ? '' : ' (optional)');
      label.appendChild(document.createTextNode(p.name + ' ')); label.appendChild(input); params.appendChild(label);
    });
    if (q.parameters.length) {
      params.insertAdjacentHTML('beforeend', '<small>the form runs the named query with these parameters ' +
        '(by label, synonym, brand, id or IRI); edit the text and use Run SPARQL to run the text instead</small>');
    }
  });
  function cell(t) {
    var td = document.createElement('td'); if (!t) { return td; }
    if (t.type === 'uri') {
      var a = document.createElement('a'); a.title = t.value;
      a.textContent = t.value.indexOf('""" + BASE + """') === 0 ? t.value.slice(""" + str(len(BASE)) + """) : t.value;
      a.href = t.value.indexOf('""" + BASE + """') === 0 ? '/' + t.value.slice(""" + str(len(BASE)) + """) : t.value;
      td.appendChild(a);
    } else { td.textContent = t.value; }
    return td;
  }
  function run(useNamed) {
    out.textContent = 'running…';
    var q = named[pick.value], request;
    if (useNamed && q && text.value === q.sparql) {
      var args = new URLSearchParams();
      params.querySelectorAll('input').forEach(function (i) { if (i.value.trim()) { args.append(i.name, i.value.trim()); } });
      request = fetch('/queries/' + encodeURIComponent(q.name) + '?' + args.toString(),
                      {headers: {'Accept': 'application/sparql-results+json'}});
    } else {
      request = fetch('/sparql', {method: 'POST', body: new URLSearchParams({query: text.value}),
                                  headers: {'Accept': 'application/sparql-results+json, text/turtle;q=0.5'}});
    }
    request
      .then(function (r) {
        return r.text().then(function (body) {
          out.innerHTML = '';
          if (!r.ok || (r.headers.get('content-type') || '').indexOf('json') < 0) {
            var pre = document.createElement('pre'); pre.textContent = body; out.appendChild(pre); return;
          }
          var data = JSON.parse(body);
          if (data.boolean !== undefined) { out.textContent = data.boolean ? 'yes' : 'no'; return; }
          var table = document.createElement('table'), head = table.insertRow();
          data.head.vars.forEach(function (v) {
            var th = document.createElement('th'); th.textContent = v; head.appendChild(th);
          });
          data.results.bindings.forEach(function (b) {
            var tr = table.insertRow(); data.head.vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
          });
          out.appendChild(document.createTextNode(data.results.bindings.length + ' rows')); out.appendChild(table);
          out.dataset.rows = String(data.results.bindings.length);
        });
      });
  }
  document.getElementById('sparql-form').addEventListener('submit', function (e) { e.preventDefault(); run(true); });
  document.getElementById('run-text').addEventListener('click', function () { run(false); });
})();
"""

GRAPH_JS = """
(function () {
  var box = document.getElementById('graph'), status = document.getElementById('graph-status'),
      details = document.getElementById('graph-details'), legend = document.getElementById('legend'),
      depth = document.getElementById('depth'), cy = null;
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
                 '#bcbd22', '#17becf'];
  function esc(s) { var e = document.createElement('span'); e.textContent = s || ''; return e.innerHTML; }
  function show(el) {
    var d = el.data();
    if (el.isNode()) {
      details.innerHTML = '<b>' + esc(d.label) + '</b><br>' + esc(d.type_label) +
        (d.path ? '<br><a id="graph-open" href="' + esc(d.path) + '">open its page</a>' : '');
    } else {
      details.innerHTML = esc(cy.getElementById(d.source).data('label')) + ' —' + esc(d.label) + '→ ' +
        esc(cy.getElementById(d.target).data('label')) + '<br><span class="src">sources: ' +
        esc((d.sources || []).join(', ')) + '</span>';
    }
  }
  function draw() {
    status.textContent = 'drawing…';
    fetch('/-/neighbourhood?iri=' + encodeURIComponent(box.dataset.iri) + '&depth=' + depth.value)
      .then(function (r) { if (!r.ok) { throw new Error(r.status + ' ' + r.statusText); } return r.json(); })
      .then(function (data) {
        var colours = {};
        legend.innerHTML = '';
        data.types.forEach(function (t, i) {
          colours[t] = palette[i % palette.length];
          legend.insertAdjacentHTML('beforeend', '<span><i style="background:' + colours[t] + '"></i>' + esc(t) + '</span>');
        });
        data.elements.nodes.forEach(function (n) { n.data.colour = colours[n.data.type_label] || '#999'; });
        if (cy) { cy.destroy(); }
        cy = cytoscape({
          container: box, elements: data.elements, wheelSensitivity: 0.3,
          layout: {name: 'concentric', animate: false, minNodeSpacing: 14, levelWidth: function () { return 1; },
                   concentric: function (n) { return 10 - n.data('distance'); }},  // rings by steps from the entity
          style: [
            {selector: 'node', style: {'label': 'data(label)', 'background-color': 'data(colour)', 'font-size': 9,
                                       'width': 14, 'height': 14, 'text-valign': 'bottom'}},
            {selector: 'node.focus', style: {'width': 28, 'height': 28, 'font-weight': 'bold', 'border-width': 2}},
            {selector: 'edge', style: {'width': 1, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle',
                                       'line-color': '#bbb', 'target-arrow-color': '#bbb', 'arrow-scale': 0.6}},
            {selector: 'edge:selected, node:selected', style: {'line-color': '#333', 'target-arrow-color': '#333',
                                       'label': 'data(label)', 'font-size': 8, 'text-rotation': 'autorotate'}}
          ]
        });
        cy.getElementById(data.focus).addClass('focus');
        window.mrkgPicture = cy;  // for the console and the browser tests
        cy.on('tap', 'node, edge', function (e) { show(e.target); });
        cy.on('dbltap', 'node', function (e) { if (e.target.data('path')) { location.href = e.target.data('path'); } });
        box.dataset.renderedNodes = String(cy.nodes().length);
        box.dataset.renderedEdges = String(cy.edges().length);
        status.textContent = data.shown + (data.shown < data.total ? ' of ' + data.total : '') + ' entities within ' +
          data.depth + (data.depth > 1 ? ' steps' : ' step') + '; click for details, double-click to open.';
      })
      .catch(function (err) { status.textContent = 'no picture: ' + err.message; box.dataset.renderedNodes = '0'; });
  }
  depth.addEventListener('change', draw);
  draw();
})();
"""


def local_path(iri: str) -> str:
    """The server path of an MRKG IRI (``https://w3id.org/mrkg/drug/x`` → ``/drug/x``); other IRIs unchanged."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else iri


def layout(title: str, body: str, script: str = "", scripts: tuple[str, ...] = ()) -> str:
    """A page with the header (search box and links) around ``body``; ``scripts`` are loaded from this server first."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} — MRKG</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><header><a href="/"><b>MRKG</b></a>
<form id="search" autocomplete="off"><input id="q" type="search" placeholder="drug, class, condition, brand…"
 aria-label="search the graph"><ul id="suggestions"></ul></form>
<a href="/#sparql">SPARQL</a> <a href="/queries">named queries</a> <a href="/void">dataset (VoID)</a>
<a href="/openapi.json">OpenAPI</a></header>
<main>{body}</main><script>{SEARCH_JS}</script>{"".join(f'<script src="{src}"></script>' for src in scripts)}
{f"<script>{script}</script>" if script else ""}</body></html>"""


def explorer_page(stats: dict[str, Any]) -> str:
    """The home page: what the graph holds, a search box and a SPARQL form pre-filled with the named queries."""
    body = f"""<h1>MRKG — the muscle relaxant knowledge graph</h1>
<p>{stats.get('entities', 0):,} entities, {stats.get('triples', 0):,} facts from {len(stats.get('sources', []))}
sources, each fact with its source. Search above, or ask in SPARQL below (endpoint: <code>/sparql</code>).</p>
<h2 id="sparql">SPARQL</h2>
<form id="sparql-form"><p><select id="named"><option value="">start from a named query…</option></select></p>
<textarea id="query" name="query" spellcheck="false">SELECT ?drug ?label WHERE {{
  ?drug a mr:Drug ; rdfs:label ?label .
}} ORDER BY ?label LIMIT 20</textarea>
<p id="params"></p>
<p><button type="submit" id="run">Run</button> <button type="button" id="run-text">Run SPARQL</button>
<small>prefixes mr:, drug:, class:, rdfs:, skos:, dcterms:… are predeclared;
named queries take their parameters at <code>/queries/NAME?param=value</code></small></p></form>
<div id="out"></div>"""
    return layout("explorer", body, SPARQL_JS)


#: The neighbourhood picture of an entity page (drawn by GRAPH_JS with the bundled Cytoscape.js).
PICTURE = """<h2>Neighbourhood</h2>
<div id="picture"><div id="graph" data-iri="{iri}" role="img" aria-label="graph of the entities around this one"></div>
<div id="graph-side"><p><label>steps <select id="depth"><option>1</option><option>2</option></select></label></p>
<p id="graph-status"></p><p id="legend"></p><p id="graph-details"></p></div></div>"""


def _sources(ids: list[str]) -> str:
    if not ids:
        return ""
    links = ", ".join(f'<a href="/source/{escape(i)}">{escape(i)}</a>' for i in ids)
    return f' <span class="src">[{links}]</span>'


def entity_page(report: Any, links: dict[str, str]) -> str:
    """The page of one entity: its facts grouped by relation, each with its sources (says who?)."""
    parts = [f"<h1>{escape(report.label)}</h1>",
             f'<p class="iri">{escape(report.iri)} · {escape(", ".join(report.types))} · '
             f'<a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a></p>']
    parts.append(PICTURE.format(iri=escape(report.iri, quote=True)))
    for group, facts in report.groups.items():
        parts.append(f"<h2>{escape(group)}</h2><ul class=\"facts\">")
        for fact in facts:
            text = escape(fact.text)
            if fact.text in links:
                text = f'<a href="{escape(local_path(links[fact.text]))}">{text}</a>'
            parts.append(f"<li>{text}{_sources(fact.sources)}</li>")
        parts.append("</ul>")
    return layout(report.label, "\n".join(parts), GRAPH_JS, scripts=("/-/static/cytoscape.min.js",))


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
