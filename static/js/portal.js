/* The portal's one small script (no framework, nothing from outside the portal).

   - On a narrow screen the main menu folds away behind a "Menu" button. Without this script
     the button stays hidden and the menu stays shown, so every link is reachable anyway.
   - It registers the service worker (/sw.js) that keeps the last opened situation picture
     readable offline, and deletes those copies when the member is logged out.
   - An offline copy of a page reloads itself when the connection is back (and checks again
     every few seconds until the portal answers). */

"use strict";

// Set before the page is drawn (this file is loaded in <head>): the menu starts folded.
document.documentElement.classList.add("js");

function setUpMenu() {
  const button = document.querySelector("[data-menu-button]");
  const menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  const set = (open) => {
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("site-menu--open", open);
  };
  button.hidden = false;
  set(false);
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
}

function forgetOfflineCopies() {
  if ("caches" in window) caches.delete("ssr-offline-v1").catch(() => undefined);
}

function setUpServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const body = document.body;
  if (body.dataset.serviceWorker) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).catch(() => undefined);
    for (const form of document.querySelectorAll("form[data-logout]")) {
      form.addEventListener("submit", forgetOfflineCopies);
    }
  } else if (body.dataset.signedOut !== undefined) {
    forgetOfflineCopies(); // a member's pages are kept for no one else
  }
}

function setUpOfflineCopy() {
  if (!document.documentElement.hasAttribute("data-offline-copy")) return;
  const reload = () => window.location.reload();
  window.addEventListener("online", reload);
  // The phone may say it is online before the network answers, and the reload then shows this
  // copy again. So while the copy is shown, ask the portal every few seconds whether it answers
  // (a small request the service worker leaves alone) and load the page anew once it does.
  window.setInterval(() => {
    if (!navigator.onLine) return;
    fetch("/healthz", { cache: "no-store" }).then(
      (response) => response.ok && reload(),
      () => undefined
    );
  }, 5000);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpMenu();
  setUpServiceWorker();
  setUpOfflineCopy();
});
