// The query page: YASGUI (served by this endpoint, fetched by `make setup`), set up to request nothing
// from other servers: this endpoint as the only endpoint, the project's prefixes and the ontology's
// classes and properties for completion (instead of prefix.cc and Linked Open Vocabularies), and the
// named queries as examples (a gallery: title, question, open in editor).
"use strict";
(function () {
  const setup = JSON.parse(document.getElementById("workbench").textContent);
  const endpoint = new URL(setup.endpoint, window.location.href).href;
  const Yasqe = Yasgui.Yasqe;

  // Completion from this endpoint's own data; the LOV completers (class, property) are not used.
  const prefixLines = Object.entries(setup.prefixes).map(([p, iri]) => `${p}: <${iri}>`);
  const local = (kind) => ({
    name: "kkni-" + kind,
    bulk: false,
    get: (yasqe, token) => {
      const wanted = (token && token.autocompletionString) || "";
      return Promise.resolve(setup.terms[kind].filter((iri) => iri.startsWith(wanted)));
    },
  });
  Yasqe.forkAutocompleter("prefixes", { name: "kkni-prefixes", get: prefixLines, persistenceId: null });
  Yasqe.forkAutocompleter("class", local("class"));
  Yasqe.forkAutocompleter("property", local("property"));
  Yasqe.defaults.autocompleters = ["kkni-prefixes", "variables", "kkni-class", "kkni-property"];
  Yasqe.defaults.prefixCcApi = null;

  const declared = ["kkni", "rdfs", "skos"].filter((p) => setup.prefixes[p]).map((p) => `PREFIX ${p}: <${setup.prefixes[p]}>`);
  const firstQuery = declared.join("\n") +
    "\n\nSELECT ?qualification ?label WHERE {\n  ?qualification a kkni:Qualification ; rdfs:label ?label .\n  FILTER (lang(?label) = \"en\")\n} ORDER BY ?qualification LIMIT 20\n";

  // A refused query (400, 403, 413, 422, …) is this endpoint's JSON: shown as its message, in the page's
  // language first and then the other, with the line and column, instead of one unwrapped line of JSON.
  const pageLang = document.documentElement.lang || "id";
  Yasgui.Yasr.defaults.errorRenderers = [
    async (error) => {
      let body;
      try { body = JSON.parse((error && (error.text || error.responseText)) || ""); } catch (e) { return undefined; }
      if (!body || typeof body.message !== "string") return undefined;
      const box = document.createElement("div");
      box.className = "kkni-error";
      box.setAttribute("role", "alert");
      const head = document.createElement("h3");
      head.textContent = (error.status ? error.status + " · " : "") + (body.error || "error");
      box.appendChild(head);
      const texts = [["en", body.message], ["id", body.pesan]];
      if (pageLang === "id") texts.reverse();
      for (const [lang, text] of texts) {
        if (!text) continue;
        const p = document.createElement("p");
        p.lang = lang; p.className = "message"; p.textContent = text;
        box.appendChild(p);
      }
      if (body.line) {
        const where = document.createElement("p");
        where.className = "where";
        where.textContent = (pageLang === "id" ? "baris " : "line ") + body.line + (body.column ? (pageLang === "id" ? ", kolom " : ", column ") + body.column : "");
        box.appendChild(where);
      }
      return box;
    },
  ];

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    yasqe: { value: firstQuery },
    persistenceId: "kkni-workbench",
  });
  // Tabs restored from an earlier visit keep their queries, but always ask this endpoint.
  for (const id of Object.keys(yasgui._tabs)) yasgui._tabs[id].setEndpoint(endpoint);
  window.kkniYasgui = yasgui;

  // The results' IRIs of this dataset open its local pages (in this tab), not the IRI's host.
  const roots = [document.body.dataset.base, "https://w3id.org/kkni/"].filter(Boolean);
  const localPath = (href) => {
    const root = roots.find((r) => href.startsWith(r));
    return root ? "/" + href.slice(root.length) : null;
  };
  const relink = (scope) => {
    for (const a of scope.querySelectorAll(".yasr a[href]")) {
      const path = localPath(a.getAttribute("href"));
      if (path === null) continue;
      a.setAttribute("href", path);
      a.removeAttribute("target");
      a.classList.add("local");
    }
  };
  new MutationObserver(() => relink(document.getElementById("yasgui"))).observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  // The gallery: "open in editor" puts the example in a new tab.
  const gallery = document.getElementById("gallery");
  document.getElementById("examples-open").addEventListener("click", () => gallery.showModal());
  for (const link of gallery.querySelectorAll("a.open")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const name = link.closest(".example").dataset.name;
      const example = setup.queries.find((q) => q.name === name);
      yasgui.addTab(true, { name: example.title, yasqe: { value: example.query }, requestConfig: { endpoint: endpoint } });
      gallery.close();
    });
  }
})();
