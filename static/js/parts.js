// The part-request form: a client_id made when the form opens (the outbox's exactly-once key),
// and more lines on demand.
(function () {
  "use strict";

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function setUp(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    if (form.hasAttribute("data-fresh")) form.querySelector("[name=client_id]").value = newId();
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
