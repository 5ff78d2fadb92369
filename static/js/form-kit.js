// What the forms of the feature scripts share (visit report, inspection, part request): the
// client_id a form gets when it opens (the outbox's exactly-once key), photos shrunk on the tablet
// before they are queued or sent, and a signature drawn with a finger or pen on a canvas, kept as
// a PNG file in the form's file input. app.js loads it before any feature script.
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
  const MAX_EDGE = 1600;
  const JPEG_QUALITY = 0.85;
  const SMALL_ENOUGH = 1_500_000; // bytes: a photo this small and no larger than MAX_EDGE is kept as it is

  async function shrinkPhoto(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size < SMALL_ENOUGH) {
      bitmap.close();
      return file;
    }
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

  function signaturePad(form) {
    const canvas = form.querySelector("[data-signature-pad]");
    const input = form.querySelector("[data-signature-input]");
    const context = canvas.getContext("2d");
    Object.assign(context, { lineWidth: 3, lineCap: "round", lineJoin: "round", strokeStyle: "#111" });
    let drawing = false;
    let dirty = false;
    // The pad's state in words, visible and announced (a live region): a drawing is not read aloud.
    const state = form.querySelector("[data-signature-state]");
    const unsigned = state?.textContent;
    function showState() {
      if (!state) return;
      state.textContent = dirty ? state.dataset.msgSigned : unsigned;
      state.classList.toggle("is-signed", dirty);
    }

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
      showState();
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    input.addEventListener("change", async () => {
      // A signature put back into the form (reopened from the outbox): show it on the pad.
      if (!input.files.length) return;
      const image = await createImageBitmap(input.files[0]);
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      dirty = true;
      showState();
    });
    form.querySelector("[data-signature-clear]").addEventListener("click", () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      dirty = false;
      setFiles(input, []);
      showState();
    });
  }

  window.intranet = Object.assign(window.intranet || {}, { newId, setFiles, shrinkPhoto, signaturePad });
})();
