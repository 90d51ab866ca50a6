// On the sign-in page nobody is signed in on this browser, so field mode's service worker
// forgets the field pages it kept for offline use (they name the last worker and their
// event's paper numbers), and this tab forgets any half-entered response (draft.js): a
// resident's answers must not wait on a shared phone for the next person. Static assets
// stay, and so do responses waiting in IndexedDB: the entry screen sends them after the
// next sign-in and keeps its pages again.
"use strict";
(function () {
  try {
    Object.keys(window.sessionStorage).forEach(function (key) {
      if (key.indexOf("chorus-field-draft:") === 0) { window.sessionStorage.removeItem(key); }
    });
  } catch (e) { /* no storage in this tab: nothing was kept */ }
  if (!("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.getRegistration("/field/").then(function (registration) {
    if (registration && registration.active) { registration.active.postMessage({ type: "forget-pages" }); }
  });
}());
