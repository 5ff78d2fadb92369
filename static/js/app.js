// Small progressive enhancements shared by every page. No inline script anywhere: CSP forbids it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function showMessage(text, category) {
    const box = document.getElementById("messages");
    if (!box || !text) return;
    const flash = document.createElement("div");
    flash.className = "flash flash-" + (category || "error");
    flash.setAttribute("role", category === "error" ? "alert" : "status");
    const span = document.createElement("span");
    span.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "flash-close";
    close.setAttribute("data-dismiss", "");
    close.setAttribute("aria-label", box.dataset.dismissLabel || "Dismiss");
    close.textContent = "×";
    flash.append(span, close);
    box.append(flash);
  }
  window.intranet = Object.assign(window.intranet || {}, { showMessage: showMessage });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-dismiss]");
    if (button) button.closest(".flash")?.remove();
    if (event.target.closest("[data-print]")) window.print();
  });

  // Messages that fade (success, info) leave the DOM once their CSS animation ends.
  document.addEventListener("animationend", function (event) {
    if (event.target.classList?.contains("flash") && event.animationName === "flash-fade") {
      event.target.remove();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });

  // Menus of the top bar (details/summary, usable without this): one open at a time, closed by a
  // tap elsewhere or Escape, which gives the focus back to the menu's button.
  function closeDisclosures(except) {
    document.querySelectorAll("details[data-disclosure][open]").forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.matches?.("details[data-disclosure]") && event.target.open) closeDisclosures(event.target);
  }, true);
  document.addEventListener("click", function (event) {
    closeDisclosures(event.target.closest("details[data-disclosure]"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const menu = event.target.closest?.("details[data-disclosure][open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
      return;
    }
    const row = event.target.closest("[data-cancel-on-escape]");
    row?.querySelector("[data-cancel]")?.click();
  });

  // An inline editor that just appeared gets the focus, so keyboard users can type at once.
  document.addEventListener("htmx:load", function (event) {
    const element = event.detail.elt;
    if (element.matches?.(".editing")) element.querySelector("input, select, textarea")?.focus();
  });

  // Scripts for one kind of page are fetched when such a page first appears, keeping Today light.
  // They run in the order asked for (async = false), after form-kit.js, which they all use.
  function loadScript(src) {
    if (document.querySelector(`script[data-feature="${CSS.escape(src)}"]`)) return;
    const script = document.createElement("script");
    script.src = src;
    script.async = false;
    script.dataset.feature = src;
    document.head.append(script);
  }
  function loadFeatureScripts(root) {
    const app = document.getElementById("app");
    if (!app || !root.querySelector) return;
    // Any page part may name the script it needs with data-feature-script; each loads once.
    const wanted = Array.from(root.querySelectorAll("[data-feature-script]"), (el) => el.dataset.featureScript);
    if (root.matches?.("[data-feature-script]")) wanted.push(root.dataset.featureScript);
    if (root.querySelector("[data-visit-report]") || root.matches?.("[data-visit-report]")) {
      wanted.push(app.dataset.visitReportScript);
    }
    if (!wanted.length) return;
    loadScript(app.dataset.formKitScript);
    new Set(wanted).forEach(loadScript);
  }
  document.addEventListener("htmx:load", (event) => loadFeatureScripts(event.detail.elt));
  document.addEventListener("DOMContentLoaded", () => loadFeatureScripts(document));

  document.addEventListener("htmx:responseError", function (event) {
    const xhr = event.detail.xhr;
    const header = xhr.getResponseHeader("X-Message");
    showMessage(header ? decodeURIComponent(header) : xhr.statusText || String(xhr.status), "error");
  });

  document.addEventListener("htmx:sendError", function () {
    const box = document.getElementById("messages");
    showMessage(box?.dataset.offlineMessage || "The server could not be reached.", "error");
  });
})();
