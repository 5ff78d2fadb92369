// The part-request form: a client_id made when the form opens (the outbox's exactly-once key),
// and more lines on demand.
(function () {
  "use strict";

  function setUp(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    if (form.hasAttribute("data-fresh")) form.querySelector("[name=client_id]").value = window.intranet.newId();
    const body = form.querySelector("[data-request-lines]");
    form.querySelector("[data-add-request-line]")?.addEventListener("click", () => {
      const rows = body.querySelectorAll("[data-request-line]");
      if (rows.length >= 30) return;
      const row = rows[rows.length - 1].cloneNode(true);
      row.querySelectorAll("input").forEach((field) => {
        field.name = field.name.replace(/lines-\d+-/, `lines-${rows.length}-`);
        field.id = field.id.replace(/lines-\d+-/, `lines-${rows.length}-`);
        field.value = "";
        field.setAttribute("aria-invalid", "false");
      });
      row.querySelectorAll(".error").forEach((error) => error.remove());
      body.append(row);
      row.querySelector("input").focus();
    });
  }

  function scan() {
    document.querySelectorAll("form[data-part-request]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:load", scan);
  scan();
})();
