// The rapid-entry screen: save each response to the device queue, send the queue when
// there is a connection (sender.js), show what waits. Without this script the form posts to the server.
(function () {
  "use strict";
  var root = document.getElementById("field-entry");
  var form = document.getElementById("entry");
  if (!root || !form || !window.indexedDB || !window.fetch) { return; }

  var words = document.getElementById("field-words").dataset;
  var data = root.dataset;
  var eventId = parseInt(data.eventId, 10);
  var queue = new window.ResponseQueue(data.campaign);
  var PAPER_PATTERN = /^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$/;
  var RETRY_MS = 30000;
  var state = { serverCount: parseInt(data.count, 10) || 0, paperNumbers: JSON.parse(data.paperNumbers || "[]"),
                records: [] };

  var $ = function (id) { return document.getElementById(id); };
  document.querySelectorAll(".sync-js").forEach(function (el) { el.hidden = false; });
  form.querySelector("[name=response_id]").value = "";  // the queue makes one per response

  // --- the service worker keeps this page and its assets for offline use ---------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.swUrl, { scope: "/field/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { document.documentElement.dataset.offlineReady = "1"; };
      registration.active.postMessage({
        type: "keep-pages", urls: [location.href, data.eventsUrl],
        fallback: { lang: document.documentElement.lang, dir: document.documentElement.dir, title: words.offlineTitle,
                    text: words.offlinePage, link: words.offlineLink, entryUrl: location.pathname }
      }, [channel.port2]);
    })["catch"](function () { /* no offline copy; entry still works online */ });
  }

  function say(message) { $("sync-message").textContent = message; }
  var pageLanguage = timeLocale(document.documentElement.lang);  // times written as the page is, not as the device is

  // The page's language, or, where the browser has no calendar data for it, the language its readers
  // write dates in: else a Haitian Creole page says "12/3/2026, 6:27 PM", read there as 12 March.
  function timeLocale(lang) {
    var fallback = { ht: "fr-HT", tl: "fil" };
    if (!lang) { return undefined; }
    try {
      if (Intl.DateTimeFormat.supportedLocalesOf([lang]).length) { return lang; }
    } catch (error) { return undefined; }
    return fallback[lang.split("-")[0]] || lang;
  }

  function render() {
    var waiting = state.records.filter(function (r) { return r.state === "waiting"; });
    var problems = state.records.filter(function (r) { return r.state !== "waiting"; });
    var waitingHere = waiting.filter(function (r) { return r.event_id === eventId; }).length;
    $("waiting-count").textContent = String(waiting.length);
    $("event-count").textContent = String(state.serverCount + waitingHere);
    var list = $("problem-list");
    list.textContent = "";
    problems.forEach(function (record) {
      var item = document.createElement("li");
      item.className = "problem";
      var title = document.createElement("p");
      var paper = record.fields.paper_number && record.fields.paper_number[0];
      title.textContent = (record.state === "conflict" ? words.conflict : words.invalid) + " " +
        (paper ? words.paperLabel + " " + paper + " · " : "") + new Date(record.created_at).toLocaleString(pageLanguage);
      item.appendChild(title);
      Object.keys(record.errors || {}).forEach(function (name) {
        var line = document.createElement("p");
        line.className = "field-error";
        var label = questionLabel(name);
        line.textContent = (label ? label + ": " : "") + record.errors[name];
        item.appendChild(line);
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button-small";
      remove.textContent = words.remove;
      remove.addEventListener("click", function () {
        if (window.confirm(words.removeConfirm)) { queue.remove(record.uuid).then(refresh); }
      });
      item.appendChild(remove);
      list.appendChild(item);
    });
    $("problems").hidden = problems.length === 0;
  }

  // The question a field belongs to, as the form shows it (empty when the form has no such field).
  function questionLabel(name) {
    var element = document.getElementById(name);
    if (!element) { return ""; }
    var label = element.tagName === "FIELDSET" ? element.querySelector("legend")
      : form.querySelector("label[for='" + name + "']");
    return label ? label.textContent.trim() : "";
  }

  // Re-read the queue and redraw; one at a time, so an older reading never paints over a newer one.
  var refreshing = Promise.resolve();
  function refresh() {
    refreshing = refreshing.then(readAndRender, readAndRender);
    return refreshing;
  }

  function readAndRender() {
    return Promise.all([queue.all(), queue.getMeta("lastSync"), queue.getMeta("count:" + eventId),
                        queue.getMeta("paper:" + eventId)])
      .then(function (results) {
        state.records = results[0];
        if (results[1]) { $("last-sync").textContent = new Date(results[1]).toLocaleString(pageLanguage); }
        if (typeof results[2] === "number" && results[2] > state.serverCount) { state.serverCount = results[2]; }
        (results[3] || []).forEach(function (paper) {  // sent since this page was saved for offline use
          if (state.paperNumbers.indexOf(paper) === -1) { state.paperNumbers.push(paper); }
        });
        render();
      });
  }

  // --- sending, and saving to files (sender.js) ---------------------------------------
  var sender = new window.QueueSender({
    queue: queue, eventId: eventId, campaign: data.campaign, statusUrl: data.statusUrl, apiUrl: data.apiUrl,
    maxBatch: data.maxBatch, words: words, state: state, signInNotice: $("sign-in-again"),
    notAllowedNotice: $("not-allowed"), say: say, refresh: refresh
  });
  var sync = sender.sync.bind(sender);

  // --- checks before saving: the survey's own rules, and paper numbers already used ------
  function clearErrors() {
    form.querySelectorAll(".js-error").forEach(function (el) { el.parentNode.removeChild(el); });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    form.querySelectorAll("[data-described-by]").forEach(function (el) {  // as the page had it
      var before = el.getAttribute("data-described-by");
      if (before) { el.setAttribute("aria-describedby", before); } else { el.removeAttribute("aria-describedby"); }
      el.removeAttribute("data-described-by");
      el.removeAttribute("aria-invalid");
    });
  }

  // the error is tied to its question as the server ties it: a group of choices (a fieldset) is
  // described by it; a box or a list is described by it and marked invalid
  function describe(container, line) {
    var target = container.tagName === "FIELDSET" ? container :
      container.querySelector("input:not([type=hidden]), select, textarea");
    if (!target) { return; }
    line.id = (target.id || container.id) + "-js-error";
    if (!target.hasAttribute("data-described-by")) {
      target.setAttribute("data-described-by", target.getAttribute("aria-describedby") || "");
    }
    target.setAttribute("aria-describedby", (target.getAttribute("data-described-by") + " " + line.id).trim());
    if (target !== container) { target.setAttribute("aria-invalid", "true"); }
  }

  function markError(container, message) {
    var line = document.createElement("p");
    line.className = "field-error js-error";
    line.setAttribute("role", "alert");
    line.textContent = message;
    describe(container, line);
    var legend = container.querySelector("legend, label.question-label");
    container.insertBefore(line, legend ? legend.nextSibling : container.firstChild);
    container.classList.add("has-error");
    return container;
  }

  function paperNumbersTaken() {
    var taken = state.paperNumbers.slice();
    state.records.forEach(function (r) {
      if (r.event_id === eventId && r.fields.paper_number) { taken.push(r.fields.paper_number[0]); }
    });
    return taken;
  }

  function check(fields) {
    var problems = [];
    var paper = (fields.paper_number || [""])[0];
    var paperBox = $("paper_number").closest(".question");
    if (paper && !PAPER_PATTERN.test(paper)) { problems.push(markError(paperBox, words.paperInvalid)); }
    else if (paper && paperNumbersTaken().indexOf(paper) !== -1) { problems.push(markError(paperBox, words.paperTaken)); }
    if (!(fields.respondent_language || [""])[0]) {
      problems.push(markError($("respondent_language").closest(".question"), words.languageRequired));
    }
    var ratings = form.querySelectorAll("fieldset.rating");  // a need may be left unrated, not every one
    if (ratings.length && !Array.prototype.some.call(ratings, function (f) { return fields[f.id]; })) {
      problems.push(markError(ratings[0], words.needOne));
    }
    if ((fields.top_three || []).length > 3) { problems.push(markError($("top_three"), words.tooMany)); }
    return problems;
  }

  function fieldsOf() {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "response_id" || value === "") { return; }
      value = name === "paper_number" ? String(value).trim() : value;
      (fields[name] = fields[name] || []).push(value);
    });
    return fields;
  }

  var saving = false;  // a double tap must not queue the same answers twice under two UUIDs,
  var savedAt = 0, touched = true;  // nor, landing just after the save, show the fresh form's errors
  var SETTLE_MS = 2000;

  // --- a draft of the form, kept in this tab (draft.js) ----------------------------------
  var draft = new window.FormDraft(form, "chorus-field-draft:" + data.campaign + ":" + eventId + ":" + data.worker);
  var draftNote = null;

  function keepDraft() {
    if (!saving) { draft.keep(); }  // while saving, the answers are on their way into the queue
  }

  function dropDraft() {
    clearTimeout(draftNote);
    $("draft-status").textContent = "";
    draft.drop();
  }

  function restoreDraft() {
    if (!draft.restore()) { return; }
    $("top_three").dispatchEvent(new Event("change", { bubbles: true }));  // survey.js: no more than three
    // a moment after loading, so that a screen reader has met the live region before it speaks
    draftNote = setTimeout(function () {
      var note = document.createElement("p");
      note.className = "notice";
      note.textContent = words.draftKept;
      $("draft-status").appendChild(note);
    }, 400);
  }

  restoreDraft();

  // "What language did they write in?" follows the language the person answered in, unless the worker
  // chose another for it (on its own element: changed before the form's listeners keep the draft)
  var answeredIn = $("respondent_language"), writtenIn = $("text_language");
  var followed = answeredIn.value;
  function startFrom(language) {
    answeredIn.value = writtenIn.value = followed = language;
  }
  answeredIn.addEventListener("change", function () {
    if (writtenIn.value === "" || writtenIn.value === followed) { writtenIn.value = answeredIn.value; }
    followed = answeredIn.value;
  });

  form.addEventListener("input", keepDraft);
  form.addEventListener("change", keepDraft);

  form.addEventListener("input", function () { touched = true; });
  form.addEventListener("change", function () { touched = true; });

  // a need the person did not rate stays unrated: a rating tapped by mistake can be cleared
  var clears = Array.prototype.slice.call(form.querySelectorAll(".clear-rating"));
  function showClears() {
    clears.forEach(function (button) { button.hidden = !$(button.dataset.rating).querySelector("input:checked"); });
  }
  clears.forEach(function (button) {
    button.addEventListener("click", function () {
      var rating = $(button.dataset.rating);
      rating.querySelectorAll("input:checked").forEach(function (input) { input.checked = false; });
      form.dispatchEvent(new Event("change"));  // into the draft; this button hides
      rating.querySelector("input").focus();
    });
  });
  form.addEventListener("change", showClears);
  showClears();
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (saving) { return; }
    if (!touched && Date.now() - savedAt < SETTLE_MS) {  // the double tap's second half
      $("paper_number").focus();
      return;
    }
    clearErrors();
    var fields = fieldsOf();
    var problems = check(fields);
    if (problems.length) {
      say(words.fix);
      problems[0].scrollIntoView();
      var first = problems[0].querySelector("input, select, textarea");
      if (first) { first.focus(); }
      return;
    }
    saving = true;
    dropDraft();  // the answers belong to the queue now: a reload must not bring them back as a second response
    var language = answeredIn.value;
    var record = { uuid: window.ResponseQueue.newUUID(), event_id: eventId, entered_by: parseInt(data.worker, 10),
                   created_at: new Date().toISOString(), fields: fields };
    queue.add(record).then(function () {
      form.reset();
      startFrom(language);  // the next person often speaks, and writes, the same language
      $("top_three").dispatchEvent(new Event("change", { bubbles: true }));
      window.scrollTo(0, 0);  // to the panel that says it was saved and counts what waits
      $("paper_number").focus({ preventScroll: true });  // ready for typing, without scrolling that away
      say(words.saved);
      saving = false;
      savedAt = Date.now();
      touched = false;
      return refresh();
    }, function (error) {
      saving = false;  // not saved: the answers stay in the form to save again
      keepDraft();
      say(String(error));
    }).then(sync);
  });

  $("export-queue").addEventListener("click", function () { sender.exportToFiles(); });
  $("send-now").addEventListener("click", function () { sender.sendNow(); });
  window.addEventListener("online", sync);
  window.addEventListener("offline", function () { say(words.offline); });
  setInterval(function () { if (navigator.onLine) { sync(); } }, RETRY_MS);
  // Ask the browser to keep the queue; when it will not promise to, suggest saving to a file.
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().then(function (kept) { $("storage-warning").hidden = kept; })["catch"](function () {});
  }
  refresh().then(function () { if (navigator.onLine) { return sync(); } say(words.offline); });
}());
