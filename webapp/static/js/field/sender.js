// The device queue (queue.js) leaves the device two ways: sent to the server when there is a
// connection, or saved to files for the upload page. The entry screen (entry.js) makes one
// QueueSender and hands it what the two share: what to say, and how to redraw.
(function (global) {
  "use strict";
  var BATCH = 100;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
  }

  // screen: queue, eventId, campaign, statusUrl, apiUrl, maxBatch, words (the page's), state (what the
  // server holds of the event, shared with the screen: serverCount, paperNumbers), signInNotice (the
  // element shown while signed out), notAllowedNotice (shown once the account may no longer send to the
  // campaign), say(message) and refresh() (redraw from the queue).
  function QueueSender(screen) {
    this.screen = screen;
    this.queue = screen.queue;
    this.token = null;  // the form token of the last status
    this.syncing = false;
    this.again = false;
    this.refused = false;  // the server said this account may not send here: no more tries until "Send now"
  }

  QueueSender.prototype.needSignIn = function () {
    this.screen.signInNotice.hidden = false;
    this.screen.say("");  // the notice says what to do: not an older "No connection" above it
    var error = new Error("signed out");
    error.signedOut = true;
    return error;
  };

  // 403: an admin took this account off the campaign. Trying again would fail the same way for ever;
  // the waiting responses stay on the device, to be saved to a file for a lead to upload.
  QueueSender.prototype.notAllowed = function () {
    this.refused = true;
    this.screen.notAllowedNotice.hidden = false;
    var error = new Error("not allowed");
    error.notAllowed = true;
    return error;
  };

  QueueSender.prototype.fetchStatus = function () {
    var self = this, state = this.screen.state;
    return getJSON(this.screen.statusUrl).then(function (response) {
      if (response.status === 401 || response.redirected) { throw self.needSignIn(); }
      if (response.status === 403) { throw self.notAllowed(); }
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    }).then(function (status) {
      self.screen.signInNotice.hidden = true;
      self.screen.notAllowedNotice.hidden = true;
      self.token = status.csrf_token;
      state.serverCount = status.count;
      state.paperNumbers = status.paper_numbers;
      return self.remember();
    });
  };

  // What the server holds of this event, kept on the device: a page reloaded offline (from the copy
  // saved when it was first opened) still counts them and flags their paper numbers.
  QueueSender.prototype.remember = function () {
    var eventId = this.screen.eventId, state = this.screen.state;
    return Promise.all([this.queue.setMeta("count:" + eventId, state.serverCount),
                        this.queue.setMeta("paper:" + eventId, state.paperNumbers)]);
  };

  QueueSender.prototype.post = function (records, retried) {
    var self = this;
    return fetch(this.screen.apiUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": this.token },
      body: JSON.stringify({ responses: records.map(global.ResponseQueue.item) })
    }).then(function (response) {
      if (response.status === 401) { throw self.needSignIn(); }
      if (response.status === 403) { throw self.notAllowed(); }
      if (response.status === 400 && !retried) {  // a stale form token: get a fresh one, once
        return self.fetchStatus().then(function () { return self.post(records, true); });
      }
      if (!response.ok) { throw new Error("sync " + response.status); }
      return response.json().then(function (body) { return self.settle(records, body.results); });
    });
  };

  // Remove what the server confirmed; keep and mark what it refused.
  QueueSender.prototype.settle = function (records, results) {
    var queue = this.queue, eventId = this.screen.eventId, state = this.screen.state;
    var byUuid = {};
    records.forEach(function (r) { byUuid[r.uuid] = r; });
    return Promise.all(results.map(function (result) {
      var record = byUuid[result.uuid];
      if (!record) { return null; }
      if (result.status === "stored" || result.status === "duplicate") {
        if (result.status === "stored" && record.event_id === eventId) { state.serverCount += 1; }
        if (record.event_id === eventId && record.fields.paper_number) {  // taken now, though no longer queued
          state.paperNumbers.push(record.fields.paper_number[0]);
        }
        return queue.remove(record.uuid);
      }
      record.state = result.status;
      record.errors = result.errors || {};
      return queue.update(record);
    }));
  };

  // Send every waiting response, in batches, after a fresh status; then say how it went and redraw.
  QueueSender.prototype.sync = function () {
    var self = this, queue = this.queue, screen = this.screen, words = screen.words;
    if (this.syncing) {  // saved or asked for during a send: send again right after it
      this.again = true;
      return Promise.resolve();
    }
    if (this.refused) { return Promise.resolve(); }  // the notice says what to do instead
    this.syncing = true;
    this.again = false;
    return queue.all().then(function (records) {
      var waiting = records.filter(function (r) { return r.state === "waiting"; });
      return self.fetchStatus().then(function () {
        var chain = Promise.resolve();
        for (var start = 0; start < waiting.length; start += BATCH) {
          chain = chain.then(self.post.bind(self, waiting.slice(start, start + BATCH), false));
        }
        return chain;
      }).then(function () {
        return Promise.all([queue.all(), self.remember()]);
      }).then(function (results) {
        var sent = waiting.map(function (r) { return r.uuid; });
        var refused = results[0].some(function (r) { return r.state !== "waiting" && sent.indexOf(r.uuid) !== -1; });
        if (waiting.length) { screen.say(refused ? words.sentExcept : words.sent); }  // never "all sent" over a refusal
        return queue.setMeta("lastSync", new Date().toISOString());
      });
    })["catch"](function (error) {
      if (error.notAllowed) { screen.say(""); }  // not "trying again soon": the notice says what to do
      else if (!error.signedOut) { screen.say(navigator.onLine ? words.failed : words.offline); }
    }).then(function () {
      self.syncing = false;
      return screen.refresh();
    }).then(function () {
      if (self.again && screen.signInNotice.hidden && navigator.onLine) { return self.sync(); }
    });
  };

  // "Send now": a try the worker asks for, even after a refusal (an admin may have added them back).
  QueueSender.prototype.sendNow = function () {
    this.refused = false;
    return this.sync();
  };

  // --- export to files, for when this device might lose its storage -------------------
  // The upload page takes at most screen.maxBatch responses a file: a longer queue is saved in parts.
  QueueSender.prototype.exportToFiles = function () {
    var screen = this.screen, words = screen.words;
    return this.queue.all().then(function (records) {
      if (!records.length) { screen.say(words.nothingToExport); return; }
      var size = parseInt(screen.maxBatch, 10) || records.length;
      var parts = Math.ceil(records.length / size);
      var exportedAt = new Date().toISOString();
      var name = "chorus-" + screen.campaign + "-waiting-" + exportedAt.slice(0, 19).replace(/:/g, "");
      for (var part = 1; part <= parts; part += 1) {
        saveFile(parts > 1 ? name + "-part-" + part + "-of-" + parts : name, {
          format: "chorus-field-queue", version: 1, campaign: screen.campaign, exported_at: exportedAt,
          responses: records.slice((part - 1) * size, part * size).map(global.ResponseQueue.item) });
      }
      screen.say(parts > 1 ? words.exportedFiles.replace("{count}", String(parts)) : words.exported);
    });
  };

  function saveFile(name, body) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(body, null, 1)], { type: "application/json" }));
    link.download = name + ".json";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  global.QueueSender = QueueSender;
}(window));
