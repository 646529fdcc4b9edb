// The example gallery's filter: hides the examples whose text does not contain what is typed.
"use strict";
(function () {
  for (const input of document.querySelectorAll("input[data-filter]")) {
    input.addEventListener("input", () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const el of document.querySelectorAll(input.dataset.filter)) {
        const text = el.textContent.toLowerCase();
        el.hidden = !words.every((w) => text.includes(w));
      }
    });
  }
})();
