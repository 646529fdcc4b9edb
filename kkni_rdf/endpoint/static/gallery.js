// The example gallery's filter: hides the examples whose title and question do not contain what is typed.
"use strict";
(function () {
  for (const input of document.querySelectorAll("input[data-filter]")) {
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLowerCase().replace(/\s+/g, " ");
      for (const el of document.querySelectorAll(input.dataset.filter)) {
        const text = Array.from(el.querySelectorAll("h3, .question"), (e) => e.textContent).join(" ").toLowerCase();
        el.hidden = !text.replace(/\s+/g, " ").includes(wanted);
      }
    });
  }
})();
