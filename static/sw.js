/* The portal's service worker (served at /sw.js, registered by js/portal.js).

   It does one thing: the situation picture a member last opened stays readable when the phone
   loses its connection. A picture page is fetched from the network first; a good answer is kept
   (the last three pictures, with the stylesheet and scripts they use). When the network fails,
   the kept copy is shown, marked so that the page says it is an offline copy and when it was
   fetched; any other page asked for offline leads to the last picture kept. Nothing is fetched
   from anywhere but the portal itself, so it works on an isolated network too.

   Every other request goes to the network as if there were no service worker. The copies are
   deleted when the member logs out (js/portal.js). */

"use strict";

const CACHE = "ssr-offline-v1";
const PICTURE = /^\/handelser\/\d+\/lagesbild\/$/;
const STATIC = "/static/";
const KEEP = 3;

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (url.pathname.startsWith(STATIC)) {
    event.respondWith(staticFile(request));
  }
});

function pictureKey(url) {
  return new Request(url.origin + url.pathname);
}

async function navigate(event, url) {
  try {
    const response = await fetch(event.request);
    if (PICTURE.test(url.pathname) && response.ok && response.type === "basic") {
      // Kept while the page is shown, not before: the member never waits for the copy.
      event.waitUntil(remember(url, response.clone()));
    }
    return response;
  } catch (error) {
    const cache = await caches.open(CACHE);
    if (PICTURE.test(url.pathname)) {
      const copy = await cache.match(pictureKey(url));
      if (copy) return offlineCopy(copy);
    }
    const last = await lastPicture(cache);
    if (last && last !== url.origin + url.pathname) return Response.redirect(last, 302);
    throw error;
  }
}

async function remember(url, response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  await cache.put(pictureKey(url), response);
  // The stylesheet and scripts the page uses, so that the copy looks and works as it did.
  const assets = new Set(
    [...html.matchAll(/(?:href|src)="(\/static\/[^"?#]+)"/g)].map((m) => url.origin + m[1])
  );
  await Promise.all([...assets].map((asset) => cache.add(asset).catch(() => undefined)));
  // Cache.put appends: the keys are in the order the pages were last kept.
  const keys = await cache.keys();
  const pictures = keys.filter((k) => PICTURE.test(new URL(k.url).pathname));
  const stale = pictures.slice(0, Math.max(0, pictures.length - KEEP));
  const unused = keys.filter((k) => new URL(k.url).pathname.startsWith(STATIC) && !assets.has(k.url));
  await Promise.all([...stale, ...unused].map((k) => cache.delete(k)));
}

async function lastPicture(cache) {
  const pictures = (await cache.keys()).filter((k) => PICTURE.test(new URL(k.url).pathname));
  return pictures.length ? pictures[pictures.length - 1].url : null;
}

async function offlineCopy(copy) {
  const html = (await copy.text()).replace(/<html\b/, "<html data-offline-copy");
  const headers = new Headers(copy.headers);
  headers.delete("Content-Length");
  headers.set("Content-Type", "text/html; charset=utf-8");
  return new Response(html, { status: 200, headers });
}

async function staticFile(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const copy = await caches.match(request, { ignoreSearch: true });
    if (copy) return copy;
    throw error;
  }
}

self.addEventListener("message", (event) => {
  if (event.data === "forget") event.waitUntil(caches.delete(CACHE));
});
