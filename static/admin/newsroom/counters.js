// Live counts under the story's title (words) and sapo (characters), and the title's hint past its word
// limit. The server renders the counter, its wording and the hint (articles/widgets.py); this only keeps the
// number current while the reporter types.
"use strict";
(function () {
  function count(value, unit) {
    const text = value.normalize("NFC").trim();
    if (unit === "words") {
      return text ? text.split(/\s+/).length : 0;
    }
    return Array.from(text).length;
  }

  function update(field) {
    const counter = document.getElementById(field.dataset.counter);
    if (!counter) {
      return;
    }
    const total = count(field.value, counter.dataset.unit);
    const number = counter.querySelector(".nr-counter__text");
    number.textContent = counter.dataset.template.replace("{count}", String(total));
    const hint = counter.querySelector(".nr-counter__hint");
    if (hint) {
      const over = counter.dataset.limit !== undefined && total > parseInt(counter.dataset.limit, 10);
      hint.hidden = !over;
      counter.classList.toggle("nr-counter--over", over);
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.counter) {
      update(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-counter]").forEach(update);
  });
})();
