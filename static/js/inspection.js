// Inspection checklists: one section at a time, a running score (a preview: the server scores),
// a draft kept in localStorage so a reload loses nothing, photos shrunk before sending,
// and the manager's signature pad on the review page.
(function () {
  "use strict";

  // The running score, a preview (the server scores): the rules are data the server renders into the
  // form (scoring.preview_rules), so nothing here knows a kind of item. An item deducts its points
  // times its measure (1 when its field holds `equals`, else the field's number), at least `at_least`;
  // a section's deductions stop at its cap (null: no cap); each share that applies takes a part of the
  // total (and fails its item).
  function measure(per, key, valueOf) {
    if (!per) return 0;
    const value = valueOf(key, per.field);
    if (per.equals != null) return value === per.equals ? 1 : 0;
    const number = parseFloat(value);
    return number > 0 ? number : 0;
  }

  function scoreChecklist(rules, valueOf) {
    const sections = new Map();
    const failed = new Set();
    let total = 0;
    rules.sections.forEach((section) => {
      let deducted = 0;
      section.items.forEach((item) => {
        const times = measure(item.per, item.key, valueOf);
        const points = times > 0 ? Math.max(Number(item.points) * times, Number(item.at_least || 0)) : 0;
        if (points > 0 || (times > 0 && item.per.equals != null)) failed.add(item.key);
        deducted += points;
      });
      if (section.cap != null) deducted = Math.min(deducted, Number(section.cap));
      sections.set(section.key, Number(section.max) - deducted);
      total += Number(section.max) - deducted;
    });
    (rules.shares || []).forEach((share) => {
      const times = measure(share.per, share.item, valueOf);
      if (times > 0) failed.add(share.item);
      total -= total * Number(share.share) * times;
    });
    return { total, sections, failed };
  }

  // An answer as the form holds it now: item-<key>-<field> (a radio group gives its checked value).
  const answerIn = (form) => (key, field) => form.elements[`item-${key}-${field}`]?.value ?? "";

  const fmt = (n) => String(Math.round(n * 100) / 100);

  function showScore(form, result) {
    form.querySelectorAll("[data-section]").forEach((section) => {
      section.querySelector("[data-section-score]").textContent = fmt(result.sections.get(Number(section.dataset.section)));
    });
    form.querySelectorAll("[data-item]").forEach((item) => {
      item.classList.toggle("failed", result.failed.has(Number(item.dataset.item)));
    });
    form.querySelector("[data-score-total]").textContent = fmt(result.total);
    return result;
  }

  function setUpSections(form) {
    const sections = Array.from(form.querySelectorAll("[data-section]"));
    const tabs = Array.from(form.querySelectorAll("[data-section-tab]"));
    let current = 0;
    function show(index) {
      current = Math.max(0, Math.min(sections.length - 1, index));
      sections.forEach((section, i) => { section.hidden = i !== current; });
      tabs.forEach((tab, i) => tab.setAttribute("aria-current", i === current ? "step" : "false"));
      form.querySelector("[data-section-prev]").disabled = current === 0;
      form.querySelector("[data-section-next]").disabled = current === sections.length - 1;
    }
    tabs.forEach((tab, i) => tab.addEventListener("click", () => show(i)));
    form.querySelector("[data-section-prev]").addEventListener("click", () => show(current - 1));
    form.querySelector("[data-section-next]").addEventListener("click", () => { show(current + 1); form.scrollIntoView(); });
    show(0);
    return show;
  }

  // "Charged to": lines of a person and their occurrences (or points) under a deduction, added and
  // removed here; each line's fields are item-<key>-charge-<n>-person and -amount.
  function addChargeLine(container, index) {
    const key = container.dataset.charges;
    const lines = container.querySelectorAll("[data-charge-row]");
    if (index == null) {
      index = Math.max(-1, ...Array.from(lines, (line) => Number(line.dataset.chargeIndex))) + 1;
    }
    const template = container.closest("form").querySelector(`template[data-charge-template="${container.dataset.chargeKind}"]`);
    const line = template.content.firstElementChild.cloneNode(true);
    line.dataset.chargeIndex = String(index);
    line.querySelectorAll("[data-charge-field]").forEach((field) => {
      field.name = `item-${key}-charge-${index}-${field.dataset.chargeField}`;
    });
    container.insertBefore(line, container.querySelector("[data-charge-add]"));
    return line;
  }

  function setUpCharges(form) {
    form.addEventListener("click", (event) => {
      const add = event.target.closest("[data-charge-add]");
      if (add) {
        addChargeLine(add.closest("[data-charges]")).querySelector("select")?.focus();
        return;
      }
      const remove = event.target.closest("[data-charge-remove]");
      if (remove) {
        remove.closest("[data-charge-row]").remove();
        saveDraft(form);
      }
    });
  }

  // A draft names charge lines the page may not have yet: they are added before the values go back.
  function ensureChargeLines(form, names) {
    names.forEach((name) => {
      const match = /^item-(\d+)-charge-(\d+)-/.exec(name);
      if (!match || form.elements[name]) return;
      const container = form.querySelector(`[data-charges="${match[1]}"]`);
      if (container) addChargeLine(container, Number(match[2]));
    });
  }

  // The draft: every field but files and the form's id, saved on each change.
  function draftFields(form) {
    return Array.from(form.elements).filter(
      (el) => el.name && el.name.startsWith("item-") && el.type !== "file"
    );
  }

  function saveDraft(form) {
    const data = {};
    draftFields(form).forEach((el) => {
      if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else data[el.name] = el.value;
    });
    try { localStorage.setItem(form.dataset.draftKey, JSON.stringify(data)); } catch (e) { /* storage full: the form still works */ }
  }

  function restoreDraft(form) {
    let data;
    try { data = JSON.parse(localStorage.getItem(form.dataset.draftKey) || "null"); } catch (e) { data = null; }
    if (!data) return false;
    ensureChargeLines(form, Object.keys(data));
    draftFields(form).forEach((el) => {
      if (!(el.name in data)) return;
      if (el.type === "radio") el.checked = data[el.name] === el.value;
      else el.value = data[el.name];
    });
    return true;
  }

  // Photos of the draft live in IndexedDB (localStorage holds text only), keyed "<draft key>|<field>".
  const PHOTO_DB = "inspection-draft-photos";

  function photoStore(mode) {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(PHOTO_DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore("photos");
      request.onsuccess = () => resolve(request.result.transaction("photos", mode).objectStore("photos"));
      request.onerror = () => reject(request.error);
    });
  }

  async function keepPhoto(key, file) {
    try {
      const store = await photoStore("readwrite");
      store.put({ blob: file, name: file.name, type: file.type }, key);
    } catch (e) { /* no IndexedDB (private mode): the photo is still in the form */ }
  }

  async function keptPhoto(key) {
    try {
      const store = await photoStore("readonly");
      return await new Promise((resolve) => {
        const request = store.get(key);
        request.onsuccess = () => resolve(request.result || null);
        request.onerror = () => resolve(null);
      });
    } catch (e) {
      return null;
    }
  }

  async function forgetPhotos(prefix) {
    try {
      const store = await photoStore("readwrite");
      store.delete(IDBKeyRange.bound(`${prefix}|`, `${prefix}|\uffff`));
    } catch (e) { /* nothing kept */ }
  }

  function setUpPhotos(form) {
    form.querySelectorAll("[data-item-photo]").forEach(async (input) => {
      const label = input.closest("[data-item-extra]").querySelector("[data-photo-name]");
      const key = `${form.dataset.draftKey}|${input.name}`;
      input.addEventListener("change", async () => {
        if (!input.files.length || input.dataset.busy) return;
        input.dataset.busy = "1";
        label.textContent = form.dataset.msgShrinking;
        try {
          const file = await window.intranet.shrinkPhoto(input.files[0]);
          window.intranet.setFiles(input, [file]);
          label.textContent = file.name;
          await keepPhoto(key, file);
        } catch (e) {
          label.textContent = input.files[0]?.name || "";
        }
        delete input.dataset.busy;
      });
      // A photo taken before a reload (or a crash) comes back into its field.
      if (input.files.length) return;
      const kept = await keptPhoto(key);
      if (kept && !input.files.length) {
        window.intranet.setFiles(input, [new File([kept.blob], kept.name, { type: kept.type })]);
        label.textContent = kept.name;
      }
    });
  }

  function checkBeforeSending(form, show, score) {
    const intent = form.querySelector("[data-intent]");
    // A draft goes through the same form (and the outbox): only a hidden field tells them apart.
    form.querySelector("[data-save-draft]").addEventListener("click", () => {
      intent.value = "draft";
      form.requestSubmit();
    });
    form.querySelector("button[type=submit]").addEventListener("click", () => { intent.value = ""; });
    form.addEventListener("submit", (event) => {
      if (intent.value === "draft") return;
      const sections = Array.from(form.querySelectorAll("[data-section]"));
      const failed = score().failed;
      for (const item of form.querySelectorAll("[data-item]")) {
        let problem = null;
        if (item.dataset.kind === "pass_fail" && !item.querySelector("input[type=radio]:checked")) problem = form.dataset.msgMissing;
        const photo = item.querySelector("[data-item-photo]");
        const kept = item.querySelector("[data-photo-name]")?.textContent.trim();
        if (!problem && "photoRequired" in item.dataset && failed.has(Number(item.dataset.item)) && photo && !photo.files.length && !kept) problem = form.dataset.msgPhotoNeeded;
        if (problem) {
          event.preventDefault();
          event.stopImmediatePropagation();
          show(sections.indexOf(item.closest("[data-section]")));
          item.scrollIntoView({ block: "center" });
          window.intranet?.showMessage(`${problem} ${item.dataset.text}`, "error");
          return;
        }
      }
      // The draft stays until the server has the answers (see clearDrafts): a refused or queued
      // submission must not cost the inspector what they typed.
    }, true);
  }

  function setUpForm(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    if (form.hasAttribute("data-fresh")) form.querySelector("[name=client_id]").value = window.intranet.newId();
    const show = setUpSections(form);
    setUpCharges(form);
    const rules = JSON.parse(form.dataset.scoreRules);
    const score = () => showScore(form, scoreChecklist(rules, answerIn(form)));
    if (restoreDraft(form)) window.intranet?.showMessage(form.dataset.msgDraftRestored, "info");
    setUpPhotos(form);
    checkBeforeSending(form, show, score);
    form.addEventListener("input", () => { score(); saveDraft(form); });
    form.addEventListener("change", () => { score(); saveDraft(form); });
    score();
  }

  function setUpSignature(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    window.intranet.signaturePad(form);
  }

  // The inspection page says when the server holds the answers: the tablet's draft can go.
  function clearDrafts() {
    document.querySelectorAll("[data-clear-draft]").forEach((el) => {
      try { localStorage.removeItem(el.dataset.clearDraft); } catch (e) { /* ignore */ }
      forgetPhotos(el.dataset.clearDraft);
    });
  }

  function scan() {
    clearDrafts();
    document.querySelectorAll("form[data-inspection-form]").forEach(setUpForm);
    document.querySelectorAll("form[data-sign-off-form]").forEach(setUpSignature);
  }
  window.intranet = Object.assign(window.intranet || {}, { scoreChecklist });
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:load", scan);
  scan();
})();
