// The example gallery's filter: hides the examples whose title and question do not contain every word typed.
"use strict";
(function () {
  for (const input of document.querySelectorAll("input[data-filter]")) {
    input.addEventListener("input", () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const el of document.querySelectorAll(input.dataset.filter)) {
        const text = Array.from(el.querySelectorAll("h3, .question"), (e) => e.textContent).join(" ").toLowerCase();
        el.hidden = !words.every((w) => text.includes(w));
      }
    });
  }
})();
