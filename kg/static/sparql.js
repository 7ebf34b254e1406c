// The SPARQL form of the MRKG explorer's home page (kg/serve/pages.py): a CodeMirror editor (vendored, SPARQL
// highlighting) with completion of prefixes, vocabulary terms (from /-/terms) and entities (from /search), the named
// queries with their parameters, results as a table with CSV and JSON downloads, and a permalink that reruns the query.
(function () {
  'use strict';
  var form = document.getElementById('sparql-form'), pick = document.getElementById('named'),
      area = document.getElementById('query'), out = document.getElementById('out'), bar = document.getElementById('result-bar'),
      params = document.getElementById('params'), questions = document.getElementById('questions'), base = form.dataset.base, named = {}, editor = null, terms = null;

  // --- the editor --------------------------------------------------------------------------------------------------
  function getText() { return editor ? editor.state.doc.toString() : area.value; }
  function setText(text) {
    area.value = text;
    if (editor) { editor.dispatch({changes: {from: 0, to: editor.state.doc.length, insert: text}}); }
  }
  window.mrkgQuery = {get: getText, set: setText};  // for the console and the browser tests

  function loadTerms() {
    if (!terms) { terms = fetch('/-/terms').then(function (r) { return r.json(); }); }
    return terms;
  }

  var KEYWORDS = ['SELECT', 'DISTINCT', 'WHERE', 'FILTER', 'OPTIONAL', 'UNION', 'GRAPH', 'ORDER BY', 'GROUP BY', 'LIMIT',
                  'OFFSET', 'PREFIX', 'ASK', 'CONSTRUCT', 'DESCRIBE', 'VALUES', 'BIND', 'COUNT', 'GROUP_CONCAT', 'MINUS',
                  'NOT EXISTS', 'EXISTS', 'STR', 'LANG', 'REGEX', 'CONTAINS', 'STRSTARTS', 'LCASE', 'DESC', 'ASC'];

  // completions for the word before the cursor: "dru" → prefixes and keywords, "mr:has" → vocabulary terms,
  // "drug:bacl" → the entities whose names match, from the server's search
  function complete(context) {
    var word = context.matchBefore(/[A-Za-z_][\w-]*:?[\w.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) { return null; }
    var text = word.text, colon = text.indexOf(':');
    return loadTerms().then(function (known) {
      if (colon < 0) {
        var options = Object.keys(known.prefixes).map(function (p) {
          return {label: p + ':', type: 'namespace', detail: known.prefixes[p], boost: 1};
        });
        KEYWORDS.forEach(function (k) { options.push({label: k, type: 'keyword'}); });
        return {from: word.from, options: options, validFor: /^[\w-]*$/};
      }
      var prefix = text.slice(0, colon), local = text.slice(colon + 1), ns = known.prefixes[prefix];
      if (!ns) { return null; }
      var vocab = known.terms.filter(function (t) { return t.iri.indexOf(ns) === 0; }).map(function (t) {
        return {label: prefix + ':' + t.iri.slice(ns.length), type: t.kind, detail: t.label};
      });
      if (vocab.length || !local) { return {from: word.from, options: vocab, validFor: /^[\w-]*:[\w.-]*$/}; }
      return fetch('/search?q=' + encodeURIComponent(local)).then(function (r) { return r.json(); }).then(function (hits) {
        return {from: word.from, validFor: /^[\w-]*:[\w.-]*$/,
                options: hits.filter(function (h) { return h.iri.indexOf(ns) === 0; }).map(function (h) {
                  return {label: prefix + ':' + h.iri.slice(ns.length), type: 'variable', detail: h.label + ' (' + h.type + ')'};
                })};
      });
    });
  }

  if (window.MRKGEditor) {
    var M = window.MRKGEditor, holder = document.createElement('div');
    holder.id = 'editor';
    area.parentNode.insertBefore(holder, area);
    area.hidden = true;
    editor = new M.EditorView({
      parent: holder,
      state: M.EditorState.create({doc: area.value, extensions: [
        M.setup, M.language, M.EditorView.lineWrapping, M.autocompletion({override: [complete], activateOnTyping: true}),
        M.keymap.of([{key: 'Mod-Enter', run: function () { run(false); return true; }}]),
        M.EditorView.updateListener.of(function (u) { if (u.docChanged) { area.value = u.state.doc.toString(); } })
      ]})
    });
    window.mrkgEditor = editor;
  }

  // --- the named queries ------------------------------------------------------------------------------------------
  var ready = fetch('/queries').then(function (r) { return r.json(); }).then(function (queries) {
    queries.forEach(function (q) {
      var o = document.createElement('option'); o.value = q.name; o.textContent = q.name + ' — ' + q.title;
      named[q.name] = q; pick.appendChild(o);
      // each named query, with its example's parameters, as a link that runs it (its permalink)
      var li = document.createElement('li'), args = new URLSearchParams(q.exampleParams);
      args.set('named', q.name);
      li.appendChild(link(q.title, '/?' + args.toString() + '#sparql'));
      questions.appendChild(li);
    });
  });
  function choose(name, given) {
    var q = named[name];
    params.innerHTML = '';
    if (!q) { return; }
    setText(q.sparql);
    q.parameters.forEach(function (p) {
      var label = document.createElement('label'), input = document.createElement('input');
      input.name = p.name; input.value = given && p.name in given ? given[p.name] : (q.exampleParams[p.name] || '');
      input.title = p.description; input.placeholder = p.type + (p.required ? '' : ' (optional)');
      label.appendChild(document.createTextNode(p.name + ' ')); label.appendChild(input); params.appendChild(label);
    });
    if (q.parameters.length) {
      params.insertAdjacentHTML('beforeend', '<small>Run runs the named query with these parameters ' +
        '(by label, synonym, brand, id or IRI); edit the text and use Run SPARQL to run the text instead</small>');
    }
  }
  pick.addEventListener('change', function () { choose(pick.value); });

  // --- running, the table, downloads and the permalink --------------------------------------------------------------
  function cell(t) {
    var td = document.createElement('td');
    if (!t) { return td; }
    if (t.type === 'uri') {
      var a = document.createElement('a'), local = t.value.indexOf(base) === 0;
      a.title = t.value; a.textContent = local ? t.value.slice(base.length) : t.value;
      a.href = local ? '/' + t.value.slice(base.length) : t.value;
      td.appendChild(a);
    } else { td.textContent = t.value; }
    return td;
  }
  function link(text, href, download) {
    var a = document.createElement('a'); a.textContent = text; a.href = href;
    if (download) { a.download = download; a.className = 'download'; }
    return a;
  }
  // where this query's results are (format: csv, json), and the explorer address that reruns it
  function addresses(useNamed) {
    var q = named[pick.value], args = new URLSearchParams(), page = new URLSearchParams();
    if (useNamed && q && getText() === q.sparql) {
      params.querySelectorAll('input').forEach(function (i) {
        if (i.value.trim()) { args.append(i.name, i.value.trim()); page.append(i.name, i.value.trim()); }
      });
      page.set('named', q.name);
      return {url: '/queries/' + encodeURIComponent(q.name), args: args, page: page, name: q.name};
    }
    args.set('query', getText()); page.set('query', getText());
    return {url: '/sparql', args: args, page: page, name: 'results'};
  }
  function withFormat(where, format) {
    var args = new URLSearchParams(where.args); args.set('format', format);
    return where.url + '?' + args.toString();
  }
  function run(useNamed) {
    var where = addresses(useNamed), permalink = '/?' + where.page.toString() + '#sparql', request;
    out.textContent = 'running…'; bar.textContent = ''; delete out.dataset.rows;
    if (where.url === '/sparql') {  // POST: a long query fits in a body, not always in an address
      request = fetch('/sparql', {method: 'POST', body: where.args,
                                  headers: {'Accept': 'application/sparql-results+json, text/turtle;q=0.5'}});
    } else {
      request = fetch(where.url + '?' + where.args.toString(), {headers: {'Accept': 'application/sparql-results+json'}});
    }
    history.replaceState(null, '', permalink);
    request.then(function (r) {
      return r.text().then(function (body) {
        out.innerHTML = '';
        bar.appendChild(link('permalink', permalink)); bar.lastChild.id = 'permalink';
        if (!r.ok || (r.headers.get('content-type') || '').indexOf('json') < 0) {
          var pre = document.createElement('pre'); pre.textContent = body; out.appendChild(pre); return;
        }
        var data = JSON.parse(body);
        if (data.boolean !== undefined) { out.textContent = data.boolean ? 'yes' : 'no'; return; }
        var table = document.createElement('table'), head = table.createTHead().insertRow(), rows = table.createTBody();
        data.head.vars.forEach(function (v) { var th = document.createElement('th'); th.textContent = v; head.appendChild(th); });
        data.results.bindings.forEach(function (b) {
          var tr = rows.insertRow(); data.head.vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
        });
        bar.insertBefore(document.createTextNode(data.results.bindings.length + ' rows'), bar.firstChild);
        bar.appendChild(link('CSV', withFormat(where, 'csv'), where.name + '.csv'));
        bar.appendChild(link('JSON', withFormat(where, 'json'), where.name + '.json'));
        var scroll = document.createElement('div'); scroll.className = 'scroll'; scroll.appendChild(table);
        out.appendChild(scroll);
        out.dataset.rows = String(data.results.bindings.length);
      });
    });
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); run(true); });
  document.getElementById('run-text').addEventListener('click', function () { run(false); });

  // a permalink (/?named=NAME&param=value or /?query=TEXT) fills the form and runs the query
  var given = new URLSearchParams(location.search);
  if (given.get('named')) {
    ready.then(function () {
      var values = {};
      given.forEach(function (v, k) { if (k !== 'named') { values[k] = v; } });
      pick.value = given.get('named'); choose(given.get('named'), values); run(true);
    });
  } else if (given.get('query')) {
    setText(given.get('query')); run(false);
  }
}());
