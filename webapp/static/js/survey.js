// Progressive help for the survey; the form works fully without it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

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
