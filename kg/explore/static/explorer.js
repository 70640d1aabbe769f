/* The explorer: draws the graph's networks, filters them, finds people and letters, shows sources and the timeline.
   Text from the sources reaches the page only through textContent and DOM nodes, never as markup. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var LETTERS = DATA.letters;
  var VIEWS = ["correspondence", "decisions", "mentions"];
  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                 "#9c755f", "#8cd17d"];
  var SMALL_COMMUNITY = "#bab0ac";
  var OUTCOME_COLOUR = {agreed: "#2e7d32", rejected: "#c62828", abstained: "#ef8f00", amended: "#6a1b9a",
                        other: "#607d8b", none: "#9e9e9e"};
  var OUTCOME_TEXT = {agreed: "agreed", rejected: "rejected", abstained: "abstained", amended: "amended",
                      other: "other answer", none: "no answer recorded", "no request": "no request"};
  var KIND = {
    person: {shape: "dot", name: "Person"},
    letter: {shape: "square", colour: "#7c98bd", name: "Letter"},
    request: {shape: "triangle", colour: "#d8bf5a", name: "Request"},
    response: {shape: "diamond", name: "Stalin's answer"},
    decision: {shape: "star", colour: "#37474f", name: "Politburo decision"}
  };
  var SERIES = [
    {key: "requests", label: "requests sent", colour: "#d8a72a"},
    {key: "answers", label: "answers", colour: "#2e7d32"},
    {key: "decisions", label: "PB decisions", colour: "#37474f"}
  ];
  var LIST_LIMIT = 40;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function $(id) { return document.getElementById(id); }

  /* A DOM element; strings among the children become text nodes, so data is never parsed as HTML. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (k) {
      if (a[k] === null || a[k] === undefined || a[k] === false) return;
      if (k === "text") node.textContent = a[k];
      else if (k === "onclick") node.addEventListener("click", a[k]);
      else if (k === "style") node.style.cssText = a[k];
      else node.setAttribute(k, a[k]);
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  function svg(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function norm(s) { return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); }
  function fmtDate(d) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d || "");
    return m ? (+m[3]) + " " + MONTHS[+m[2] - 1] + " " + m[1] : (d || "undated");
  }
  function dayNumber(d) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d || "");
    return m ? Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86400000) : null;
  }
  function dayString(n) { return new Date(n * 86400000).toISOString().slice(0, 10); }
  function communityColour(c) { return c < PALETTE.length ? PALETTE[c] : SMALL_COMMUNITY; }
  function personName(id) { var p = DATA.persons[id]; return p ? (p.family || p.name) : id; }

  // -- letters and the filters -------------------------------------------------------------------------------------

  var letterOutcomes = LETTERS.map(function (x) {
    if (!x.requests.length) return ["no request"];
    return x.requests.map(function (r) {
      var q = DATA.requests[r];
      return q && q.responses.length ? DATA.responses[q.responses[0]].outcome : "none";
    });
  });
  var letterPersons = LETTERS.map(function (x) {
    var s = {};
    x.senders.concat(x.recipients, x.mentions).forEach(function (p) { s[p] = true; });
    return s;
  });
  var dated = LETTERS.map(function (x) { return x.date; }).filter(Boolean).sort();
  var FIRST = dated[0] || "", LAST = dated[dated.length - 1] || "";
  var OUTCOME_KEYS = DATA.outcomes.concat(LETTERS.some(function (x) { return !x.requests.length; }) ? ["no request"] : []);

  var state = {view: null, from: FIRST, to: LAST, undated: true, outcomes: {}, person: "", selected: null};
  OUTCOME_KEYS.forEach(function (o) { state.outcomes[o] = true; });
  var active = new Uint8Array(LETTERS.length);        // letters that pass every filter
  var activeUndated = new Uint8Array(LETTERS.length); // ... every filter but the dates (for the timeline)

  function computeActive() {
    for (var i = 0; i < LETTERS.length; i++) {
      var x = LETTERS[i], ok = letterOutcomes[i].some(function (o) { return state.outcomes[o]; });
      if (ok && state.person) ok = !!letterPersons[i][state.person];
      activeUndated[i] = ok ? 1 : 0;
      if (ok) {
        if (!x.date) ok = state.undated;
        else ok = (!state.from || x.date >= state.from) && (!state.to || x.date <= state.to);
      }
      active[i] = ok ? 1 : 0;
    }
  }
  function anyActive(list) {
    for (var i = 0; i < list.length; i++) if (active[list[i]]) return true;
    return false;
  }
  function countActive(list) {
    var n = 0;
    for (var i = 0; i < list.length; i++) n += active[list[i]];
    return n;
  }
  function filtered() {
    return state.from !== FIRST || state.to !== LAST || !state.undated || !!state.person ||
      OUTCOME_KEYS.some(function (o) { return !state.outcomes[o]; });
  }

  // -- the networks ------------------------------------------------------------------------------------------------

  var sets = {};      // view -> {nodes, edges: vis.DataSet, byId, settled}
  var container = $("network");
  var network = new vis.Network(container, {nodes: new vis.DataSet(), edges: new vis.DataSet()}, {
    autoResize: true,
    layout: {improvedLayout: false, randomSeed: 1934},
    physics: {
      enabled: false,
      solver: "barnesHut",
      barnesHut: {gravitationalConstant: -5000, centralGravity: 0.3, springLength: 110, springConstant: 0.04,
                  damping: 0.4, avoidOverlap: 0.2},
      stabilization: {enabled: true, iterations: 150, updateInterval: 10, fit: true},
      minVelocity: 0.75
    },
    interaction: {hover: true, tooltipDelay: 150, multiselect: false, navigationButtons: false, keyboard: false,
                  hideEdgesOnZoom: false},
    nodes: {borderWidth: 1, borderWidthSelected: 3,
            font: {face: "system-ui, DejaVu Sans, sans-serif", size: 13, color: "#1f2933", strokeWidth: 3,
                   strokeColor: "#ffffff"}},
    edges: {smooth: false, selectionWidth: 2, hoverWidth: 0.5,
            color: {color: "#a9b4c0", highlight: "#1f2933", hover: "#4b5563", inherit: false, opacity: 0.9}}
  });

  /* What hovering a node shows: a DOM element, so that vis-network never reads the text as markup. */
  function tooltip(view, n) {
    var lines;
    if (n.k === "person") lines = [DATA.persons[n.id] ? DATA.persons[n.id].name : n.l];
    else if (n.k === "letter") lines = [LETTERS[n.L[0]].label];
    else if (n.k === "request") lines = ["Request in " + LETTERS[n.L[0]].label, "Answer: " + OUTCOME_TEXT[n.o]];
    else if (n.k === "response") lines = ["Stalin's answer: " + OUTCOME_TEXT[n.o], fmtDate(DATA.responses[n.id].date)];
    else if (n.k === "decision") lines = ["Politburo decision, " + fmtDate(DATA.decisions[n.id].date),
                                          shorten(DATA.decisions[n.id].wording, 90)];
    else lines = [n.l];
    lines.push(DATA.views[view].size + ": " + n.s);
    return el("div", {}, lines.map(function (t, i) { return i ? el("div", {text: t}) : el("strong", {text: t}); }));
  }

  function visNode(view, n) {
    var kind = KIND[n.k] || KIND.person;
    var colour = kind.colour;
    if (n.k === "person") colour = communityColour(n.c);
    if (n.k === "response") colour = OUTCOME_COLOUR[n.o] || OUTCOME_COLOUR.other;
    var node = {
      id: n.id, label: n.k === "request" ? "" : n.l, shape: kind.shape, value: n.s,
      scaling: view === "decisions" ? SCALING.decisions : SCALING.people,
      color: {background: colour, border: "#3d4852", highlight: {background: colour, border: "#111"},
              hover: {background: colour, border: "#111"}},
      hidden: false, title: tooltip(view, n)
    };
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    if (n.k === "request" && n.o === "none") node.shapeProperties = {borderDashes: [3, 2]};
    return node;
  }

  /* Area, not radius, grows with the measure; small nodes' labels appear as one zooms in. */
  function byArea(min, max, total, value) { return max === min ? 0.5 : Math.sqrt((value - min) / (max - min)); }
  var SCALING = {
    people: {min: 9, max: 36, customScalingFunction: byArea,
             label: {enabled: true, min: 11, max: 19, drawThreshold: 8, maxVisible: 22}},
    decisions: {min: 8, max: 30, customScalingFunction: byArea,
                label: {enabled: true, min: 12, max: 20, drawThreshold: 5, maxVisible: 20}}
  };

  function visEdge(view, e, i) {
    var edge = {id: i, from: e.f, to: e.t, hidden: false};
    if (DATA.views[view].directed) edge.arrows = {to: {enabled: true, scaleFactor: 0.5}};
    // letters both ways between two people would draw as one line: bend each to its own side
    if (view === "correspondence") edge.smooth = {enabled: true, type: "curvedCW", roundness: 0.15};
    if (e.r === "recorded in notes") edge.dashes = [4, 4];
    edge.width = edgeWidth(e, e.L ? e.L.length : 1);
    return edge;
  }
  function edgeWidth(e, n) { return e.L ? 1 + 1.6 * Math.log2(1 + n) - 1.6 : 1; }

  function dataFor(view) {
    if (sets[view]) return sets[view];
    var v = DATA.views[view], byId = {};
    v.nodes.forEach(function (n) { byId[n.id] = n; });
    sets[view] = {
      nodes: new vis.DataSet(v.nodes.map(function (n) { return visNode(view, n); })),
      edges: new vis.DataSet(v.edges.map(function (e, i) { return visEdge(view, e, i); })),
      byId: byId, settled: null
    };
    return sets[view];
  }

  function nodeVisible(n, set) {
    if (n.o && !state.outcomes[n.o]) return false;
    if (n.L.length) return anyActive(n.L);
    if (n.k === "decision") {  // a decision no letter leads to: by its own date
      var d = DATA.decisions[n.id] && DATA.decisions[n.id].date;
      if (state.person) return false;
      return d ? (!state.from || d >= state.from) && (!state.to || d <= state.to) : state.undated;
    }
    return !filtered();
  }

  /* Hide what the filters leave out and size the links by the letters left. */
  function applyFilters() {
    computeActive();
    var view = state.view, set = dataFor(view), v = DATA.views[view];
    var shown = {}, nodeUpdates = [], edgeUpdates = [];
    v.nodes.forEach(function (n) {
      var vis_ = nodeVisible(n, set);
      shown[n.id] = vis_;
      if (set.nodes.get(n.id).hidden === vis_) nodeUpdates.push({id: n.id, hidden: !vis_});
    });
    v.edges.forEach(function (e, i) {
      var n = e.L ? countActive(e.L) : 1;
      var visible = shown[e.f] && shown[e.t] && n > 0;
      var width = edgeWidth(e, n);
      var cur = set.edges.get(i);
      if (cur.hidden === visible || cur.width !== width) edgeUpdates.push({id: i, hidden: !visible, width: width});
    });
    if (nodeUpdates.length) set.nodes.update(nodeUpdates);
    if (edgeUpdates.length) set.edges.update(edgeUpdates);
    showCounts();
    drawTimeline();
    drawHours();
    if (state.selected) refreshDetail();
  }

  function showCounts() {
    var v = DATA.views[state.view];
    var nodes = network.body.nodeIndices.length, edges = network.body.edgeIndices.length;
    var letters = 0;
    for (var i = 0; i < active.length; i++) letters += active[i];
    var what = state.view === "decisions" ? "nodes" : "persons";
    $("counts").textContent = nodes + " of " + v.nodes.length + " " + what + " · " + edges + " of " + v.edges.length +
      " links · " + letters + " of " + LETTERS.length + " letters";
  }

  var stabilizing = false;
  var pending = null;  // the view being laid out, and what to do once it has settled
  function setReady(ready) {
    if (ready) {
      document.documentElement.dataset.stabilized = state.view;
      $("status").hidden = true;
    } else {
      delete document.documentElement.dataset.stabilized;
      $("status").hidden = false;
      $("status").textContent = "Laying out the network…";
    }
  }
  function settled(then) {
    showCounts();
    setReady(true);
    if (then) then();
  }

  function showView(view, then) {
    if (!DATA.views[view]) view = VIEWS[0];
    state.view = view;
    Array.prototype.forEach.call(document.querySelectorAll("#views button"), function (b) {
      b.setAttribute("aria-pressed", b.dataset.view === view ? "true" : "false");
    });
    setReady(false);
    var set = dataFor(view);
    network.setData({nodes: set.nodes, edges: set.edges});
    state.selected = null;
    showHint();
    drawLegend();
    applyFilters();
    if (set.settled || !set.nodes.length) {
      pending = null;
      stabilizing = false;
      network.fit({maxZoomLevel: 1.25});
      if (!set.nodes.length) $("status").textContent = "This network is empty in this graph.";
      requestAnimationFrame(function () { settled(then); });
      return;
    }
    stabilizing = true;
    pending = {view: view, then: then};
    network.stabilize(150);
  }
  network.on("stabilizationIterationsDone", function () {
    if (!pending || pending.view !== state.view) return;
    var then = pending.then, set = dataFor(state.view);
    pending = null;
    stabilizing = false;
    // physics stays off: the layout is kept as it settled, and saved so that Reset can return to it
    var pos = network.getPositions();
    set.settled = Object.keys(pos).map(function (id) { return {id: id, x: pos[id].x, y: pos[id].y}; });
    set.nodes.update(set.settled);
    network.fit({maxZoomLevel: 1.25});
    settled(then);
  });
  network.on("stabilizationProgress", function (p) {
    $("status").textContent = "Laying out the network… " + Math.round(100 * p.iterations / p.total) + "%";
  });

  // -- details -----------------------------------------------------------------------------------------------------

  var detail = $("detail");
  function showHint() {
    clear(detail);
    append(detail, el("p", {class: "hint", text: "Click a person, letter, answer or decision, or a link between " +
      "them, to see the letters, the editors' notes and the archival citations. Drag on the timeline to choose dates."}));
  }

  function copyButton(text) {
    return el("button", {type: "button", class: "small", title: "Copy", text: "Copy", onclick: function (ev) {
      var b = ev.currentTarget;
      var done = function () { b.textContent = "Copied"; setTimeout(function () { b.textContent = "Copy"; }, 1200); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
      } else { fallbackCopy(text); done(); }
    }});
  }
  function fallbackCopy(text) {
    var t = el("textarea", {style: "position:fixed;left:-1000px"});
    t.value = text;
    document.body.appendChild(t);
    t.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(t);
  }
  function iriBlock(id) {
    var text = "<" + DATA.base + id + ">";
    var input = el("input", {type: "text", readonly: "readonly", "aria-label": "IRI for SPARQL", value: text});
    return [el("h3", {text: "IRI (for SPARQL)"}), el("div", {class: "iri"}, input, copyButton(text))];
  }
  function citation(text) {
    return el("span", {}, el("cite", {class: "citation", text: text}), copyButton(text));
  }
  function citations(list, publication) {
    var out = (list || []).map(citation);
    if (publication) out.push(el("span", {}, el("cite", {class: "citation", text: publication})));
    return out.length ? out.reduce(function (acc, c, i) { return i ? acc.concat([el("br"), c]) : [c]; }, []) : "—";
  }
  function badge(outcome) {
    return el("span", {class: "badge outcome", style: "background:" + (OUTCOME_COLOUR[outcome] || "#777"),
                       text: OUTCOME_TEXT[outcome] || outcome});
  }
  function noteBlock(id) {
    var n = DATA.notes[id];
    if (!n) return null;
    return el("div", {class: "note"}, el("span", {class: "n", text: "Note " + (n.n || "") + " (" + (n.page || "") +
      (n.line ? ":" + n.line : "") + "): "}), n.text);
  }
  function where(page, line) { return page ? page + (line ? ":" + line : "") : ""; }
  function nodeLink(id, text) {
    return el("button", {type: "button", class: "link", text: text, onclick: function () { focusNode(id); }});
  }
  function fields(rows) {
    var dl = el("dl");
    rows.forEach(function (r) { if (r && r[1] !== null && r[1] !== undefined && r[1] !== "") append(dl, [el("dt", {text: r[0]}), el("dd", {}, r[1])]); });
    return dl;
  }
  function header(kind, title) { return [el("p", {class: "kind", text: kind}), el("h2", {text: title})]; }

  function answerBlock(responseId) {
    var s = DATA.responses[responseId];
    if (!s) return null;
    var when = [s.date ? fmtDate(s.date) : "", s.time || "", s.place ? "from " + s.place : ""].filter(Boolean).join(" ");
    return el("div", {class: "answer"},
      el("div", {}, el("strong", {text: "Stalin's answer: "}), badge(s.outcome), when ? " " + when : "",
         s.hours !== null && s.hours !== undefined ? " · after " + s.hours + " h" : ""),
      s.text ? el("div", {text: "“" + s.text + "”"}) : null,
      s.citations.length ? el("div", {}, "Cited: ", citations(s.citations)) : null,
      s.notes.map(noteBlock),
      s.reply ? el("div", {}, "Sent in reply letter: ", nodeLink(s.reply, letterTitle(s.reply))) : null);
  }
  function letterTitle(id) {
    var x = LETTERS.find(function (l) { return l.id === id; });
    return x ? x.label : id;
  }
  function requestBlock(rid) {
    var r = DATA.requests[rid];
    if (!r) return null;
    return el("div", {class: "request"},
      el("div", {}, el("strong", {text: "Request: "}), r.text || "(text not recorded)",
         r.line ? el("span", {class: "src", text: " line " + r.line}) : null),
      r.responses.length ? r.responses.map(answerBlock) : el("div", {}, badge("none")),
      r.ledTo.map(function (d) { return decisionLine(d); }));
  }
  function decisionLine(did) {
    var d = DATA.decisions[did];
    if (!d) return null;
    return el("div", {class: "decision"}, el("strong", {text: "Politburo decision: "}),
      nodeLink(did, fmtDate(d.date)), " — ", d.wording, el("br"), citations(d.citations, d.publication));
  }

  /* One letter in a list: date, heading, citation, an excerpt, and the notes on what it asked and what followed. */
  function letterItem(i, full) {
    var x = LETTERS[i];
    var item = el("li", {class: "letter"},
      el("div", {}, el("span", {class: "date", text: fmtDate(x.date) + (x.editorial ? " [ed.]" : "")}),
         nodeLink(x.id, x.label)),
      el("div", {}, citations(x.citations)),
      el("div", {class: "src", text: where(x.page, x.line)}),
      el("div", {class: "excerpt", text: full ? x.excerpt : shorten(x.excerpt, 280)}),
      x.requests.map(requestBlock),
      x.records.filter(function (d) {
        return !x.requests.some(function (r) { return (DATA.requests[r] || {ledTo: []}).ledTo.indexOf(d) >= 0; });
      }).map(decisionLine));
    return item;
  }
  function shorten(text, n) {
    if (!text || text.length <= n) return text || "";
    var cut = text.slice(0, n), sp = cut.lastIndexOf(" ");
    return (sp > n * 0.6 ? cut.slice(0, sp) : cut) + " …";
  }
  function letterList(indices, title) {
    var inFilter = indices.filter(function (i) { return active[i]; });
    var box = el("div");
    var head = el("h3", {text: title + " (" + inFilter.length + (inFilter.length !== indices.length ? " of " +
      indices.length + ", the others outside the filters" : "") + ")"});
    var list = el("ol", {class: "letters"});
    var shown = 0;
    function more() {
      inFilter.slice(shown, shown + LIST_LIMIT).forEach(function (i) { list.appendChild(letterItem(i)); });
      shown = Math.min(inFilter.length, shown + LIST_LIMIT);
      if (button) button.hidden = shown >= inFilter.length;
      if (button) button.textContent = "Show " + Math.min(LIST_LIMIT, inFilter.length - shown) + " more";
    }
    var button = null;
    if (inFilter.length > LIST_LIMIT) button = el("button", {type: "button", class: "more", onclick: more});
    more();
    append(box, [head, list, button]);
    return box;
  }

  function measures(n) {
    var v = DATA.views[state.view];
    var rank = 1 + v.nodes.filter(function (m) { return m.b > n.b; }).length;
    var comm = v.communities[n.c];
    return [el("h3", {text: "In this network"}), fields([
      ["Size", n.s + ": " + v.size],
      ["Degree", String(n.d) + (state.view === "correspondence" ? " (persons written to or by)" : "")],
      ["Betweenness", n.b.toFixed(4) + " — " + ordinal(rank) + " of " + v.nodes.length +
        (v.estimated ? " (estimated)" : "")],
      ["Community", el("span", {}, el("span", {class: "swatch", style: "background:" + communityColour(n.c)}),
        " " + (n.c + 1) + (comm ? " of " + v.communities.length + ": " + comm.top.join(", ") +
        (comm.n > comm.top.length ? " and " + (comm.n - comm.top.length) + " more" : "") : ""))]
    ])];
  }
  function ordinal(k) {
    var s = ["th", "st", "nd", "rd"], v = k % 100;
    return k + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  function showNode(id) {
    var n = dataFor(state.view).byId[id];
    if (!n) return;
    state.selected = {node: id};
    clear(detail);
    var body;
    if (n.k === "person") body = personDetail(id, n);
    else if (n.k === "letter") body = letterDetail(id, n);
    else if (n.k === "request") body = requestDetail(id, n);
    else if (n.k === "response") body = responseDetail(id, n);
    else if (n.k === "decision") body = decisionDetail(id, n);
    append(detail, body);
    append(detail, measures(n));
    append(detail, iriBlock(id));
    detail.scrollTop = 0;
  }

  function personDetail(id, n) {
    var p = DATA.persons[id] || {name: n.l, aliases: [], roles: []};
    var life = p.born || p.died ? (p.born || "?") + "–" + (p.died || "") : "";
    var listTitle = {correspondence: "Letters written or received", mentions: "Letters naming " + (p.family || p.name),
                     decisions: "Letters written or answered"}[state.view];
    return [header("Person", p.name), fields([
      ["Family name", p.family], ["Initials", p.initials],
      ["Also written", p.aliases.join(", ")], ["Role", p.roles.join("; ")], ["Dates", life],
      ["Authority", p.provisional ? "provisional: named in the letters, not yet in the authority file" : ""]
    ]), letterList(n.L, listTitle)];
  }
  function letterDetail(id) {
    var i = LETTERS.findIndex(function (x) { return x.id === id; });
    var x = LETTERS[i];
    var sent = x.sent ? fmtDate(x.sent) + (x.sent.length > 10 ? " " + x.sent.slice(11, 16) : "") +
      (x.from ? " from " + x.from : "") : "";
    return [header("Letter", x.label), fields([
      ["Date", fmtDate(x.date) + (x.editorial ? " (supplied by the editors)" : "")],
      ["From", x.senders.map(personName).join(", ")], ["To", x.recipients.map(personName).join(", ")],
      ["Form", x.form], ["Sent", sent], ["Citation", el("span", {}, citations(x.citations))],
      ["Source", where(x.page, x.line)]
    ]), el("h3", {text: "Text (opening)"}), el("div", {class: "excerpt", text: x.excerpt}),
      x.requests.length ? [el("h3", {text: "What it asked, and the answer"}), x.requests.map(requestBlock)] : null,
      x.records.length ? [el("h3", {text: "Politburo decisions in its notes"}), x.records.map(decisionLine)] : null,
      x.notes.length ? [el("h3", {text: "Editors' notes"}), x.notes.map(noteBlock)] : null,
      x.mentions.length ? [el("h3", {text: "Persons named"}), el("p", {}, x.mentions.map(function (p, k) {
        return [k ? ", " : "", nodeLink(p, personName(p))];
      }))] : null];
  }
  function requestDetail(id) {
    var r = DATA.requests[id], x = LETTERS[r.letter];
    return [header("Request", "Request in " + x.label), fields([
      ["Letter", nodeLink(x.id, fmtDate(x.date) + ": " + x.label)], ["Letter cited", el("span", {}, citations(x.citations))],
      ["Source", where(x.page, r.line || x.line)]
    ]), el("h3", {text: "The request and Stalin's answer"}), requestBlock(id)];
  }
  function responseDetail(id) {
    var s = DATA.responses[id], r = DATA.requests[s.request] || {}, x = LETTERS[r.letter];
    return [header("Stalin's answer", OUTCOME_TEXT[s.outcome] + (x ? " — to " + x.label : "")), fields([
      ["Answer", badge(s.outcome)], ["Given", [fmtDate(s.date), s.time || "", s.place ? "from " + s.place : ""].join(" ")],
      ["Evidence", s.evidence], ["Source", where(x ? x.page : "", s.line)],
      ["Request", r.text], ["Letter", x ? nodeLink(x.id, x.label) : ""]
    ]), el("h3", {text: "The editors' note and citation"}), answerBlock(id),
      r.ledTo && r.ledTo.length ? [el("h3", {text: "What followed"}), r.ledTo.map(decisionLine)] : null];
  }
  function decisionDetail(id, n) {
    var d = DATA.decisions[id];
    return [header("Politburo decision", fmtDate(d.date)), fields([
      ["Date", fmtDate(d.date)], ["Citation", el("span", {}, citations(d.citations, d.publication))],
      ["Source", where(d.page, d.line)]
    ]), el("h3", {text: "Wording"}), el("p", {text: d.wording}),
      d.notes.length ? [el("h3", {text: "The editors' note"}), d.notes.map(noteBlock)] : null,
      letterList(n.L, "Letters that led to it or record it")];
  }

  function showEdge(index) {
    var v = DATA.views[state.view], e = v.edges[index];
    if (!e) return;
    state.selected = {edge: index};
    clear(detail);
    var a = dataFor(state.view).byId[e.f], b = dataFor(state.view).byId[e.t];
    if (state.view === "correspondence") {
      append(detail, [header("Letters", personName(e.f) + " → " + personName(e.t)),
        fields([["Letters", String(e.L.length)], ["From", nodeLink(e.f, personName(e.f))],
                ["To", nodeLink(e.t, personName(e.t))]]),
        letterList(e.L, "Letters from " + personName(e.f) + " to " + personName(e.t))]);
      return;
    }
    if (state.view === "mentions") {
      append(detail, [header("Named together", personName(e.f) + " and " + personName(e.t)),
        letterList(e.L, "Letters naming both")]);
      return;
    }
    var target = e.r === "answer sent in" ? a : (b.k === "person" ? a : b);
    append(detail, el("p", {class: "kind", text: "Link: " + a.l + " — " + e.r + " → " + b.l}));
    var body = {letter: letterDetail, request: requestDetail, response: responseDetail, decision: decisionDetail};
    append(detail, body[target.k](target.id, target));
    append(detail, iriBlock(target.id));
  }

  function refreshDetail() {
    if (!state.selected) return;
    if (state.selected.node) showNode(state.selected.node); else showEdge(state.selected.edge);
  }

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else { state.selected = null; showHint(); }
  });

  // -- search ------------------------------------------------------------------------------------------------------

  var index = [];
  Object.keys(DATA.persons).forEach(function (id) {
    var p = DATA.persons[id];
    var keys = [[p.name, ""], [p.family, ""]].concat(p.aliases.map(function (a) { return [a, "also written " + a]; }));
    if (p.initials && p.family) keys.push([p.initials + " " + p.family, ""]);
    keys.forEach(function (k) { if (k[0]) index.push({key: norm(k[0]), id: id, label: p.name, kind: "person", why: k[1]}); });
  });
  LETTERS.forEach(function (x) {
    index.push({key: norm(x.label), id: x.id, label: x.label, kind: "letter", why: fmtDate(x.date)});
    x.citations.forEach(function (c) { index.push({key: norm(c), id: x.id, label: x.label, kind: "letter", why: c}); });
  });

  function search(text) {
    var q = norm(text).trim();
    if (!q) return [];
    var best = {};
    index.forEach(function (e) {
      var pos = e.key.indexOf(q);
      if (pos < 0) return;
      var score = e.key === q ? 0 : pos === 0 ? 1 : /[\s.,-]/.test(e.key[pos - 1]) ? 2 : 3;
      var cur = best[e.id];
      if (!cur || score < cur.score) best[e.id] = {score: score, entry: e};
    });
    return Object.keys(best).map(function (k) { return best[k]; }).sort(function (a, b) {
      return a.score - b.score || (a.entry.kind === b.entry.kind ? 0 : a.entry.kind === "person" ? -1 : 1) ||
        (a.entry.label < b.entry.label ? -1 : a.entry.label > b.entry.label ? 1 : 0);
    }).slice(0, 12).map(function (m) { return m.entry; });
  }

  var suggest = $("suggest"), searchBox = $("search"), matches = [], cursor = 0;
  function showSuggestions() {
    matches = search(searchBox.value);
    cursor = 0;
    clear(suggest);
    matches.forEach(function (m, k) {
      var li = el("li", {role: "option", "aria-selected": k === cursor ? "true" : "false"},
        el("span", {text: m.label}), m.why ? el("span", {class: "why", text: m.why}) : null,
        el("span", {class: "kind", text: m.kind}));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(m); });
      suggest.appendChild(li);
    });
    if (!matches.length && searchBox.value.trim()) suggest.appendChild(el("li", {class: "why", text: "Nothing found"}));
    suggest.hidden = !searchBox.value.trim();
  }
  function moveCursor(step) {
    if (!matches.length) return;
    cursor = (cursor + step + matches.length) % matches.length;
    Array.prototype.forEach.call(suggest.children, function (li, k) {
      li.setAttribute("aria-selected", k === cursor ? "true" : "false");
    });
  }
  function choose(m) {
    suggest.hidden = true;
    searchBox.value = m.label;
    focusNode(m.id);
  }
  searchBox.addEventListener("input", showSuggestions);
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { moveCursor(1); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { moveCursor(-1); ev.preventDefault(); }
    else if (ev.key === "Enter") { if (!matches.length) showSuggestions(); if (matches.length) choose(matches[cursor]); ev.preventDefault(); }
    else if (ev.key === "Escape") { suggest.hidden = true; }
  });
  searchBox.addEventListener("blur", function () { suggest.hidden = true; });

  /* Select a node and bring it into view, switching to a network that holds it and lifting filters that hide it. */
  function focusNode(id) {
    var view = DATA.views[state.view].nodes.some(function (n) { return n.id === id; }) ? state.view :
      VIEWS.filter(function (v) { return dataFor(v).byId[id]; })[0];
    if (!view) { flash("Not in any of the networks: " + id); return; }
    var go = function () {
      var set = dataFor(view), node = set.nodes.get(id);
      if (node && node.hidden) { resetFilters(); flash("Filters cleared to show it."); }
      network.selectNodes([id]);
      network.focus(id, {scale: Math.max(network.getScale(), 1.1), animation: {duration: 300, easingFunction: "easeInOutQuad"}});
      showNode(id);
    };
    if (view !== state.view || stabilizing) showView(view, go); else go();
  }
  function flash(text) {
    var s = $("status");
    s.textContent = text;
    s.hidden = false;
    setTimeout(function () { if (document.documentElement.dataset.stabilized) s.hidden = true; }, 2500);
  }

  // -- filters -----------------------------------------------------------------------------------------------------

  var fromBox = $("date-from"), toBox = $("date-to");
  [fromBox, toBox].forEach(function (b) { b.min = FIRST; b.max = LAST; });
  OUTCOME_KEYS.forEach(function (o) {
    var box = el("input", {type: "checkbox", checked: "checked", "data-outcome": o});
    box.addEventListener("change", function () { state.outcomes[o] = box.checked; applyFilters(); });
    $("outcomes").appendChild(el("label", {}, box, el("span", {class: "swatch",
      style: "background:" + (OUTCOME_COLOUR[o] || "#cfd6de")}), OUTCOME_TEXT[o] || o));
  });
  Object.keys(DATA.persons).map(function (id) { return [DATA.persons[id].name, id]; })
    .filter(function (p) { return LETTERS.some(function (x, i) { return letterPersons[i][p[1]]; }); })
    .sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; })
    .forEach(function (p) { $("person").appendChild(el("option", {value: p[1], text: p[0]})); });

  function readDates() {
    state.from = fromBox.value || FIRST;
    state.to = toBox.value || LAST;
    if (state.from > state.to) { var t = state.from; state.from = state.to; state.to = t; }
    applyFilters();
  }
  fromBox.addEventListener("change", readDates);
  toBox.addEventListener("change", readDates);
  $("undated").addEventListener("change", function (ev) { state.undated = ev.target.checked; applyFilters(); });
  $("person").addEventListener("change", function (ev) { state.person = ev.target.value; applyFilters(); });

  function setDates(from, to) {
    state.from = from; state.to = to;
    fromBox.value = from; toBox.value = to;
    applyFilters();
  }
  function resetFilters() {
    state.from = FIRST; state.to = LAST; state.undated = true; state.person = "";
    fromBox.value = FIRST; toBox.value = LAST;
    $("undated").checked = true;
    $("person").value = "";
    OUTCOME_KEYS.forEach(function (o) { state.outcomes[o] = true; });
    Array.prototype.forEach.call(document.querySelectorAll("#outcomes input"), function (b) { b.checked = true; });
    applyFilters();
  }
  $("reset").addEventListener("click", function () {
    searchBox.value = "";
    suggest.hidden = true;
    resetFilters();
    var set = dataFor(state.view);
    if (set.settled) set.nodes.update(set.settled);
    network.unselectAll();
    state.selected = null;
    showHint();
    network.fit({maxZoomLevel: 1.25, animation: false});
  });
  Array.prototype.forEach.call(document.querySelectorAll("#views button"), function (b) {
    b.addEventListener("click", function () { if (b.dataset.view !== state.view) showView(b.dataset.view); });
  });

  // -- legend ------------------------------------------------------------------------------------------------------

  function drawLegend() {
    var box = $("legend"), v = DATA.views[state.view];
    clear(box);
    var sizeText = "Size: " + v.size + ".";
    if (state.view === "decisions") {
      append(box, [el("h2", {text: "Letter → request → Stalin's answer → Politburo decision"}),
        el("ul", {}, ["letter", "request", "decision"].map(function (k) {
          return el("li", {}, shapeMark(k, KIND[k].colour), " " + KIND[k].name);
        }), el("li", {}, shapeMark("response", OUTCOME_COLOUR.agreed), " Stalin's answer, coloured by outcome: ",
          DATA.outcomes.filter(function (o) { return o !== "none"; }).map(function (o, k) {
            return [k ? ", " : "", el("span", {class: "swatch", style: "background:" + OUTCOME_COLOUR[o]}), " " + OUTCOME_TEXT[o]];
          })), el("li", {}, shapeMark("person", PALETTE[0]), " Person who wrote or answered, coloured by community"),
          el("li", {text: "Dashed line: a decision the letter's notes record"})),
        el("p", {text: sizeText})]);
      return;
    }
    append(box, [el("h2", {text: state.view === "correspondence" ? "Who wrote to whom" : "Persons named in the same letters"}),
      el("p", {text: sizeText}),
      el("p", {text: state.view === "correspondence" ? "Arrow: author → recipient, wider for more letters." :
        "Line: named in the same letter, wider for more letters."}),
      el("p", {text: "Colour: community (Louvain modularity), the groups that write to or name each other most:"}),
      el("ul", {}, v.communities.slice(0, PALETTE.length).map(function (c) {
        return el("li", {}, el("span", {class: "swatch", style: "background:" + communityColour(c.c)}),
          " " + c.top.join(", ") + (c.n > c.top.length ? " + " + (c.n - c.top.length) : ""));
      }), v.communities.length > PALETTE.length ? el("li", {}, el("span", {class: "swatch",
        style: "background:" + SMALL_COMMUNITY}), " " + (v.communities.length - PALETTE.length) + " smaller communities") : null)]);
  }
  function shapeMark(kind, colour) {
    var s = svg("svg", {width: 12, height: 12, viewBox: "0 0 12 12"});
    var shapes = {
      person: svg("circle", {cx: 6, cy: 6, r: 5}), letter: svg("rect", {x: 1, y: 1, width: 10, height: 10}),
      request: svg("polygon", {points: "6,1 11,11 1,11"}), response: svg("polygon", {points: "6,0 12,6 6,12 0,6"}),
      decision: svg("polygon", {points: "6,0 7.6,4.2 12,4.4 8.6,7.2 9.8,11.6 6,9 2.2,11.6 3.4,7.2 0,4.4 4.4,4.2"})
    };
    var shape = shapes[kind];
    shape.setAttribute("fill", colour);
    shape.setAttribute("stroke", "#3d4852");
    s.appendChild(shape);
    s.style.verticalAlign = "-1px";
    return s;
  }

  // -- timeline and response times ---------------------------------------------------------------------------------

  var allDays = [];
  LETTERS.forEach(function (x) { if (x.date) allDays.push(dayNumber(x.date)); });
  Object.keys(DATA.responses).forEach(function (k) { var d = dayNumber(DATA.responses[k].date); if (d !== null) allDays.push(d); });
  Object.keys(DATA.decisions).forEach(function (k) { var d = dayNumber(DATA.decisions[k].date); if (d !== null) allDays.push(d); });
  var DAY0 = allDays.length ? Math.min.apply(null, allDays) : 0;
  var DAYN = allDays.length ? Math.max.apply(null, allDays) - DAY0 + 1 : 1;

  function seriesCounts() {
    var out = SERIES.map(function () { return new Array(DAYN).fill(0); });
    var add = function (k, date) { var d = dayNumber(date); if (d !== null) out[k][d - DAY0] += 1; };
    Object.keys(DATA.requests).forEach(function (rid) {
      var r = DATA.requests[rid];
      if (r.letter === null || !activeUndated[r.letter]) return;
      add(0, LETTERS[r.letter].date);
      r.responses.forEach(function (s) { add(1, DATA.responses[s].date); });
    });
    Object.keys(DATA.decisions).forEach(function (did) {
      var d = DATA.decisions[did];
      var linked = d.letters.length ? d.letters.some(function (i) { return activeUndated[i]; }) : !state.person;
      if (linked) add(2, d.date);
    });
    return out;
  }

  var brush = null;
  function drawTimeline() {
    var s = $("timeline");
    clear(s);
    var W = s.clientWidth || 800, H = s.clientHeight || 180;
    var left = 34, right = 12, top = 30, bottom = 26, w = W - left - right, h = H - top - bottom;
    var counts = seriesCounts();
    var max = 1;
    counts.forEach(function (c) { c.forEach(function (n) { if (n > max) max = n; }); });
    var dayW = w / DAYN, barW = Math.max(1, Math.min(10, dayW / 3.5));
    var x = function (day) { return left + day * dayW; };
    var y = function (n) { return top + h - (n / max) * h; };
    s.appendChild(svg("text", {x: left, y: 14, class: "title", text: "Per day: requests sent, Stalin's answers and Politburo decisions"}));
    var lx = left;
    SERIES.forEach(function (ser, k) {
      var total = counts[k].reduce(function (a, b) { return a + b; }, 0);
      var label = ser.label + " (" + total + ")";
      lx += 0;
      s.appendChild(svg("rect", {x: W - right - 430 + k * 145, y: 5, width: 10, height: 10, fill: ser.colour}));
      s.appendChild(svg("text", {x: W - right - 416 + k * 145, y: 14, text: label, "data-series": ser.key}));
    });
    // the chosen date range
    var fromDay = dayNumber(state.from), toDay = dayNumber(state.to);
    if (fromDay !== null && toDay !== null) {
      s.appendChild(svg("rect", {class: "range", x: x(fromDay - DAY0), y: top - 4,
                                 width: Math.max(1, x(toDay - DAY0 + 1) - x(fromDay - DAY0)), height: h + 4}));
    }
    [0.5, 1].forEach(function (f) {
      var n = Math.round(max * f);
      if (f < 1 && n === max) return;
      s.appendChild(svg("line", {class: "grid", x1: left, x2: W - right, y1: y(n), y2: y(n)}));
      s.appendChild(svg("text", {x: left - 6, y: y(n) + 4, "text-anchor": "end", text: String(n)}));
    });
    s.appendChild(svg("line", {class: "axis", x1: left, x2: W - right, y1: top + h, y2: top + h}));
    SERIES.forEach(function (ser, k) {
      var d = "";
      counts[k].forEach(function (n, day) {
        if (n) d += "M" + (x(day) + dayW / 2 + (k - 1) * barW).toFixed(1) + " " + (top + h) + "V" + y(n).toFixed(1);
      });
      if (d) s.appendChild(svg("path", {d: d, stroke: ser.colour, "stroke-width": barW.toFixed(2), fill: "none",
                                        "data-series": ser.key}));
    });
    ticks(DAY0, DAYN).forEach(function (t) {
      var tx = x(t.day - DAY0);
      s.appendChild(svg("line", {class: "axis", x1: tx, x2: tx, y1: top + h, y2: top + h + 4}));
      s.appendChild(svg("text", {x: tx, y: top + h + 16, "text-anchor": "middle", text: t.label}));
    });
    if (brush) {
      var a = Math.min(brush.a, brush.b), b = Math.max(brush.a, brush.b);
      s.appendChild(svg("rect", {class: "brush", x: x(a - DAY0), y: top - 4, width: Math.max(1, x(b - DAY0 + 1) - x(a - DAY0)), height: h + 4}));
    }
    s._geometry = {left: left, dayW: dayW, w: w};
  }

  function ticks(day0, n) {
    var out = [];
    var step = n <= 21 ? 1 : n <= 70 ? 7 : n <= 200 ? 14 : 0;
    if (step) {
      for (var d = day0; d < day0 + n; d += step) {
        var s = dayString(d);
        out.push({day: d, label: (+s.slice(8)) + " " + MONTHS[+s.slice(5, 7) - 1]});
      }
      return out;
    }
    var first = dayString(day0), y = +first.slice(0, 4), m = +first.slice(5, 7) - 1;
    var every = n <= 800 ? 1 : n <= 1600 ? 3 : 6;
    for (;;) {
      var day = Math.round(Date.UTC(y, m, 1) / 86400000);
      if (day >= day0 + n) break;
      if (day >= day0 && m % every === 0) out.push({day: day, label: m === 0 || out.length === 0 ? MONTHS[m] + " " + y : MONTHS[m]});
      m += 1;
      if (m === 12) { m = 0; y += 1; }
    }
    return out;
  }

  (function brushing() {
    var s = $("timeline");
    var dayAt = function (ev) {
      var g = s._geometry, r = s.getBoundingClientRect();
      var d = Math.floor((ev.clientX - r.left - g.left) / g.dayW);
      return DAY0 + Math.max(0, Math.min(DAYN - 1, d));
    };
    s.addEventListener("mousedown", function (ev) { brush = {a: dayAt(ev), b: dayAt(ev)}; drawTimeline(); ev.preventDefault(); });
    s.addEventListener("mousemove", function (ev) {
      var g = s._geometry;
      if (brush) { brush.b = dayAt(ev); drawTimeline(); }
      else if (g) s.setAttribute("aria-description", dayString(dayAt(ev)));
    });
    window.addEventListener("mouseup", function () {
      if (!brush) return;
      var a = Math.min(brush.a, brush.b), b = Math.max(brush.a, brush.b);
      brush = null;
      setDates(dayString(a), dayString(b));
    });
    s.addEventListener("dblclick", function () { setDates(FIRST, LAST); });
  })();

  var BINS = [[-Infinity, 0, "before sent"], [0, 3, "< 3 h"], [3, 6, "3–6 h"], [6, 12, "6–12 h"], [12, 24, "12–24 h"],
              [24, 48, "1–2 d"], [48, 96, "2–4 d"], [96, 192, "4–8 d"], [192, Infinity, "> 8 d"]];
  function drawHours() {
    var s = $("hours");
    clear(s);
    var W = s.clientWidth || 300, H = s.clientHeight || 180;
    var hours = [];
    Object.keys(DATA.responses).forEach(function (k) {
      var r = DATA.responses[k], q = DATA.requests[r.request];
      if (r.hours !== null && r.hours !== undefined && q && q.letter !== null && active[q.letter]) hours.push(r.hours);
    });
    hours.sort(function (a, b) { return a - b; });
    var counts = BINS.map(function (b) { return hours.filter(function (v) { return v >= b[0] && v < b[1]; }).length; });
    var bins = BINS.map(function (b, k) { return {label: b[2], n: counts[k]}; }).filter(function (b, k) { return k > 0 || b.n > 0; });
    var median = hours.length ? (hours.length % 2 ? hours[(hours.length - 1) / 2] :
      (hours[hours.length / 2 - 1] + hours[hours.length / 2]) / 2) : null;
    s.appendChild(svg("text", {x: 12, y: 14, class: "title", text: "Stalin's response time"}));
    s.appendChild(svg("text", {x: 12, y: 28, text: hours.length ? plural(hours.length, "answer") + " timed · median " +
      (Math.round(median * 10) / 10) + " h" : "no answer with both times known in the filter"}));
    var left = 12, top = 40, bottom = 30, w = W - 24, h = H - top - bottom;
    var max = Math.max(1, Math.max.apply(null, bins.map(function (b) { return b.n; })));
    var bw = w / bins.length;
    bins.forEach(function (b, k) {
      var bh = (b.n / max) * (h - 12);
      var bx = left + k * bw;
      s.appendChild(svg("rect", {x: bx + 3, y: top + h - bh, width: Math.max(2, bw - 6), height: bh, fill: "#2f5d8a",
                                 "data-bin": b.label, "data-count": b.n}));
      if (b.n) s.appendChild(svg("text", {x: bx + bw / 2, y: top + h - bh - 3, "text-anchor": "middle", text: String(b.n)}));
      s.appendChild(svg("text", {x: bx + bw / 2, y: top + h + 14, "text-anchor": "middle", text: b.label}));
    });
    s.appendChild(svg("line", {class: "axis", x1: left, x2: left + w, y1: top + h, y2: top + h}));
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { drawTimeline(); drawHours(); }, 150);
  });

  // -- start -------------------------------------------------------------------------------------------------------

  $("source").textContent = DATA.source + " · " + plural(LETTERS.length, "letter") +
    (FIRST ? ", " + fmtDate(FIRST) + " – " + fmtDate(LAST) : "");
  fromBox.value = FIRST;
  toBox.value = LAST;

  /* For scripts and tests: what is drawn, and a way in. */
  window.kgExplorer = {
    network: network,
    view: function () { return state.view; },
    show: showView,
    select: focusNode,
    counts: function () {
      return {nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length};
    },
    visibleNodes: function () {
      return network.body.nodeIndices.map(function (id) {
        var n = dataFor(state.view).byId[id];
        return {id: id, kind: n.k, date: n.k === "letter" ? LETTERS[n.L[0]].date : null};
      });
    }
  };

  showView(DATA.views[DATA.initial] ? DATA.initial : VIEWS[0]);
})();
