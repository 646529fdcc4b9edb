// The project's own query editor: plain JavaScript, no dependencies, works offline.
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
  function refreshLinks() { $("as-csv").href = url("csv"); $("as-json").href = url("json"); $("as-ttl").href = url("turtle"); }

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
  query.addEventListener("keydown", (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run(); });
  refreshLinks();
  loadExamples();
})();
