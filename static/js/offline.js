// Offline on the page: registers the service worker, keeps the technician's pages warm, sends
// offline-capable forms through the outbox, shows the outbox (badge, banner, page) and replays it.
(function () {
  "use strict";
  const app = () => document.getElementById("app");
  const userId = () => app()?.dataset.user || "";
  const text = (key) => app()?.dataset[key] || "";

  function show(message, category) {
    window.intranet?.showMessage(message, category);
  }

  // The badge, the banners

  // Coalesced: a replay of hundreds of items changes state hundreds of times a second.
  let refreshTimer = null;
  function refreshBadge() {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = null;
      drawBadge();
    }, 150);
  }

  async function drawBadge() {
    const badge = document.querySelector("[data-outbox-badge]");
    if (!badge || !userId()) return;
    const count = await Outbox.pendingCount(userId());
    badge.querySelector("[data-outbox-count]").textContent = String(count);
    badge.hidden = count === 0;
    if (document.querySelector("[data-outbox-list]")) renderOutboxPage();
  }

  function setBanner(name, visible) {
    const banner = document.querySelector(`[data-banner=${name}]`);
    if (banner) banner.hidden = !visible;
  }

  // Replaying

  let replays = 0;
  async function replay() {
    if (!userId() || !navigator.onLine) return;
    const outcome = await Outbox.replay(userId(), refreshBadge);
    setBanner("login", outcome === "login");
    if (outcome !== "offline" && outcome !== "busy") setBanner("offline", false);
    await refreshBadge();
    await scheduleRetry();
    // Said on the page once a pass is over, whatever its outcome: something to wait for, not a guess.
    Object.assign(document.documentElement.dataset, { outboxReplays: String(++replays), outboxOutcome: outcome });
  }

  // A send that failed in transit (the answer lost, the link dropped) waits out its back-off and is tried
  // again by itself while the page is open: nobody has to press Retry for a submission the server may hold.
  let retryTimer = null;
  async function scheduleRetry() {
    clearTimeout(retryTimer);
    const now = Date.now(); // only a back-off still running: one that is over waits for the next trigger
    const waiting = (await Outbox.list(userId())).filter((item) => item.state === "queued" && item.nextAttemptAt > now);
    if (!waiting.length || !navigator.onLine) return;
    const due = Math.min(...waiting.map((item) => item.nextAttemptAt));
    retryTimer = setTimeout(replay, Math.max(0, due - Date.now()) + 50);
  }

  async function registerSync() {
    try {
      const registration = await navigator.serviceWorker?.ready;
      await registration?.sync?.register("outbox");
    } catch (error) {
      // no Background Sync here: the online event and page loads still replay
    }
  }

  // Capturing a submission

  const entriesOf = (form) => Outbox.entriesOf(form);

  // One-button forms (start a job, acknowledge, mark done) come from pages the tablet keeps: each
  // opening of the page is a new submission, so each gets a new key (the form-kit forms make theirs).
  function stampFreshIds(root) {
    for (const form of root.querySelectorAll?.("form[data-fresh-id]") || []) {
      const input = form.querySelector("[name=client_id]");
      const id = crypto.randomUUID?.() || window.intranet?.newId?.();
      if (input && id) input.value = id;
      form.removeAttribute("data-fresh-id");
    }
  }

  // The moment of the tap, not of the sending: a start queued offline still says when they arrived.
  function stampTapTime(form) {
    for (const input of form.querySelectorAll("input[data-tapped-at]")) {
      if (!input.value) input.value = new Date().toISOString();
    }
  }

  // A one-button form whose submission waits in the outbox says so instead of offering the tap again.
  function showQueued(form) {
    const button = form.querySelector("button[type=submit]");
    form.dataset.queued = "1";
    if (button) {
      button.textContent = form.dataset.queuedText;
      button.disabled = true;
    }
  }

  async function markQueuedForms() {
    const forms = document.querySelectorAll("form[data-queued-text]:not([data-queued])");
    if (!forms.length || !userId()) return;
    const waiting = new Set((await Outbox.list(userId())).filter((item) => item.state !== "sent").map((item) => item.url));
    for (const form of forms) if (waiting.has(targetOf(form))) showQueued(form);
  }

  // Where a form posts: hx-post for an htmx form, else its action.
  function targetOf(form) {
    const htmxTarget = form.getAttribute("hx-post");
    return htmxTarget ? new URL(htmxTarget, location.href).href : form.action;
  }

  async function queue(form) {
    const { fields, files } = entriesOf(form);
    const size = files.reduce((total, file) => total + file.blob.size, 0);
    const estimate = await Outbox.usage();
    if (estimate && estimate.quota && estimate.usage + size > 0.9 * estimate.quota) {
      show(text("msgQuota"), "error");
    }
    if (form.dataset.outboxItem) await Outbox.remove(Number(form.dataset.outboxItem));
    await Outbox.add({
      userId: userId(),
      url: targetOf(form),
      formUrl: location.pathname + location.search,
      title: form.dataset.offlineTitle || document.title,
      fields,
      files,
    });
    await registerSync();
    await refreshBadge();
    if (form.dataset.queuedText) showQueued(form);
    show(text("msgQueued"), "info");
    setBanner("offline", !navigator.onLine);
  }


  async function showAnswer(response, form) {
    // The answer is a whole page: after success the page it redirected to (with its message), after
    // a 4xx the form again with its errors, where the files are put back.
    const html = await response.text();
    const page = new DOMParser().parseFromString(html, "text/html");
    const next = page.getElementById("app");
    if (!next) return show(`HTTP ${response.status}`, "error");
    if (response.ok) {
      if (response.url !== location.href) history.pushState({}, "", response.url);
      document.title = page.title;
    }
    const files = entriesOf(form).files;
    const itemId = form.dataset.outboxItem;
    app().replaceWith(next);
    window.htmx?.process(next); // its htmx:load also sets up a visit-report form (see app.js)
    window.intranet?.setUpReportForms?.();
    const fresh = next.querySelector("form[data-offline]");
    if (fresh) {
      restoreFiles(fresh, files);
      if (itemId) fresh.dataset.outboxItem = itemId;
    }
    window.scrollTo(0, 0);
  }

  // An htmx form with a target (Today's start, an article's acknowledgement) gets online what htmx
  // would have given it: its fragment, swapped in place; the outbox only steps in when sending fails.
  function fragmentTarget(form) {
    const selector = form.getAttribute("hx-target");
    const target = selector && form.getAttribute("hx-post") ? document.querySelector(selector) : null;
    return target?.id ? target : null;
  }

  async function showFragment(response, form, target) {
    if (response.redirected) return window.location.assign(response.url); // a whole page, not a part
    const html = await response.text();
    if (!response.ok) {
      return show(decodeURIComponent(response.headers.get("X-Message") || "") || `HTTP ${response.status}`, "error");
    }
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.firstElementChild;
    if ((form.getAttribute("hx-swap") || "innerHTML").startsWith("outerHTML") && fresh) target.replaceWith(fresh);
    else target.replaceChildren(...template.content.childNodes);
    window.htmx?.process(fresh || target);
  }

  async function submit(form) {
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    stampTapTime(form);
    try {
      if (!navigator.onLine) return await queue(form);
      let token;
      try {
        token = await Outbox.session();
      } catch (error) {
        return await queue(form);
      }
      if (!token.authenticated) {
        await queue(form);
        return setBanner("login", true);
      }
      let response;
      const target = fragmentTarget(form);
      const headers = { "X-CSRFToken": token.token, "X-Outbox": "1" };
      if (target) Object.assign(headers, { "HX-Request": "true", "HX-Target": target.id });
      try {
        response = await fetch(targetOf(form), {
          method: "POST",
          body: Outbox.formDataOf(entriesOf(form)), // exactly what a replay of it would send
          credentials: "same-origin",
          headers,
        });
      } catch (error) {
        return await queue(form);
      }
      if (response.status === 401) {
        await queue(form);
        return setBanner("login", true);
      }
      if (response.status >= 500) return await queue(form);
      if (response.ok && form.dataset.outboxItem) await Outbox.remove(Number(form.dataset.outboxItem));
      if (target) return await showFragment(response, form, target);
      await showAnswer(response, form);
    } finally {
      if (button && !form.dataset.queued) button.disabled = false;
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-offline]");
    if (!form || event.defaultPrevented) return;
    event.preventDefault();
    submit(form);
  });

  // An htmx form marked offline-capable takes the same road: htmx's own request is called off.
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt.closest?.("form[data-offline]");
    if (!form || event.detail.verb !== "post") return;
    event.preventDefault();
    submit(form);
  });

  // Reopening an item that needs attention as a filled form

  function restoreFiles(form, files) {
    const byName = new Map();
    for (const file of files) byName.set(file.name, [...(byName.get(file.name) || []), file]);
    for (const [name, list] of byName) {
      const input = form.querySelector(`input[type=file][name="${CSS.escape(name)}"]`);
      if (!input) continue;
      const transfer = new DataTransfer();
      for (const file of list) transfer.items.add(new File([file.blob], file.filename || "file", { type: file.blob.type }));
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function fillForm(form, item) {
    form.removeAttribute("data-fresh"); // keep the item's client_id: it is the same submission
    for (const [name, value] of item.fields) {
      for (const element of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (element.type === "radio" || element.type === "checkbox") element.checked = element.value === value;
        else if (element.type !== "file") element.value = value;
      }
    }
    restoreFiles(form, item.files);
    form.dataset.outboxItem = String(item.id);
  }

  async function reopenIfAsked() {
    const id = sessionStorage.getItem("outbox-reopen");
    if (!id) return;
    sessionStorage.removeItem("outbox-reopen");
    const item = await Outbox.get(Number(id));
    // The form it came from: on a page of several (Today's cards) the one that posts where it went.
    const forms = [...document.querySelectorAll("form[data-offline]")];
    const form = forms.find((candidate) => item && targetOf(candidate) === item.url) || forms[0];
    if (item && form && String(item.userId) === userId()) {
      fillForm(form, item);
      if (item.message) show(item.message, "error");
    }
  }

  // The outbox page

  function button(label, action, id) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "button button-small";
    element.textContent = label;
    element.dataset.action = action;
    element.dataset.id = String(id);
    return element;
  }

  async function renderOutboxPage() {
    const list = document.querySelector("[data-outbox-list]");
    if (!list) return;
    const labels = list.dataset;
    const items = userId() ? await Outbox.list(userId()) : [];
    // Rebuild only on change: the list is refreshed often and must not jump under a finger.
    const signature = JSON.stringify(items.map((item) => [item.id, item.state, item.message]));
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    if (!items.length) {
      list.innerHTML = "";
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = labels.labelEmpty;
      list.append(empty);
    } else {
      const ul = document.createElement("ul");
      ul.className = "outbox-items";
      for (const item of items) {
        const li = document.createElement("li");
        li.className = `outbox-item state-${item.state}`;
        li.dataset.state = item.state;
        const title = document.createElement("strong");
        title.textContent = item.title;
        const state = document.createElement("span");
        state.className = "badge";
        state.textContent = labels[`label${item.state[0].toUpperCase()}${item.state.slice(1)}`] || item.state;
        const when = document.createElement("span");
        when.className = "muted";
        when.textContent = localTime(new Date(item.createdAt));
        li.append(title, state, when);
        if (item.message && item.state !== "sent") {
          const message = document.createElement("p");
          message.className = "error";
          message.textContent = item.message;
          li.append(message);
        }
        const actions = document.createElement("div");
        actions.className = "row-actions";
        if (item.state === "attention") actions.append(button(labels.labelOpen, "open", item.id));
        if (item.state === "attention" || item.state === "queued") actions.append(button(labels.labelRetry, "retry", item.id));
        if (item.state !== "sending") actions.append(button(labels.labelDiscard, "discard", item.id));
        li.append(actions);
        ul.append(li);
      }
      list.replaceChildren(ul);
    }
    const usage = document.querySelector("[data-storage-usage]");
    const estimate = await Outbox.usage();
    if (usage && estimate) {
      const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
      usage.textContent = `${text("msgStorage")} ${mb(estimate.usage)} / ${mb(estimate.quota)} MB`;
    }
  }

  document.addEventListener("click", async (event) => {
    const target = event.target.closest("[data-action], [data-outbox-send]");
    if (!target) return;
    if (target.matches("[data-outbox-send]")) return replay();
    const id = Number(target.dataset.id);
    const action = target.dataset.action;
    if (action === "retry") {
      await Outbox.retry(id);
      await replay();
    } else if (action === "discard") {
      if (window.confirm(document.querySelector("[data-outbox-list]").dataset.confirmDiscard)) await Outbox.remove(id);
    } else if (action === "open") {
      const item = await Outbox.get(id);
      sessionStorage.setItem("outbox-reopen", String(id));
      window.location.assign(item.formUrl);
      return;
    }
    await refreshBadge();
  });

  // Signing out on a shared tablet

  let worker = null; // the active service worker, once known: the page may not be its client yet

  // The sign-out form is a plain one (not boosted): the whole page, and its state, goes.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-logout]");
    if (!form) return;
    if (form.dataset.checked) {
      delete form.dataset.checked;
      (navigator.serviceWorker?.controller || worker)?.postMessage({ type: "forget-pages", user: userId() });
      return;
    }
    // The outbox answers asynchronously, after the browser has acted on the event: hold the
    // submission now and send it again once the count is known.
    event.preventDefault();
    (async () => {
      const waiting = userId() ? await Outbox.pendingCount(userId()) : 0;
      if (waiting && !window.confirm(text("msgLogoutWaiting").replace("{count}", waiting))) return;
      form.dataset.checked = "1";
      form.requestSubmit();
    })();
  }, true);

  // Boosted links are fetches the service worker cannot answer with a page: navigate for real.
  document.addEventListener("htmx:sendError", (event) => {
    const config = event.detail.requestConfig;
    if (config?.verb === "get" && config.boosted) window.location.assign(config.path);
  });

  // The app's one date style per language (intranet/templating.py): 27/11/2026 09:30, 2026/11/27 09:30.
  function localTime(moment) {
    const two = (n) => String(n).padStart(2, "0");
    const [day, month, year] = [two(moment.getDate()), two(moment.getMonth() + 1), moment.getFullYear()];
    const date = document.documentElement.lang.startsWith("zh") ? `${year}/${month}/${day}` : `${day}/${month}/${year}`;
    return `${date} ${two(moment.getHours())}:${two(moment.getMinutes())}`;
  }

  // Start-up

  // "Ready for offline" where a page asks for it (Today): visible, and announced (role=status).
  function showOfflineState(kept) {
    document.querySelectorAll("[data-offline-state]").forEach((state) => {
      state.hidden = false;
      state.classList.toggle("is-ready", kept !== null);
      state.textContent = kept === null ? state.dataset.msgWarming : state.dataset.msgReady.replace("{count}", kept);
    });
  }

  async function warmPages() {
    if (!userId() || !navigator.onLine || !navigator.serviceWorker) return;
    const stamp = `${userId()}:${Math.floor(Date.now() / 600_000)}`; // at most every 10 minutes
    if (sessionStorage.getItem("pages-warmed") === stamp) return;
    if (!sessionStorage.getItem("pages-kept")) showOfflineState(null);
    try {
      const manifest = await (await fetch("/offline/pages", { credentials: "same-origin" })).json();
      const registration = await navigator.serviceWorker.ready;
      registration.active.postMessage({ type: "warm", urls: manifest.urls, user: manifest.user, stamp });
    } catch (error) {
      // offline: next time
    }
  }

  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
      navigator.serviceWorker.ready.then((registration) => {
        worker = registration.active;
        // A page that opened while the worker was starting, or was reloaded past it (Shift+Reload), has
        // no controller: the worker's claim as it started missed it. Ask to be claimed, or the page's
        // own requests never reach the worker (offline, they would simply fail).
        if (!navigator.serviceWorker.controller) worker?.postMessage({ type: "claim" });
      });
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data?.type === "outbox-changed") refreshBadge();
        // Every open page hears of a pass; only the signed-in user's own counts here.
        if (event.data?.type === "warmed" && event.data.stamp?.startsWith(`${userId()}:`)) {
          sessionStorage.setItem("pages-kept", String(event.data.kept));
          sessionStorage.setItem("pages-warmed", event.data.stamp); // done: not again for a while
          document.documentElement.dataset.pagesWarmed = String(event.data.kept);
          showOfflineState(String(event.data.kept));
        }
      });
    }
    if (userId() && navigator.storage?.persist && !localStorage.getItem("persist-asked")) {
      localStorage.setItem("persist-asked", String(await navigator.storage.persist())); // headless: false
    }
    stampFreshIds(document);
    await markQueuedForms();
    setBanner("offline", !navigator.onLine);
    const kept = sessionStorage.getItem("pages-kept");
    if (kept) {
      document.documentElement.dataset.pagesWarmed = kept;
      showOfflineState(kept);
    }
    await reopenIfAsked();
    await refreshBadge();
    await replay();
    await warmPages();
  }

  window.addEventListener("online", () => {
    setBanner("offline", false);
    replay();
  });
  window.addEventListener("offline", () => setBanner("offline", true));
  document.addEventListener("htmx:load", (event) => {
    stampFreshIds(event.detail.elt);
    markQueuedForms();
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    // A boosted navigation is a page change without a page load (signing in is one): start again.
    if (event.detail.boosted) {
      setBanner("offline", !navigator.onLine);
      const kept = sessionStorage.getItem("pages-kept");
      if (kept) showOfflineState(kept);
      replay().then(warmPages);
    } else {
      refreshBadge();
    }
  });
  window.intranet = Object.assign(window.intranet || {}, { replayOutbox: replay, refreshOutbox: refreshBadge });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
