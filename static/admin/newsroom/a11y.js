// Django's autocompletes (Select2) draw their own combobox and search box beside the hidden <select>, named
// after nothing in an inline row. Give them the select's accessible name (its aria-label, set by the server,
// or its <label>), for screen readers.
"use strict";
(function () {
  function nameOf(select) {
    const label = select.getAttribute("aria-label");
    if (label) {
      return label;
    }
    return select.labels && select.labels.length ? select.labels[0].textContent.trim().replace(/:$/, "") : "";
  }

  function nameWidgets(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const drawn = select.nextElementSibling;
      const name = nameOf(select);
      if (!name || !drawn || !drawn.classList.contains("select2")) {
        return;
      }
      drawn.querySelectorAll("[role=combobox], [role=textbox], .select2-search__field").forEach(function (part) {
        // Select2 labels its combobox by the text of the current choice, which is empty until one is made.
        part.removeAttribute("aria-labelledby");
        part.setAttribute("aria-label", name);
      });
    });
  }

  // Select2 is drawn by jQuery's ready handlers, and again for each inline row added: name what it draws.
  function drawsSelect2(node) {
    return node.nodeType === 1 && (node.classList.contains("select2") || node.querySelector(".select2") !== null);
  }
  new MutationObserver(function (changes) {
    if (changes.some((change) => Array.from(change.addedNodes).some(drawsSelect2))) {
      nameWidgets(document);
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", function () {
    nameWidgets(document);
  });
})();
