// The visit report form: a client_id made when the form opens, photos shrunk on the tablet,
// the customer's signature drawn on a canvas, and more part lines on demand.
(function () {
  "use strict";
  const MAX_EDGE = 1600;
  const JPEG_QUALITY = 0.85;

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  async function shrink(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
    const name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
    return new File([blob], name, { type: "image/jpeg", lastModified: Date.now() });
  }

  function setFiles(input, files) {
    const transfer = new DataTransfer();
    files.forEach((file) => transfer.items.add(file));
    input.files = transfer.files;
  }

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
            setFiles(input, photos);
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
          photos.push(await shrink(file));
        } catch (error) {
          window.intranet?.showMessage(`${file.name}: ${form.dataset.msgPhotoError}`, "error");
        }
      }
      busy -= 1;
      setFiles(input, photos);
      render();
      if (!busy) {
        submit.disabled = false;
        submit.textContent = submit.dataset.label;
      }
    });
  }

  function setUpSignature(form) {
    const canvas = form.querySelector("[data-signature-pad]");
    const input = form.querySelector("[data-signature-input]");
    const context = canvas.getContext("2d");
    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";
    let drawing = false;
    let dirty = false;

    function point(event) {
      const box = canvas.getBoundingClientRect();
      return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height];
    }
    canvas.addEventListener("pointerdown", (event) => {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      context.beginPath();
      context.moveTo(...point(event));
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      context.lineTo(...point(event));
      context.stroke();
      dirty = true;
    });
    function finish() {
      if (!drawing) return;
      drawing = false;
      if (dirty) canvas.toBlob((blob) => setFiles(input, [new File([blob], "signature.png", { type: "image/png" })]), "image/png");
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    input.addEventListener("change", async () => {
      // A signature put back from the outbox: show it on the pad.
      if (!input.files.length) return;
      const image = await createImageBitmap(input.files[0]);
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      dirty = true;
    });
    form.querySelector("[data-signature-clear]").addEventListener("click", () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      dirty = false;
      setFiles(input, []);
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
    if (form.hasAttribute("data-fresh")) form.querySelector("[name=client_id]").value = newId();
    setUpPhotos(form);
    setUpSignature(form);
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
