// Autosave of the story form (autosave/admin.py): after a pause in typing, what the form holds goes to this
// person's draft slot on the server, never to the story. A failed request is tried again until it passes, so
// a flaky connection loses nothing; leaving the page with changes not saved in the story asks first.
// The offer of a draft kept earlier restores it into the form or discards it. No inline script (CSP).
"use strict";
function newsroomAutosave() {
  const panel = document.getElementById("nr-autosave");
  if (!panel || !panel.dataset.url) {
    return;
  }
  const form = panel.closest("form");
  if (!form) {
    return;
  }
  const status = document.getElementById("nr-autosave-status");
  const offer = document.getElementById("nr-autosave-offer");
  const fieldNames = panel.dataset.fields.split(" ").filter(Boolean);
  const idle = Math.max(1, parseInt(panel.dataset.idleSeconds, 10) || 3) * 1000;
  const longestWait = 30000; // someone who types without pausing still gets a save every 30 s
  const firstRetry = 2000;
  const lastRetry = 60000;
  // A form shown again after a refused save (a stale save, a missing field) holds text the story does not have.
  const startedUnsaved = panel.dataset.unsaved === "1";

  let baseline = null; // the form's content when it was opened (or restored into), to tell what changed
  let lastStored = null; // the content the server last confirmed
  let idleTimer = null;
  let retryTimer = null;
  let retryDelay = firstRetry;
  let waitingSince = 0;
  let inFlight = null;
  let again = false;
  let submitting = false;
  let refused = false;

  function csrfToken() {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function editorFor(name) {
    const editors = window.CKEDITOR && window.CKEDITOR.instances;
    return editors ? editors["id_" + name] : null;
  }

  // asServed: the value the page came with (a field's defaultValue), so that what was typed before the rich-text
  // editor was ready still counts as a change. The editor itself cannot be typed in before it is ready.
  function fieldValue(name, asServed) {
    const editor = editorFor(name);
    if (editor) {
      return editor.getData();
    }
    const field = form.elements.namedItem(name);
    if (!field || !("value" in field)) {
      return null;
    }
    return asServed && "defaultValue" in field ? field.defaultValue : field.value;
  }

  function captionRows() {
    // Rows of the story's captions that exist in the database: "<prefix>-<n>-id" holds the caption's id. Other
    // inlines (corrections) have ids and a "text" too, from another table: only the captions' prefix counts.
    const rowName = new RegExp("^" + panel.dataset.captionPrefix + "-\\d+-id$");
    return Array.from(form.querySelectorAll("input[name$='-id']"))
      .filter((input) => rowName.test(input.name) && /^\d+$/.test(input.value))
      .map((input) => ({id: input.value, text: form.elements.namedItem(input.name.replace(/-id$/, "-text"))}))
      .filter((row) => row.text && "value" in row.text);
  }

  function content(asServed) {
    const fields = {};
    fieldNames.forEach((name) => {
      const value = fieldValue(name, asServed);
      if (value !== null) {
        fields[name] = value;
      }
    });
    const captions = {};
    captionRows().forEach((row) => {
      captions[row.id] = asServed ? row.text.defaultValue : row.text.value;
    });
    return {fields: fields, captions: captions};
  }

  function snapshot() {
    return JSON.stringify(content());
  }

  function changed() {
    if (startedUnsaved) {
      return true;
    }
    if (baseline === null) {
      // The editors are not ready yet, so nothing was typed in them: compare the other fields with the page's.
      return JSON.stringify(content(false)) !== JSON.stringify(content(true));
    }
    return snapshot() !== baseline;
  }

  function show(text, failing) {
    if (status) {
      status.textContent = text;
      status.classList.toggle("nr-autosave-failing", Boolean(failing));
    }
  }

  function versionField() {
    return form.elements.namedItem("version");
  }

  function payload() {
    const version = versionField();
    return Object.assign(content(), {version: version ? version.value : ""});
  }

  function request(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest"},
      body: body,
    });
  }

  function retryLater() {
    show(panel.dataset.retryText, true);
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, lastRetry);
  }

  function save() {
    window.clearTimeout(idleTimer);
    window.clearTimeout(retryTimer);
    idleTimer = null;
    waitingSince = 0;
    if (submitting || refused || baseline === null) {
      return;
    }
    const current = snapshot();
    if (current === lastStored || (lastStored === null && current === baseline && !startedUnsaved)) {
      return; // nothing new since the last save (or since the form opened)
    }
    if (inFlight) {
      again = true;
      return;
    }
    const body = JSON.stringify(payload());
    inFlight = request(panel.dataset.url, body)
      .then((response) => response.json().catch(() => ({})).then((data) => ({response: response, data: data})))
      .then(({response, data}) => {
        if (response.ok) {
          lastStored = current;
          retryDelay = firstRetry;
          show(data.message || "", false);
        } else if ([408, 409, 425, 429].includes(response.status) || response.status >= 500) {
          retryLater(); // the server is busy or failing: the text stays in the form and goes later
        } else {
          // Refused for good (too large, no longer allowed, logged out): say so; leaving still asks first.
          refused = true;
          show(panel.dataset.refusedText + " " + (data.error || response.statusText), true);
        }
      })
      .catch(retryLater) // no connection: keep trying
      .finally(() => {
        inFlight = null;
        if (again) {
          again = false;
          save();
        }
      });
  }

  function typed() {
    if (submitting || baseline === null) {
      return;
    }
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(save, idle);
    waitingSince = waitingSince || Date.now();
    if (Date.now() - waitingSince >= longestWait) {
      save();
    }
  }

  function restore(values) {
    Object.entries(values.fields || {}).forEach(([name, value]) => {
      const editor = editorFor(name);
      if (editor) {
        editor.setData(value);
        return;
      }
      const field = form.elements.namedItem(name);
      if (field && "value" in field) {
        field.value = value;
      }
    });
    captionRows().forEach((row) => {
      if (Object.prototype.hasOwnProperty.call(values.captions || {}, row.id)) {
        row.text.value = values.captions[row.id];
      }
    });
    // Saved from the version the draft was typed against: if the story moved on since, the save is refused
    // with both texts shown (articles/forms.py), never written over someone else's.
    const version = versionField();
    if (version && values.version) {
      version.value = values.version;
    }
  }

  function closeOffer(message) {
    if (offer) {
      offer.hidden = true;
    }
    show(message, false);
  }

  // The offer's buttons answer at once, even before the editors are ready (a click then is kept and carried
  // out once they are: the body can only be filled into a ready editor).
  let started = false;
  let pendingRestore = null;

  function restoreDraft(draft) {
    restore(draft);
    lastStored = null; // the restored text is the draft's, still not the story's: leaving asks first
    closeOffer(panel.dataset.restoredText);
  }

  if (offer) {
    const draft = JSON.parse(document.getElementById("nr-autosave-draft").textContent);
    offer.querySelector(".nr-autosave-restore").addEventListener("click", () => {
      if (started) {
        restoreDraft(draft);
      } else {
        pendingRestore = draft;
      }
    });
    offer.querySelector(".nr-autosave-discard").addEventListener("click", () => {
      pendingRestore = null;
      request(panel.dataset.discardUrl, "{}")
        .then((response) => {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          closeOffer(panel.dataset.discardedText);
        })
        .catch(() => show(panel.dataset.retryText, true));
    });
  }

  function start() {
    baseline = JSON.stringify(content(true));
    started = true;
    if (startedUnsaved || snapshot() !== baseline) {
      save();
    }
    Object.values((window.CKEDITOR && window.CKEDITOR.instances) || {}).forEach((editor) => {
      editor.on("change", typed);
    });
    if (pendingRestore) {
      restoreDraft(pendingRestore);
      pendingRestore = null;
    }
  }

  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  form.addEventListener("submit", () => {
    submitting = true;
    window.clearTimeout(idleTimer);
    window.clearTimeout(retryTimer);
  });

  window.addEventListener("beforeunload", (event) => {
    if (!submitting && changed()) {
      event.preventDefault();
      event.returnValue = ""; // the browser shows its own "leave this page?" question
    }
  });

  // The tab closes while the last words wait for their pause: send them anyway (keepalive outlives the page).
  window.addEventListener("pagehide", () => {
    if (!submitting && !refused && changed() && snapshot() !== lastStored) {
      request(panel.dataset.url, JSON.stringify(payload()), true).catch(() => {});
    }
  });

  window.addEventListener("online", () => {
    if (retryTimer) {
      save();
    }
  });

  // Start once the rich-text editors are ready, so that their own reformatting of the body is not a change.
  function whenEditorsReady(callback) {
    const editors = Object.values((window.CKEDITOR && window.CKEDITOR.instances) || {});
    const pending = editors.filter((editor) => editor.status !== "ready");
    if (!pending.length) {
      callback();
      return;
    }
    let left = pending.length;
    pending.forEach((editor) => editor.once("instanceReady", () => {
      left -= 1;
      if (!left) {
        callback();
      }
    }));
  }

  if (document.readyState === "complete") {
    whenEditorsReady(start);
  } else {
    window.addEventListener("load", () => whenEditorsReady(start));
  }
}

// The admin loads this script in the page's head, before the form exists.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", newsroomAutosave);
} else {
  newsroomAutosave();
}
