// Field mode's service worker (served at /field/sw.js, scope /field/; only field pages register it).
// It keeps the field pages and their assets so the entry screen opens with no connection.
// It never touches POSTs or JSON: the sync API always goes to the network, so a response
// leaves the device's queue only when the server has confirmed it.
"use strict";
var CACHE = "chorus-field-__VERSION__";
var ASSETS = __ASSETS__;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key.indexOf("chorus-field-") === 0 && key !== CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepPage(request, response) {
  // only real field pages: not a redirect to the sign-in page, not an error
  if (!response.ok || response.redirected || (response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) {
    return response;
  }
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }).then(function () { return response; });
}

function pageFromNetworkOrCache(request) {
  return fetch(request).then(function (response) { return keepPage(request, response); })
    .catch(function () {
      return caches.match(request, { ignoreSearch: true }).then(function (hit) {
        return hit || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
      });
    });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname.indexOf("/field/") === 0) {
    event.respondWith(pageFromNetworkOrCache(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (!response.ok) { return response; }
        var copy = response.clone();
        return caches.open(CACHE).then(function (cache) { return cache.put(request, copy); })
          .then(function () { return response; });
      });
    }));
  }
});

// The page asks to keep itself (the first visit happened before this worker controlled it).
self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "keep-page") { return; }
  var url = new URL(event.data.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/field/") !== 0) { return; }
  var request = new Request(url.href, { credentials: "same-origin" });
  event.waitUntil(fetch(request).then(function (response) { return keepPage(request, response); })
    .catch(function () { return null; })
    .then(function () { if (event.ports[0]) { event.ports[0].postMessage("kept"); } }));
});
