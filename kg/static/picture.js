// The neighbourhood picture of an MRKG entity page (kg/serve/pages.py), drawn with the vendored Cytoscape.js and its
// fcose layout. Each kind has one colour, the ontology's (mr:colour), given by the server with each node. A click on
// an entity shows it and adds its own neighbours to the picture; a double click opens its page.
(function () {
  'use strict';
  var box = document.getElementById('graph'), status = document.getElementById('graph-status'),
      details = document.getElementById('graph-details'), legend = document.getElementById('legend'),
      depth = document.getElementById('depth'), cy = null, kinds = {}, expanded = {};

  function esc(s) { var e = document.createElement('span'); e.textContent = s || ''; return e.innerHTML; }

  function addLegend(items) {
    items.forEach(function (k) { kinds[k.kind] = k.colour; });
    legend.innerHTML = Object.keys(kinds).sort().map(function (k) {
      return '<span><i style="background:' + esc(kinds[k]) + '"></i>' + esc(k) + '</span>';
    }).join('');
  }

  function layout(incremental, done) {
    var options = {name: 'fcose', quality: 'proof', animate: false, randomize: !incremental, fit: true, padding: 12,
                   nodeDimensionsIncludeLabels: true, nodeSeparation: 60, idealEdgeLength: 60, nodeRepulsion: 9000,
                   edgeElasticity: 0.3, numIter: 2500, packComponents: true, tile: true};
    var run;
    try { run = cy.layout(options); } catch (err) {  // no fcose: Cytoscape's own force layout
      run = cy.layout({name: 'cose', animate: false, nodeDimensionsIncludeLabels: true, randomize: !incremental});
    }
    run.one('layoutstop', function () {
      separate();
      cy.fit(undefined, 12);
      if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }  // a small neighbourhood at its natural size
      if (done) { done(); }
    });
    run.run();
  }

  // The force layout keeps nodes apart, not always their labels: push apart every two entities whose boxes
  // (dot and label, with a small margin) overlap, along the axis where they overlap least, until none do.
  function separate() {
    var nodes = cy.nodes(), margin = 3, items = nodes.map(function (n) {
      var b = n.boundingBox({includeLabels: true, includeOverlays: false}), p = n.position();
      return {node: n, x: p.x, y: p.y, left: p.x - b.x1 + margin, right: b.x2 - p.x + margin,
              top: p.y - b.y1 + margin, bottom: b.y2 - p.y + margin, fixed: n.hasClass('focus')};
    });
    for (var round = 0; round < 300; round++) {
      var moved = false;
      for (var i = 0; i < items.length; i++) {
        for (var j = i + 1; j < items.length; j++) {
          var a = items[i], b = items[j];
          var dx = Math.min(a.x + a.right, b.x + b.right) - Math.max(a.x - a.left, b.x - b.left);
          var dy = Math.min(a.y + a.bottom, b.y + b.bottom) - Math.max(a.y - a.top, b.y - b.top);
          if (dx <= 0 || dy <= 0) { continue; }
          moved = true;
          var wa = a.fixed ? 0 : (b.fixed ? 1 : 0.5), wb = 1 - wa;
          if (dx < dy) {
            var sx = (a.x < b.x || (a.x === b.x && i < j)) ? -1 : 1;
            a.x += sx * dx * wa; b.x -= sx * dx * wb;
          } else {
            var sy = (a.y < b.y || (a.y === b.y && i < j)) ? -1 : 1;
            a.y += sy * dy * wa; b.y -= sy * dy * wb;
          }
        }
      }
      if (!moved) { break; }
    }
    cy.batch(function () { items.forEach(function (it) { it.node.position({x: it.x, y: it.y}); }); });
  }

  function counts() {
    box.dataset.renderedNodes = String(cy.nodes().length);
    box.dataset.renderedEdges = String(cy.edges().length);
  }

  function show(el) {
    var d = el.data();
    if (el.isNode()) {
      details.innerHTML = '<b>' + esc(d.label) + '</b><br>' + esc(d.kind || d.type_label) +
        (d.path ? '<br><a id="graph-open" href="' + esc(d.path) + '">open its page</a>' : '');
    } else {
      details.innerHTML = esc(cy.getElementById(d.source).data('label')) + ' —' + esc(d.label) + '→ ' +
        esc(cy.getElementById(d.target).data('label')) + '<br><span class="src">sources: ' +
        esc((d.sources || []).join(', ')) + '</span>';
    }
  }

  function edgeKey(e) { return e.data.source + ' ' + (e.data.key || e.data.label) + ' ' + e.data.target; }

  function withIds(elements) {
    elements.edges.forEach(function (e) { e.data.id = edgeKey(e); });
    return elements;
  }

  // a click on an entity adds its nearest neighbours (the server's choice, 20 at most) around it
  function expand(node) {
    var iri = node.id();
    if (expanded[iri] || !node.data('path')) { return; }
    expanded[iri] = true;
    status.textContent = 'adding the neighbours of ' + node.data('label') + '…';
    fetch('/-/neighbourhood?iri=' + encodeURIComponent(iri) + '&depth=1&max_nodes=21')
      .then(function (r) { if (!r.ok) { throw new Error(r.status + ' ' + r.statusText); } return r.json(); })
      .then(function (data) {
        var at = node.position(), fresh = [], elements = withIds(data.elements);
        elements.nodes.forEach(function (n, i) {
          if (cy.getElementById(n.data.id).length) { return; }
          var angle = 2 * Math.PI * i / elements.nodes.length;
          n.position = {x: at.x + 40 * Math.cos(angle), y: at.y + 40 * Math.sin(angle)};
          fresh.push(n);
        });
        elements.edges.forEach(function (e) { if (!cy.getElementById(e.data.id).length) { fresh.push(e); } });
        cy.add(fresh);
        addLegend(data.legend);
        layout(true, function () {
          counts();
          box.dataset.expanded = String(Object.keys(expanded).length);
          status.textContent = cy.nodes().length + ' entities shown; ' + node.data('label') + ' expanded (' +
            (data.total - 1) + ' neighbours, ' + (data.shown - 1) + ' drawn).';
        });
      })
      .catch(function (err) { status.textContent = 'could not expand: ' + err.message; });
  }

  function draw() {
    status.textContent = 'drawing…';
    delete box.dataset.laidOut;
    fetch('/-/neighbourhood?iri=' + encodeURIComponent(box.dataset.iri) + '&depth=' + depth.value)
      .then(function (r) { if (!r.ok) { throw new Error(r.status + ' ' + r.statusText); } return r.json(); })
      .then(function (data) {
        kinds = {}; expanded = {};
        addLegend(data.legend);
        if (cy) { cy.destroy(); }
        cy = cytoscape({
          container: box, elements: withIds(data.elements), wheelSensitivity: 0.3, minZoom: 0.2, maxZoom: 3,
          style: [
            {selector: 'node', style: {'label': 'data(label)', 'background-color': 'data(colour)', 'font-size': 10,
                                       'width': 12, 'height': 12, 'text-valign': 'bottom', 'text-margin-y': 2,
                                       'color': '#222', 'text-wrap': 'ellipsis', 'text-max-width': 130,
                                       'text-background-color': '#fff', 'text-background-opacity': 0.75,
                                       'text-background-padding': 1}},
            {selector: 'node.focus', style: {'width': 22, 'height': 22, 'font-weight': 'bold', 'font-size': 12,
                                             'border-width': 2, 'border-color': '#222'}},
            {selector: 'edge', style: {'width': 1, 'curve-style': 'haystack', 'line-color': '#c9ced6', 'opacity': 0.8}},
            {selector: 'node:selected', style: {'border-width': 2, 'border-color': '#000'}},
            {selector: 'edge:selected', style: {'line-color': '#333', 'label': 'data(label)', 'font-size': 9,
                                                'text-rotation': 'autorotate', 'width': 2}}
          ]
        });
        cy.getElementById(data.focus).addClass('focus');
        expanded[data.focus] = true;
        window.mrkgPicture = cy;  // for the console and the browser tests
        cy.on('tap', 'node', function (e) { show(e.target); expand(e.target); });
        cy.on('tap', 'edge', function (e) { show(e.target); });
        cy.on('dbltap', 'node', function (e) { if (e.target.data('path')) { location.href = e.target.data('path'); } });
        layout(false, function () {
          counts();
          box.dataset.laidOut = depth.value;
          status.textContent = data.shown + (data.shown < data.total ? ' of ' + data.total : '') + ' entities within ' +
            data.depth + (data.depth > 1 ? ' steps' : ' step') + '; click one to add its neighbours, double-click to open it.';
        });
      })
      .catch(function (err) { status.textContent = 'no picture: ' + err.message; box.dataset.renderedNodes = '0'; });
  }
  depth.addEventListener('change', draw);
  draw();
}());
