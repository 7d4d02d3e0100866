/* The phone pages' service worker: keeps the pages and their assets for offline use.
 * Pages: network first (fresh when there is a signal), the kept copy otherwise.
 * Assets: the kept copy first. The API is never touched here: entries go through
 * the page's outbox, which knows how to wait and resend. */
"use strict";
var CACHE = "zhucun-m-{{ version }}";
var SHELL = {{ shell|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // One by one: a page that needs a fresh login must not stop the others being kept.
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(url, response); }
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      return keep(request, response);
    }).catch(function () {
      return caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (hit) {
        return hit || caches.match(SHELL[0], { ignoreVary: true });
      });
    }));
    return;
  }
  event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) {
    return hit || fetch(request).then(function (response) { return keep(request, response); });
  }));
});
