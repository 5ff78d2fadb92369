// The visit report form: a client_id made when the form opens, photos shrunk on the tablet,
// the customer's signature drawn on a canvas, and more part lines on demand.
(function () {
  "use strict";

  function setUpPhotos(form) {
    const input = form.querySelector("[data-photo-input]");
    const previews = form.querySelector("[data-photo-previews]");
    const submit = form.querySelector("button[type=submit]");
    let photos = [];
    let busy = 0;

    function render() {
      previews.replaceChildren(
        ...photos.map((file, index) => {
          const item = document.createElement("li");
          const img = document.createElement("img");
          img.src = URL.createObjectURL(file);
          img.alt = file.name;
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "photo-remove";
          remove.textContent = "×";
          remove.setAttribute("aria-label", `${form.dataset.msgRemove || "Remove"} ${file.name}`);
          remove.addEventListener("click", () => {
            photos.splice(index, 1);
            window.intranet.setFiles(input, photos);
            render();
          });
          item.append(img, remove);
          return item;
        })
      );
    }

    input.addEventListener("change", async () => {
      const chosen = Array.from(input.files).filter((file) => !photos.includes(file));
      busy += 1;
      submit.disabled = true;
      submit.dataset.label ??= submit.textContent;
      submit.textContent = form.dataset.msgShrinking;
      for (const file of chosen) {
        try {
          photos.push(await window.intranet.shrinkPhoto(file));
        } catch (error) {
          window.intranet?.showMessage(`${file.name}: ${form.dataset.msgPhotoError}`, "error");
        }
      }
      busy -= 1;
      window.intranet.setFiles(input, photos);
      render();
      if (!busy) {
        submit.disabled = false;
        submit.textContent = submit.dataset.label;
      }
    });
  }

  function setUpPartLines(form) {
    const body = form.querySelector("[data-part-lines]");
    form.querySelector("[data-add-part-line]").addEventListener("click", () => {
      const rows = body.querySelectorAll("[data-part-line]");
      if (rows.length >= 30) return;
      const row = rows[rows.length - 1].cloneNode(true);
      const index = rows.length;
      row.querySelectorAll("input").forEach((field) => {
        field.name = field.name.replace(/parts-\d+-/, `parts-${index}-`);
        field.id = field.id.replace(/parts-\d+-/, `parts-${index}-`);
        field.value = "";
        field.setAttribute("aria-invalid", "false");
      });
      row.querySelectorAll(".error").forEach((error) => error.remove());
      body.append(row);
      row.querySelector("input").focus();
    });
  }

  // Photos cannot be put back into a re-rendered form, so catch the likeliest omission here, before
  // anything is sent; the server checks everything again.
  function checkBeforeSending(form) {
    form.addEventListener("submit", (event) => {
      const signature = form.querySelector("[data-signature-input]");
      if (signature.files.length) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      window.intranet?.showMessage(form.dataset.msgNoSignature, "error");
      form.querySelector("[data-signature-pad]").scrollIntoView({ block: "center" });
    }, true);
  }

  function setUp(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    if (form.hasAttribute("data-fresh")) form.querySelector("[name=client_id]").value = window.intranet.newId();
    setUpPhotos(form);
    window.intranet.signaturePad(form);
    setUpPartLines(form);
    checkBeforeSending(form);
    // Files put back before this script arrived (a form reopened from the outbox): show them.
    for (const input of form.querySelectorAll("[data-photo-input], [data-signature-input]")) {
      if (input.files.length) input.dispatchEvent(new Event("change"));
    }
  }

  function scan() {
    document.querySelectorAll("form[data-visit-report]").forEach(setUp);
  }
  window.intranet = Object.assign(window.intranet || {}, { setUpReportForms: scan });
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:load", scan);
  scan();
})();
