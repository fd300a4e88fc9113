/* Most read ("Đọc nhiều"): tell the paper's own server, once, that this story was opened. First-party, no
   cookie, nothing about the reader beyond what any page request carries. Loaded with `defer` from a static
   file (no inline script: the Content-Security-Policy allows neither). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon || document.visibilityState === "prerender") { return; }
  var body = new URLSearchParams();
  body.set("ve", script.getAttribute("data-ticket") || "");
  navigator.sendBeacon(script.getAttribute("data-endpoint"), body);
}());
