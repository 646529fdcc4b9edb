// The project's own query editor (the fallback where YASGUI was not fetched): plain JavaScript, no dependencies.
"use strict";
(function () {
  const base = document.body.dataset.base;
  const $ = (id) => document.getElementById(id);
  const query = $("query"), results = $("results"), status = $("status"), examples = $("examples");
  const ontologyRoot = "https://w3id.org/kkni/";

  function localHref(iri) {
    if (iri.startsWith(base)) return "/" + iri.slice(base.length);
    if (iri.startsWith(ontologyRoot)) return "/" + iri.slice(ontologyRoot.length);
    return iri;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = localHref(term.value);
      a.textContent = term.value.startsWith(base) ? term.value.slice(base.length) : term.value;
      a.title = term.value;
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      const tag = term["xml:lang"] ? "@" + term["xml:lang"] : "";
      if (tag) { const s = document.createElement("span"); s.className = "tag"; s.textContent = " " + tag; td.appendChild(s); }
    }
    return td;
  }

  function showTable(data) {
    results.replaceChildren();
    if (typeof data.boolean === "boolean") { results.textContent = String(data.boolean); return; }
    const table = document.createElement("table"), head = document.createElement("tr");
    for (const v of data.head.vars) { const th = document.createElement("th"); th.textContent = "?" + v; head.appendChild(th); }
    const thead = document.createElement("thead"); thead.appendChild(head); table.appendChild(thead);
    const tbody = document.createElement("tbody");
    for (const b of data.results.bindings) {
      const tr = document.createElement("tr");
      for (const v of data.head.vars) tr.appendChild(cell(b[v]));
      tbody.appendChild(tr);
    }
    table.appendChild(tbody); results.appendChild(table);
    status.textContent = data.results.bindings.length + " row(s)";
  }

  function showError(body) {
    results.replaceChildren();
    const p = document.createElement("pre"); p.className = "error";
    let text = (body.message || body.error || "error");
    if (body.line) text += "\n(line " + body.line + ", column " + body.column + ")";
    if (body.pesan) text += "\n" + body.pesan;
    p.textContent = text; results.appendChild(p);
  }

  function url(format) { return "/sparql?query=" + encodeURIComponent(query.value) + "&format=" + format; }

  // The formats a result of this query's form can be sent in: tables for SELECT and ASK, graphs for CONSTRUCT and DESCRIBE.
  const FORMATS = {
    table: [["CSV", "csv"], ["TSV", "tsv"], ["JSON", "json"], ["XML", "xml"]],
    graph: [["Turtle", "turtle"], ["JSON-LD", "jsonld"], ["N-Triples", "ntriples"], ["RDF/XML", "rdfxml"]],
  };
  function form(text) {
    const body = text.replace(/#[^\n]*/g, " ").replace(/\b(PREFIX|BASE)\b\s*[^<]*<[^>]*>/gi, " ");
    const m = body.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
    return m && /^(CONSTRUCT|DESCRIBE)$/i.test(m[1]) ? "graph" : "table";
  }
  function refreshLinks() {
    const as = $("as");
    as.replaceChildren();
    FORMATS[form(query.value)].forEach(([name, key], i) => {
      if (i) as.append(" · ");
      const a = document.createElement("a");
      a.href = url(key); a.textContent = name; a.id = "as-" + key;
      as.appendChild(a);
    });
  }

  async function run() {
    status.textContent = "running…";
    refreshLinks();
    const started = performance.now();
    try {
      const r = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
        body: query.value,
      });
      const type = r.headers.get("content-type") || "";
      const ms = Math.round(performance.now() - started);
      if (type.startsWith("application/json") && !r.ok) { showError(await r.json()); status.textContent = r.status + " · " + ms + " ms"; return; }
      if (type.startsWith("application/sparql-results+json")) { showTable(await r.json()); status.textContent += " · " + ms + " ms"; return; }
      const pre = document.createElement("pre"); pre.textContent = await r.text();
      results.replaceChildren(pre); status.textContent = r.status + " · " + ms + " ms";
    } catch (e) { status.textContent = "failed: " + e; }
  }

  async function loadExamples() {
    try {
      const r = await fetch("/queries");
      const list = await r.json();
      for (const q of list) {
        const o = document.createElement("option");
        o.value = q.name; o.textContent = q.title; o.dataset.query = q.query; o.dataset.question = q.question || "";
        examples.appendChild(o);
      }
    } catch (e) { /* the editor still works without examples */ }
  }

  examples.addEventListener("change", () => {
    const o = examples.selectedOptions[0];
    if (o && o.dataset.query) { query.value = o.dataset.query; $("question").textContent = o.dataset.question; refreshLinks(); }
  });
  $("run").addEventListener("click", run);
  query.addEventListener("input", refreshLinks);
  // "#query=…" (the gallery's "open in editor" links, YASGUI's share links) fills the editor.
  const shared = new URLSearchParams(window.location.hash.slice(1)).get("query");
  if (shared) query.value = shared;
  query.addEventListener("keydown", (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run(); });
  refreshLinks();
  loadExamples();
})();
