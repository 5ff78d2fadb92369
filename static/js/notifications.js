// The bell: asks the server for its count again when a push arrives, when the page is shown again and
// every few minutes while it is visible. Plain fetch, not htmx: an offline tablet stays quiet.
(function () {
  "use strict";
  const EVERY_MS = 3 * 60_000;

  async function refresh() {
    const bell = document.getElementById("notification-bell");
    if (!bell || !navigator.onLine) return;
    try {
      const response = await fetch(bell.dataset.bellUrl, {
        credentials: "same-origin",
        headers: { "HX-Request": "true" }, // a fragment, never kept by the service worker
      });
      const current = document.getElementById("notification-bell");
      if (!response.ok || !current) return;
      const holder = document.createElement("div");
      holder.innerHTML = (await response.text()).trim();
      const fresh = holder.firstElementChild;
      if (fresh?.id !== "notification-bell") return;
      current.replaceWith(fresh);
      window.htmx?.process(fresh);
    } catch (error) {
      // offline or the server is away: the next trigger asks again
    }
  }

  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type === "push-received") refresh();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refresh();
  });
  window.addEventListener("online", refresh);
  setInterval(() => document.visibilityState === "visible" && refresh(), EVERY_MS);
})();
