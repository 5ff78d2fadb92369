// The outbox: submissions kept in IndexedDB until the server has them, replayed oldest first.
// Plain script shared by the pages (window) and the service worker (importScripts): no build step.
(function (scope) {
  "use strict";
  const DB_NAME = "intranet-outbox";
  const STORE = "items";
  const STUCK_SENDING_MS = 60_000; // a send cut short by a closed tab or a crash is retried after this
  const MAX_BACKOFF_MS = 10 * 60_000;

  // IndexedDB in promises: shared with push-store.js (loaded after this file, in pages and the worker).
  function request(idbRequest) {
    return new Promise((resolve, reject) => {
      idbRequest.onsuccess = () => resolve(idbRequest.result);
      idbRequest.onerror = () => reject(idbRequest.error);
    });
  }

  // A function that opens `name` once and gives the same connection to every later caller.
  function opener(name, upgrade) {
    let opened = null;
    return () => {
      opened ??= new Promise((resolve, reject) => {
        const opening = indexedDB.open(name, 1);
        opening.onupgradeneeded = () => upgrade(opening.result);
        opening.onsuccess = () => resolve(opening.result);
        opening.onerror = () => reject(opening.error);
      });
      return opened;
    };
  }

  const open = opener(DB_NAME, (db) => {
    const store = db.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    store.createIndex("user", "userId");
  });

  async function store(mode) {
    const db = await open();
    return db.transaction(STORE, mode).objectStore(STORE);
  }

  async function add(item) {
    const record = { state: "queued", attempts: 0, nextAttemptAt: 0, createdAt: Date.now(), ...item };
    record.id = await request((await store("readwrite")).add(record));
    return record;
  }

  async function put(item) {
    await request((await store("readwrite")).put(item));
  }

  async function get(id) {
    return request((await store("readonly")).get(id));
  }

  async function remove(id) {
    await request((await store("readwrite")).delete(id));
  }

  // Only this user's items: on a shared tablet nobody sees or sends another's work.
  async function list(userId) {
    const items = await request((await store("readonly")).index("user").getAll(String(userId)));
    return items.sort((a, b) => a.id - b.id);
  }

  async function pendingCount(userId) {
    return (await list(userId)).filter((item) => item.state !== "sent").length;
  }

  // What a form sends, decided once for the page's own POST and for every replay of it, so that both
  // fingerprint alike on the server (intranet/offline/idempotency.py): the fields in the order of the
  // form (the server sorts them by name and keeps repeated ones in this order), without csrf_token;
  // then the files, leaving out a file input left empty (no name, no bytes: the server ignores one).
  function entriesOf(form) {
    const fields = [];
    const files = [];
    for (const [name, value] of new FormData(form)) {
      if (value instanceof File) {
        if (value.name || value.size) files.push({ name, blob: value, filename: value.name });
      } else if (name !== "csrf_token") {
        fields.push([name, value]);
      }
    }
    return { fields, files };
  }

  function formDataOf(item) {
    const body = new FormData();
    for (const [name, value] of item.fields) {
      if (name !== "csrf_token") body.append(name, value); // a stale token field would beat the header
    }
    for (const file of item.files) body.append(file.name, file.blob, file.filename);
    return body;
  }

  // Who is signed in here and a CSRF token for them ({authenticated, user, token}): the one place the
  // pages, the service worker and the settings page ask; never cached (sw.js NEVER_CACHED).
  async function session() {
    const response = await fetch("/auth/csrf-token", { credentials: "same-origin", cache: "no-store" });
    return response.json();
  }

  async function messageOf(response) {
    const header = response.headers.get("X-Message");
    if (header) return decodeURIComponent(header);
    const text = await response.text();
    const match = text.match(/<div class="form-errors"[^>]*>([\s\S]*?)<\/div>|<main[^>]*>[\s\S]*?<p>([\s\S]*?)<\/p>/);
    return (match ? (match[1] || match[2]) : `HTTP ${response.status}`).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
  }

  // Send one item. Returns "sent", "attention", "retry" (transient: keep the order, stop here) or "login".
  async function send(item, token) {
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body: formDataOf(item),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "X-Outbox": "1" },
        // Success is a redirect to the saved record; nobody is looking, so do not fetch that page.
        redirect: "manual",
      });
    } catch (error) {
      return { outcome: "retry", message: String(error) };
    }
    if (response.status === 401) return { outcome: "login" };
    if (response.type === "opaqueredirect" || response.ok) return { outcome: "sent" };
    if (response.status >= 500 || response.status === 429) return { outcome: "retry", message: `HTTP ${response.status}` };
    return { outcome: "attention", status: response.status, message: await messageOf(response) };
  }

  // Replay this user's queue, oldest first. One replay at a time per browser (Web Locks), whatever
  // started it: a page load, the online event, the service worker's start or a Background Sync.
  async function replay(userId, notify = () => {}) {
    const run = async () => {
      // Items queued while a pass runs are picked up by the next pass.
      for (let pass = 0; pass < 100; pass += 1) {
        const outcome = await runPass();
        if (outcome !== "more") return outcome;
      }
      return "done";
    };
    let haveLock = false;
    const runPass = async () => {
      const now = Date.now();
      let token = null;
      let handled = 0;
      for (const item of await list(userId)) {
        // Under the replay lock nobody else is sending, so "sending" is a send cut short (a closed tab, a
        // crash): safe to resend, the server answers a known client_id with its first answer.
        if (item.state === "sending" && (haveLock || now - (item.sendingSince || 0) > STUCK_SENDING_MS)) {
          item.state = "queued";
        }
        if (item.state !== "queued" || item.nextAttemptAt > now) continue;
        if (token === null) {
          const answer = await session().catch(() => null);
          if (answer === null) return "offline";
          if (!answer.authenticated || String(answer.user) !== String(userId)) return "login";
          token = answer.token;
        }
        handled += 1;
        item.state = "sending";
        item.sendingSince = Date.now();
        await put(item);
        notify();
        let result = await send(item, token);
        if (result.outcome === "attention" && result.status === 400 && !item.csrfRetried) {
          item.csrfRetried = true; // a token refused once: fetch another and try once more
          token = (await session()).token;
          result = await send(item, token);
        }
        item.attempts += 1;
        if (result.outcome === "sent") {
          Object.assign(item, { state: "sent", sentAt: Date.now(), message: "" });
        } else if (result.outcome === "attention") {
          Object.assign(item, { state: "attention", status: result.status, message: result.message });
        } else {
          const backoff = Math.min(MAX_BACKOFF_MS, 2000 * 2 ** Math.min(item.attempts, 10));
          Object.assign(item, { state: "queued", nextAttemptAt: Date.now() + backoff, message: result.message || "" });
        }
        await put(item);
        notify();
        if (result.outcome === "login") {
          item.nextAttemptAt = 0;
          await put(item);
          return "login";
        }
        if (result.outcome === "retry") return "offline";
      }
      return handled ? "more" : "done";
    };
    const locks = scope.navigator && scope.navigator.locks;
    if (!locks) return run();
    return locks.request("intranet-outbox-replay", { ifAvailable: true }, (lock) => {
      if (!lock) return "busy";
      haveLock = true;
      return run();
    });
  }

  async function retry(id) {
    const item = await get(id);
    Object.assign(item, { state: "queued", nextAttemptAt: 0, csrfRetried: false });
    await put(item);
  }

  async function usage() {
    if (!scope.navigator?.storage?.estimate) return null;
    return scope.navigator.storage.estimate();
  }

  scope.IndexedDb = { request, opener };
  scope.Outbox = { session, add, put, get, remove, list, pendingCount, replay, retry, usage, entriesOf, formDataOf };
})(self);
