// The settings page's "this device" step: allow notifications, subscribe through the service worker,
// register the subscription with the server (which answers with the device's renewal token), or stop.
(function () {
  "use strict";

  async function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": (await Outbox.session()).token },
      body: JSON.stringify(body),
    });
  }

  function setUp(section) {
    if (section.dataset.pushReady) return;
    section.dataset.pushReady = "1";
    const status = section.querySelector("[data-push-status]");
    const enable = section.querySelector("[data-push-enable]");
    const disable = section.querySelector("[data-push-disable]");
    const say = (name) => {
      status.textContent = section.dataset[name];
    };

    async function show() {
      enable.hidden = disable.hidden = true;
      if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
        return say("msgUnsupported");
      }
      if (!section.dataset.serverKey) return say("msgNoServer");
      if (Notification.permission === "denied") return say("msgDenied");
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      const known = section.dataset.thisDevice === "known";
      if (subscription && known) {
        say("msgOn");
        disable.hidden = false;
      } else {
        say("msgOff");
        enable.hidden = false;
      }
    }

    enable.addEventListener("click", async () => {
      enable.disabled = true;
      try {
        if ((await Notification.requestPermission()) !== "granted") return say("msgDenied");
        const registration = await navigator.serviceWorker.ready;
        const subscription =
          (await registration.pushManager.getSubscription()) ||
          (await registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: PushStore.keyBytes(section.dataset.serverKey),
          }));
        const answer = await postJson(section.dataset.subscribeUrl, subscription.toJSON());
        if (!answer.ok) return say("msgFailed");
        const device = await answer.json();
        await PushStore.save({ token: device.renew_token, key: section.dataset.serverKey });
        window.location.reload(); // the list of devices shows this one
      } catch (error) {
        say("msgFailed");
      } finally {
        enable.disabled = false;
      }
    });

    disable.addEventListener("click", async () => {
      disable.disabled = true;
      try {
        const registration = await navigator.serviceWorker.ready;
        const subscription = await registration.pushManager.getSubscription();
        if (subscription) {
          await postJson(section.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
          await subscription.unsubscribe();
        }
        await PushStore.clear();
        window.location.reload();
      } catch (error) {
        say("msgFailed");
      } finally {
        disable.disabled = false;
      }
    });

    show().catch(() => say("msgFailed"));
  }

  function scan(root) {
    root.querySelectorAll?.("[data-push-device]").forEach(setUp);
  }
  scan(document);
  document.addEventListener("htmx:load", (event) => scan(event.detail.elt));
})();
