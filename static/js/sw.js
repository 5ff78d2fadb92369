// The service worker: keeps the app shell and the technician's pages, serves them offline, and
// replays the outbox when it starts and on Background Sync. __VERSION__ and __SHELL__ are filled
// in by the server (/sw.js), so every deployment with changed files is a new worker.
"use strict";
importScripts("/static/js/outbox.js");

const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const SHELL_CACHE = `shell-${VERSION}`;
const PAGES_CACHE = "pages"; // not versioned: an update keeps the pages a tablet already holds
const OFFLINE_PAGE = "/offline";
const NEVER_CACHED = ["/auth/csrf-token", "/offline/pages", "/sw.js", "/logout", "/login"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
      replayOutbox();
    })()
  );
});

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("Accept") || "").includes("text/html");
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    const url = new URL(response.url);
    if (response.ok && !response.redirected && !url.pathname.startsWith("/login")) {
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    return (await cache.match(request.url)) || (await caches.match(OFFLINE_PAGE)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER_CACHED.includes(url.pathname)) return;
  if (request.headers.get("HX-Request")) return; // fragments are never kept: only whole pages are
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/attachments/")) {
    event.respondWith(
      caches.open(PAGES_CACHE).then(async (cache) => {
        const hit = await cache.match(request.url);
        if (hit) return hit;
        const response = await fetch(request);
        if (response.ok) await cache.put(request.url, response.clone());
        return response;
      })
    );
  } else if (isPage(request)) {
    event.respondWith(networkFirst(request));
  }
});

async function warm(urls) {
  const cache = await caches.open(PAGES_CACHE);
  let kept = 0;
  for (const url of urls) {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (response.ok && !response.redirected) {
        await cache.put(new URL(url, self.location.origin).href, response);
        kept += 1;
      }
    } catch (error) {
      break; // offline again: what is kept stays kept
    }
  }
  return kept;
}

async function notifyClients(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}

async function replayOutbox() {
  try {
    const answer = await (await fetch("/auth/csrf-token", { credentials: "same-origin", cache: "no-store" })).json();
    if (!answer.authenticated) return;
    const outcome = await Outbox.replay(answer.user, () => notifyClients({ type: "outbox-changed" }));
    await notifyClients({ type: "outbox-changed", outcome });
  } catch (error) {
    // offline: the next trigger (online event, page load, sync) tries again
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "warm") {
    event.waitUntil(
      warm(data.urls).then((kept) => event.source?.postMessage({ type: "warmed", kept, stamp: data.stamp }))
    );
  } else if (data.type === "replay") {
    event.waitUntil(replayOutbox());
  } else if (data.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGES_CACHE)); // shared tablet: the next user does not see these
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(replayOutbox());
});

// Every start of the worker is a chance to send what waits.
replayOutbox();
