/* The front-page board: drag a story onto a slot, or pick it with a button and place it with another.
   No library and no inline script (the admin's Content-Security-Policy); the form works without it too,
   by typing story numbers. The server checks everything again. */
(function () {
  "use strict";
  var board = document.getElementById("fp-board");
  if (!board) { return; }
  var status = document.getElementById("fp-status");
  var picked = null;

  // The messages come translated from the template (data-msg-*), with {title} and {slot} to fill.
  function say(name, title, slot) {
    status.textContent = (board.getAttribute("data-msg-" + name) || "")
      .replace("{title}", title || "").replace("{slot}", slot || "");
  }

  function slotName(slot) { return slot.querySelector(".fp-slot-label").textContent; }

  function storyById(id) {
    return board.querySelector('.fp-story[data-id="' + String(id).replace(/[^0-9]/g, "") + '"]');
  }

  function place(slot, story) {
    var section = slot.getAttribute("data-section");
    if (section && story.getAttribute("data-section") !== section) {
      say("wrong-section");
      return false;
    }
    board.querySelectorAll(".fp-slot-id").forEach(function (input) {
      if (input.value === story.getAttribute("data-id") && input.closest(".fp-slot") !== slot) {
        clear(input.closest(".fp-slot"));  // a story stands in one slot only: it moves
      }
    });
    slot.querySelector(".fp-slot-id").value = story.getAttribute("data-id");
    slot.querySelector(".fp-slot-title").textContent = story.getAttribute("data-title");
    say("placed", story.getAttribute("data-title"), slotName(slot));
    return true;
  }

  function clear(slot) {
    slot.querySelector(".fp-slot-id").value = "";
    var title = slot.querySelector(".fp-slot-title");
    title.textContent = title.getAttribute("data-empty");
  }

  function unpick() {
    if (picked) { picked.querySelector(".fp-pick").setAttribute("aria-pressed", "false"); }
    picked = null;
  }

  board.addEventListener("click", function (event) {
    var pick = event.target.closest(".fp-pick");
    if (pick) {
      var story = pick.closest(".fp-story");
      var again = picked === story;
      unpick();
      if (!again) {
        picked = story;
        pick.setAttribute("aria-pressed", "true");
        say("picked", story.getAttribute("data-title"));
      }
      return;
    }
    var slot = event.target.closest(".fp-slot");
    if (!slot) { return; }
    if (event.target.closest(".fp-place")) {
      if (!picked) { say("pick-first"); return; }
      if (place(slot, picked)) { unpick(); }
    } else if (event.target.closest(".fp-clear")) {
      clear(slot);
      say("cleared", "", slotName(slot));
    }
  });

  board.addEventListener("dragstart", function (event) {
    var story = event.target.closest && event.target.closest(".fp-story");
    if (!story) { return; }
    event.dataTransfer.setData("text/plain", story.getAttribute("data-id"));
    event.dataTransfer.effectAllowed = "copy";
  });
  board.addEventListener("dragover", function (event) {
    var slot = event.target.closest && event.target.closest(".fp-slot");
    if (slot) { event.preventDefault(); slot.classList.add("fp-over"); }
  });
  board.addEventListener("dragleave", function (event) {
    var slot = event.target.closest && event.target.closest(".fp-slot");
    if (slot) { slot.classList.remove("fp-over"); }
  });
  board.addEventListener("drop", function (event) {
    var slot = event.target.closest && event.target.closest(".fp-slot");
    if (!slot) { return; }
    event.preventDefault();
    slot.classList.remove("fp-over");
    var story = storyById(event.dataTransfer.getData("text/plain"));
    if (story) { place(slot, story); }
  });

  var filter = document.getElementById("fp-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\u0111/g, "d");
      board.querySelectorAll(".fp-story").forEach(function (story) {
        var title = story.getAttribute("data-title").toLowerCase().normalize("NFD")
          .replace(/[\u0300-\u036f]/g, "").replace(/\u0111/g, "d");
        story.hidden = words !== "" && title.indexOf(words) === -1;
      });
    });
  }
}());
