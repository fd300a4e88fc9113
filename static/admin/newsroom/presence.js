// Heartbeat of an open story form: tells the server this person is still editing and shows who else is
// (articles/presence.py). Only a warning; the version check refuses a stale save whatever happens here.
"use strict";
(function () {
  const banner = document.getElementById("nr-presence");
  if (!banner || !banner.dataset.url) {
    return;
  }
  const every = Math.max(10, parseInt(banner.dataset.every, 10) || 30) * 1000;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");

  function beat() {
    if (document.hidden) {
      return;
    }
    fetch(banner.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "X-Requested-With": "XMLHttpRequest"},
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data) {
          banner.textContent = data.message;
          banner.hidden = !data.message;
        }
      })
      .catch(() => {});
  }

  window.setInterval(beat, every);
  document.addEventListener("visibilitychange", beat);
})();
