// danso's service worker (served at /sw.js, registered for /ngoai-tuyen/ by offline.js).
// It keeps the app shell: the offline slip pages and the static files they use, so the form
// opens with the network off. The register's data is never cached here: it lives in
// IndexedDB (offline.js), which sign-out clears.
"use strict";

var SHELL = "danso-shell-v1";
var OFFLINE_PAGES = "/ngoai-tuyen/";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== SHELL; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0) return; // data goes to IndexedDB, never here
  if (request.mode === "navigate") {
    if (url.pathname.indexOf(OFFLINE_PAGES) !== 0) return;
    // Network first: online, the page is fresh (and a signed-out user is sent to sign in);
    // offline, the copy kept when it was last opened.
    event.respondWith(fetch(request).then(function (response) { return keep(request, response); })
      .catch(function () {
        return caches.match(request, {ignoreSearch: true}).then(function (hit) {
          return hit || caches.match(OFFLINE_PAGES);
        }).then(function (hit) {
          return hit || new Response("Offline", {status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}});
        });
      }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    // The kept copy at once, refreshed from the network when there is one.
    event.respondWith(caches.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) { return keep(request, response); });
      if (hit) { fresh.catch(function () {}); return hit; }
      return fresh;
    }));
  }
});
