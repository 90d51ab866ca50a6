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

var FALLBACK = "/field/offline-fallback";

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
}

// A page not kept for offline use: say so (in the worker's language) and link to the entry screen.
function fallbackPage(words) {
  var html = "<!doctype html><html lang=\"" + escapeHtml(words.lang) + "\" dir=\"" + escapeHtml(words.dir) + "\">" +
    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>" + escapeHtml(words.title) + "</title><main><h1>" + escapeHtml(words.title) + "</h1><p>" +
    escapeHtml(words.text) + "</p><p><a href=\"" + escapeHtml(words.entryUrl) + "\">" + escapeHtml(words.link) +
    "</a></p></main></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function pageFromNetworkOrCache(request) {
  return fetch(request).then(function (response) { return keepPage(request, response); })
    .catch(function () {
      // this very page (?lang=zh is not the Vietnamese page), else the same page with another query
      return caches.match(request).then(function (hit) {
        return hit || caches.match(request, { ignoreSearch: true });
      }).then(function (hit) {
        if (hit) { return hit; }
        return caches.match(FALLBACK).then(function (words) {
          return words ? words.json().then(fallbackPage)
            : new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
        });
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

// The sign-in page (forget.js) asks to forget the kept field pages: nobody is signed in.
function forgetPages() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        var path = new URL(request.url).pathname;
        return path.indexOf("/field/") === 0 && path !== FALLBACK;
      }).map(function (request) { return cache["delete"](request); }));
    });
  });
}

// The entry screen asks to keep itself and the event list (its first visit happened before
// this worker controlled it), and hands over the words of the offline fallback page.
self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "forget-pages") {
    event.waitUntil(forgetPages());
    return;
  }
  if (!event.data || event.data.type !== "keep-pages") { return; }
  var requests = (event.data.urls || []).map(function (href) { return new URL(href, self.location.href); })
    .filter(function (url) { return url.origin === self.location.origin && url.pathname.indexOf("/field/") === 0; })
    .map(function (url) { return new Request(url.href, { credentials: "same-origin" }); });
  var words = new Response(JSON.stringify(event.data.fallback || {}), { headers: { "Content-Type": "application/json" } });
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(FALLBACK, words); })
    .then(function () {
      return Promise.all(requests.map(function (request) {
        return fetch(request).then(function (response) { return keepPage(request, response); })
          .catch(function () { return null; });
      }));
    })
    .then(function () { if (event.ports[0]) { event.ports[0].postMessage("kept"); } }));
});
