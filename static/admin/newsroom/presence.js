// Heartbeat of an open story form: tells the server this person is still editing and shows who else is
// (articles/presence.py). Only a warning; the version check refuses a stale save whatever happens here.
// Leaving the page (another link, closing the tab) says so at once, so the others' warning goes away.
// The admin loads this in the page's head: it starts once the form is there (before, it never found the
// banner, so the warning shown with the page stayed as it was, however long the page stayed open).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const banner = document.getElementById("nr-presence");
  if (!banner || !banner.dataset.url) {
    return;
  }
  const every = Math.max(10, parseInt(banner.dataset.every, 10) || 30) * 1000;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  let submitting = false;

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

  function leave() {
    // A save or a workflow button forgets the writer on the server, and the page that follows marks them
    // again: a late "left" from this page must not undo that.
    if (submitting || !navigator.sendBeacon) {
      return;
    }
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    data.append("roi", "1");
    navigator.sendBeacon(banner.dataset.url, data);
  }

  document.addEventListener("submit", function () {
    submitting = true;
  });
  window.setInterval(beat, every);
  document.addEventListener("visibilitychange", beat);
  window.addEventListener("pagehide", leave);
});
