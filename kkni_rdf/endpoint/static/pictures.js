// Draws each page's pictures (a <script type="text/vnd.graphviz"> holding DOT, written by pictures.py) as SVG
// with Viz.js, served by this endpoint (fetched by `make setup`). Plain JavaScript, nothing from other servers.
"use strict";
(function () {
  const drawings = document.querySelectorAll(".picture .drawing[data-dot]");
  if (!drawings.length || typeof Viz === "undefined") return;
  Viz.instance().then((viz) => {
    for (const drawing of drawings) {
      const source = document.getElementById(drawing.dataset.dot);
      try {
        const svg = viz.renderSVGElement(source.textContent);
        svg.removeAttribute("width"); svg.removeAttribute("height");  // scales with the page (CSS)
        drawing.replaceChildren(svg);
        drawing.classList.add("drawn");
      } catch (e) {
        drawing.textContent = String(e);
      }
    }
  });
})();
