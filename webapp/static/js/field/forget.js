// On the sign-in page nobody is signed in on this browser, so field mode's service worker
// forgets the field pages it kept for offline use (they name the last worker and their
// event's paper numbers). Its static assets stay, and so do responses waiting in IndexedDB:
// the entry screen sends them after the next sign-in and keeps its pages again.
"use strict";
(function () {
  if (!("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.getRegistration("/field/").then(function (registration) {
    if (registration && registration.active) { registration.active.postMessage({ type: "forget-pages" }); }
  });
}());
