// The durable queue of responses entered in field mode: IndexedDB, one record per response UUID.
// A record stays until the server confirms it (stored or duplicate); conflicts and invalid
// responses stay too, marked, with the server's errors. Plain ES2017, no library.
(function (global) {
  "use strict";
  var DB_NAME = "chorus-field";
  var DB_VERSION = 1;
  var RESPONSES = "responses";
  var META = "meta";

  function openDatabase() {
    return new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(RESPONSES)) {
          db.createObjectStore(RESPONSES, { keyPath: "uuid" }).createIndex("campaign", "campaign");
        }
        if (!db.objectStoreNames.contains(META)) { db.createObjectStore(META); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Run ``work(store)`` in a transaction; resolve with what it hands to ``done`` once the
  // transaction has committed (so "saved" means saved on disk, not merely requested).
  function transact(dbPromise, storeName, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
        work(tx.objectStore(storeName), function (value) { result = value; });
      });
    });
  }

  function ResponseQueue(campaign) {
    this.campaign = campaign;
    this.db = openDatabase();
  }

  ResponseQueue.prototype.add = function (record) {
    record.campaign = this.campaign;
    record.state = record.state || "waiting";
    record.errors = record.errors || {};
    return transact(this.db, RESPONSES, "readwrite", function (store) { store.put(record); });
  };

  ResponseQueue.prototype.update = ResponseQueue.prototype.add;

  ResponseQueue.prototype.remove = function (uuid) {
    return transact(this.db, RESPONSES, "readwrite", function (store) { store["delete"](uuid); });
  };

  // Every record of this campaign, oldest first.
  ResponseQueue.prototype.all = function () {
    var campaign = this.campaign;
    return transact(this.db, RESPONSES, "readonly", function (store, done) {
      var request = store.index("campaign").getAll(campaign);
      request.onsuccess = function () {
        done(request.result.sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; }));
      };
    });
  };

  ResponseQueue.prototype.getMeta = function (key) {
    var fullKey = this.campaign + ":" + key;
    return transact(this.db, META, "readonly", function (store, done) {
      var request = store.get(fullKey);
      request.onsuccess = function () { done(request.result); };
    });
  };

  ResponseQueue.prototype.setMeta = function (key, value) {
    var fullKey = this.campaign + ":" + key;
    return transact(this.db, META, "readwrite", function (store) { store.put(value, fullKey); });
  };

  // What the server takes for a record (see webapp/field/items.py).
  ResponseQueue.item = function (record) {
    return { uuid: record.uuid, event_id: record.event_id, entered_by: record.entered_by,
             created_at: record.created_at, fields: record.fields };
  };

  ResponseQueue.newUUID = function () {
    if (global.crypto && typeof global.crypto.randomUUID === "function") { return global.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    global.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  };

  global.ResponseQueue = ResponseQueue;
}(window));
