// Workflow buttons on the story form: a move that needs a comment (request changes, unpublish) is not
// sent without one. The server checks it again; this only saves a round trip. The refusal's wording is the
// server's (workflow.Move.comment_refusal), rendered on the button as data-refusal. No inline script (CSP).
"use strict";
document.addEventListener("click", function (event) {
  const button = event.target.closest("button[data-requires-comment]");
  if (!button) {
    return;
  }
  const comment = document.getElementById("nr-transition-comment");
  const notice = document.querySelector(".nr-comment-needed");
  if (comment && comment.value.trim() === "") {
    event.preventDefault();
    if (notice) {
      notice.textContent = button.dataset.refusal;
      notice.hidden = false;
    }
    comment.focus();
  }
});
