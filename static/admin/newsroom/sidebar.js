// Runs right after the navigation sidebar is parsed (templates/admin/base_site.html), before the page's
// content: open or close the sidebar as the person left it, so the page is laid out once. Django's deferred
// nav_sidebar.js applies the same state after the whole page has loaded, which shifted the form sideways.
"use strict";
(function () {
  const main = document.getElementById("main");
  if (!main || !document.getElementById("nav-sidebar")) {
    return;
  }
  let open = true;
  try {
    open = window.localStorage.getItem("django.admin.navSidebarIsOpen") !== "false";
  } catch (error) {
    open = true; // storage refused (private mode): Django's script then opens it too
  }
  main.classList.toggle("shifted", open);
})();
