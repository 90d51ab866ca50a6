// A draft of the field entry form, kept in this tab: a language switch (a link) or a reload
// keeps what was entered. sessionStorage, not localStorage: it ends with the tab, so no
// answers stay behind on a shared phone. Without storage (blocked, full) entry works as before.
(function (global) {
  "use strict";
  var each = function (list, fn) { return Array.prototype.forEach.call(list, fn); };

  function FormDraft(form, key) {
    this.form = form;
    this.key = key;
  }

  // every answer of the form; not the token nor the ids the script manages
  FormDraft.prototype.controls = function () {
    return Array.prototype.filter.call(this.form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.name !== "response_id" && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) &&
        !/^(hidden|submit|button|reset|image|file)$/.test(el.type);
    });
  };

  function asServed(el) {  // as the page came (a select without a chosen option shows its first)
    if (el.type === "checkbox" || el.type === "radio") { return el.checked === el.defaultChecked; }
    if (el.tagName !== "SELECT") { return el.value === el.defaultValue; }
    var served = Array.prototype.filter.call(el.options, function (o) { return o.defaultSelected; });
    if (!served.length && !el.multiple && el.options.length) { served = [el.options[0]]; }
    return Array.prototype.every.call(el.options, function (o) { return o.selected === (served.indexOf(o) !== -1); });
  }

  // Keep the form's answers, or forget them when the form is as it was served.
  FormDraft.prototype.keep = function () {
    var fields = {}, changed = false;
    this.controls().forEach(function (el) {
      var values = fields[el.name] = fields[el.name] || [];
      var chosen = el.tagName === "SELECT" ? Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; })
        : (el.type === "checkbox" || el.type === "radio") ? (el.checked ? [el.value] : []) : [el.value];
      Array.prototype.push.apply(values, chosen);
      changed = changed || !asServed(el);
    });
    try {
      if (changed) { global.sessionStorage.setItem(this.key, JSON.stringify(fields)); }
      else { global.sessionStorage.removeItem(this.key); }
    } catch (e) { /* no storage in this tab */ }
  };

  FormDraft.prototype.drop = function () {
    try { global.sessionStorage.removeItem(this.key); } catch (e) { /* nothing was kept */ }
  };

  // Fill the form from the draft (no submit, nothing queued). False when there is none.
  FormDraft.prototype.restore = function () {
    var fields;
    try { fields = JSON.parse(global.sessionStorage.getItem(this.key)); } catch (e) { return false; }
    if (!fields || typeof fields !== "object") { return false; }
    var seen = {};
    this.controls().forEach(function (el) {
      var values = Array.isArray(fields[el.name]) ? fields[el.name].map(String) : [];
      if (el.tagName === "SELECT") {
        each(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {  // the n-th box of a name takes the n-th value
        seen[el.name] = (seen[el.name] || 0) + 1;
        el.value = values[seen[el.name] - 1] || "";
      }
    });
    return true;
  };

  global.FormDraft = FormDraft;
})(window);
