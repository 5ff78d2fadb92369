// Web push in the service worker (imported by sw.js): show the notification, open its page on a click
// (focusing a tab that shows it, else reusing an open tab), renew a subscription the browser rotated.
"use strict";
importScripts("/static/js/push-store.js");

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data?.text() || "" };
  }
  event.waitUntil(
    (async () => {
      await self.registration.showNotification(data.title || "Service intranet", {
        body: data.body || "",
        tag: data.tag, // a resend replaces what is shown instead of adding a second one
        icon: "/static/icons/icon.svg",
        data: { url: data.url || "/", open: data.open || data.url || "/" },
      });
      // Open pages refresh their bell.
      for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
        client.postMessage({ type: "push-received" });
      }
    })()
  );
});

async function openNotification(data) {
  const target = new URL(data.url || "/", self.location.origin).href;
  const open = new URL(data.open || data.url || "/", self.location.origin).href; // marks it read, then goes on
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const showing = windows.find((client) => client.url === target);
  if (showing) {
    await showing.focus().catch(() => {});
    fetch(open, { credentials: "same-origin", redirect: "manual" }).catch(() => {}); // marks it read
    return showing;
  }
  for (const client of windows) {
    try {
      await client.focus().catch(() => {}); // refused without a real click (a test's synthetic one): go on
      return (await client.navigate(open)) || client;
    } catch (error) {
      // not ours to steer (uncontrolled): try the next, or open a window
    }
  }
  return self.clients.openWindow(open);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openNotification(event.notification.data || {}));
});

// The browser rotated the subscription, perhaps long after the session expired: the token kept at
// subscription time proves to the server that this device is the one that subscribed.
async function renewPushSubscription(event) {
  const saved = await PushStore.load();
  if (!saved?.token) return false;
  let subscription = event.newSubscription;
  if (!subscription) {
    const key = event.oldSubscription?.options?.applicationServerKey || PushStore.keyBytes(saved.key);
    subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  const response = await fetch("/notifications/devices/renew", {
    method: "POST",
    credentials: "omit",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token: saved.token, subscription: subscription.toJSON() }),
  });
  if (response.status === 404) await PushStore.clear(); // removed meanwhile: nothing to renew
  return response.ok;
}
// Reachable from a test's evaluate(): the browser fires neither event on demand in headless Chromium.
self.renewPushSubscription = renewPushSubscription;
self.openNotification = openNotification;

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(renewPushSubscription(event));
});
