// The desk page from the keyboard: "/" jumps to the phone search, Esc closes its results.
(function () {
  "use strict";
  if (window.intranetDesk) return;
  window.intranetDesk = true;

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]");
  }

  function closeLookup() {
    const results = document.getElementById("desk-lookup-results");
    if (!results || !results.firstElementChild) return false;
    results.replaceChildren();
    document.getElementById("desk-phone")?.focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (!document.querySelector(".desk")) return;
    if (event.key === "/" && !typing(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      document.getElementById("desk-phone")?.focus();
    } else if (event.key === "Escape" && closeLookup()) {
      event.preventDefault();
    }
  });
})();
