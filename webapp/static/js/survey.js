// Progressive help for the survey; the form works fully without it.
(function () {
  "use strict";
  // A page that answers a sent form (a language switch, a problem to fix) takes the form's own address in the
  // history: Back or reload then fetches the form afresh instead of asking to send it again.
  var answered = document.querySelector("form[data-reload-as]");
  if (answered && window.history && history.replaceState) {
    history.replaceState(history.state, "", answered.getAttribute("data-reload-as"));
  }

  var summary = document.getElementById("error-summary");
  if (summary) {  // it has the focus already (autofocus)
    // A link to a text box: the box takes focus with its question and message in view, not scrolled above it.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var box = link && document.getElementById(link.hash.slice(1));
      if (!box || !/^(INPUT|TEXTAREA|SELECT)$/.test(box.tagName)) { return; }
      event.preventDefault();
      (box.closest(".question") || box).scrollIntoView();
      box.focus({ preventScroll: true });
    });
  }

  // Top three: once three are ticked, the others are disabled until one is unticked.
  var group = document.getElementById("top_three");
  if (group) {
    var boxes = group.querySelectorAll("input[type=checkbox]");
    var update = function () {
      var ticked = 0;
      boxes.forEach(function (box) { if (box.checked) { ticked += 1; } });
      boxes.forEach(function (box) { box.disabled = !box.checked && ticked >= 3; });
    };
    group.addEventListener("change", update);
    update();
    // Disabled boxes are not sent; re-enable them before sending so nothing is lost.
    var form = document.getElementById("survey");
    if (form) { form.addEventListener("submit", function () { boxes.forEach(function (b) { b.disabled = false; }); }); }
  }
}());
