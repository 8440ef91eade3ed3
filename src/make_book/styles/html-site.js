/* The web edition's small helpers. Everything works without them; they only smooth the
   table-of-contents menu and make note calls land on the sidenote when notes sit in the
   margin. Plain script (no modules) so that it also runs from file://. */
(function () {
  "use strict";

  var menu = document.querySelector(".toc-menu");
  if (menu) {
    var summary = menu.querySelector("summary");
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      var current = menu.querySelector("[aria-current='page']");
      if (current) current.scrollIntoView({ block: "nearest" });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        summary.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  }

  // A call's target is the end note; on wide screens that list is hidden and the same note
  // stands in the margin, so move the reader (and the focus) there instead.
  document.addEventListener("click", function (event) {
    var call = event.target.closest ? event.target.closest("a.noteref") : null;
    if (!call) return;
    var id = decodeURIComponent(call.getAttribute("href").slice(1));
    var endnote = document.getElementById(id);
    if (endnote && endnote.getClientRects().length > 0) return;
    var side = document.querySelector(".sidenote[data-note='" + id.replace(/'/g, "\\'") + "']");
    if (!side || side.getClientRects().length === 0) return;
    event.preventDefault();
    var previous = document.querySelector(".sidenote.is-target");
    if (previous) previous.classList.remove("is-target");
    side.classList.add("is-target");
    side.focus({ preventScroll: true });
    side.scrollIntoView({ block: "nearest" });
  });
})();
