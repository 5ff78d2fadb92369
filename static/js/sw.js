// The service worker: keeps the app shell, and per user the pages and photos a technician needs on the
// road; serves them offline only to the user signed in on this browser; replays the outbox when it
// starts and on Background Sync. __VERSION__ and __SHELL__ are filled in by the server (/sw.js), so
// every deployment with changed files is a new worker.
"use strict";
importScripts("/static/js/outbox.js");
// Web push (push, notificationclick, pushsubscriptionchange): its own file, see sw-push.js.
importScripts("/static/js/sw-push.js");

const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const SHELL_CACHE = `shell-${VERSION}`; // the app shell and other static files: the same for everyone
const USER_CACHES = "user-"; // user-<id>-pages, user-<id>-photos: not versioned (an update keeps them)
const USER_COOKIE = "intranet_user"; // the server's readable companion of the session (offline/tablet_user.py)
const NETWORK_TIMEOUT_MS = 3000; // a page the tablet holds is not kept waiting longer on a slow network
const OFFLINE_PAGE = "/offline";
const NEVER_CACHED = ["/auth/csrf-token", "/offline/pages", "/sw.js", "/logout", "/login"];

self.addEventListener("install", (event) => {
  // Without cookies: the shell (the offline page among it) is the same for everyone, so nobody's name is in it.
  const shell = SHELL.map((url) => new Request(url, { credentials: "omit" }));
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(shell)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        // "pages" is the one cache earlier workers kept for whoever was signed in: it goes.
        if ((name.startsWith("shell-") && name !== SHELL_CACHE) || name === "pages") await caches.delete(name);
      }
      await self.clients.claim();
      replayOutbox();
    })()
  );
});

// Whose pages: asked before anything kept is served

async function signedInUser() {
  // The session cookie is HttpOnly; its companion is not, and the browser drops it with the session
  // (expiry, cookies cleared) even offline. No way to read it: nobody is known, nothing kept is served.
  try {
    return (await self.cookieStore?.get(USER_COOKIE))?.value || "";
  } catch (error) {
    return "";
  }
}

function cacheOf(user, kind) {
  return caches.open(`${USER_CACHES}${user}-${kind}`);
}

let lastUser = null;
// A page answered for a signed-in user: anyone else's kept pages and photos leave this tablet.
async function noteUser(user) {
  if (!user || user === lastUser) return;
  lastUser = user;
  for (const other of [...warmedBy.keys()]) if (other !== user) warmedBy.delete(other);
  for (const name of await caches.keys()) {
    if (name.startsWith(USER_CACHES) && !name.startsWith(`${USER_CACHES}${user}-`)) await caches.delete(name);
  }
}

async function forgetUser(user) {
  warmedBy.delete(user);
  for (const name of await caches.keys()) {
    if (name.startsWith(`${USER_CACHES}${user}-`)) await caches.delete(name);
  }
}

function keepable(response, user) {
  return response.ok && !response.redirected && response.headers.get("X-User") === user;
}

// Answering requests

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("Accept") || "").includes("text/html");
}

async function offlinePage() {
  return (await caches.match(OFFLINE_PAGE)) || Response.error();
}

// Network first; after NETWORK_TIMEOUT_MS the kept copy if the user has one (the network's answer,
// when it comes, still refreshes it); offline, the kept copy or the offline page.
async function page(event) {
  const request = event.request;
  const user = await signedInUser();
  const cache = user ? await cacheOf(user, "pages") : null;
  const network = fetch(request).then(async (response) => {
    await noteUser(response.headers.get("X-User"));
    if (cache && keepable(response, user)) await cache.put(request.url, response.clone());
    return response;
  });
  if (!cache) return network.catch(offlinePage);
  const kept = cache.match(request.url);
  const slow = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS, "slow"));
  try {
    const first = await Promise.race([network, slow]);
    if (first !== "slow") return first;
    const copy = await kept;
    if (!copy) return await network;
    event.waitUntil(network.catch(() => {}));
    return copy;
  } catch (error) {
    return (await kept) || offlinePage();
  }
}

// A photo does not change: the user's kept copy first, else the server (which decides who may see it).
async function photo(request) {
  const user = await signedInUser();
  if (!user) return fetch(request);
  const cache = await cacheOf(user, "photos");
  const hit = await cache.match(request.url);
  if (hit) return hit;
  try {
    const response = await fetch(request);
    if (keepable(response, user)) await cache.put(request.url, response.clone());
    return response;
  } catch (error) {
    return Response.error(); // offline, and not kept for this user
  }
}

async function staticFile(request) {
  const cache = await caches.open(SHELL_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    // Offline, a page kept before a deployment names its files with their old digest (?v=): today's copy.
    const current = await cache.match(request, { ignoreSearch: true });
    if (current) return current;
    throw error;
  }
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER_CACHED.includes(url.pathname)) return;
  if (request.headers.get("HX-Request")) return; // fragments are never kept: only whole pages are
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (url.pathname.startsWith("/attachments/")) {
    event.respondWith(photo(request));
  } else if (isPage(request)) {
    event.respondWith(page(event));
  }
});

// Keeping the pages a user needs on the road (the page sends the list after sign-in)

const warming = new Map(); // stamp -> the pass keeping that user's pages, while it runs
const warmedBy = new Map(); // user -> [stamp, pages kept] of their last pass that ended

async function warm(urls, user) {
  if (!user || user !== (await signedInUser())) return 0;
  await noteUser(user);
  const cache = await cacheOf(user, "pages");
  let kept = 0;
  for (const url of urls) {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (keepable(response, user)) {
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
    const answer = await Outbox.session();
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
    // One pass per user and stamp: a page opened while the pages are being kept waits for that pass
    // instead of fetching them all again, and every open page hears when it is done (the page that
    // asked may have been left meanwhile).
    // A page that was being left when a pass ended missed its message and asks again: it is told what
    // that pass kept, not made to wait for a second pass over every page.
    const user = String(data.user || "");
    const done = warmedBy.get(user);
    if (done && done[0] === data.stamp) {
      event.waitUntil(notifyClients({ type: "warmed", kept: done[1], stamp: data.stamp }));
      return;
    }
    let pass = warming.get(data.stamp);
    if (!pass) {
      pass = warm(data.urls, user)
        .then((kept) => {
          if (user) warmedBy.set(user, [data.stamp, kept]);
          return kept;
        })
        .finally(() => warming.delete(data.stamp));
      warming.set(data.stamp, pass);
    }
    event.waitUntil(pass.then((kept) => notifyClients({ type: "warmed", kept, stamp: data.stamp })));
  } else if (data.type === "claim") {
    event.waitUntil(self.clients.claim()); // a page this worker did not start with (see offline.js)
  } else if (data.type === "replay") {
    event.waitUntil(replayOutbox());
  } else if (data.type === "forget-pages" && data.user) {
    event.waitUntil(forgetUser(String(data.user))); // signing out: nothing of theirs stays on a shared tablet
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(replayOutbox());
});

// Every start of the worker is a chance to send what waits.
replayOutbox();
