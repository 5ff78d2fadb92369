// This device's push registration as the service worker needs it without a session: the renewal
// token the server gave at subscription time and the server's public key. Shared by the settings
// page (window) and the service worker (importScripts), like outbox.js.
(function (scope) {
  "use strict";
  const DB_NAME = "intranet-push";
  const STORE = "device";
  const KEY = "this-device";

  const { request, opener } = scope.IndexedDb; // from outbox.js
  const open = opener(DB_NAME, (db) => db.createObjectStore(STORE));

  async function store(mode) {
    return (await open()).transaction(STORE, mode).objectStore(STORE);
  }

  // The server's key as pushManager.subscribe wants it (base64url text to bytes).
  function keyBytes(base64url) {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  scope.PushStore = {
    save: async (device) => request((await store("readwrite")).put(device, KEY)),
    load: async () => request((await store("readonly")).get(KEY)),
    clear: async () => request((await store("readwrite")).delete(KEY)),
    keyBytes,
  };
})(self);
