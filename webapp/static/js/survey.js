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

  // Top three: a fourth pick is unticked at once and the page says why; every box stays in reach (a box
  // disabled would drop out of the keyboard's path and a screen reader's list, with no word of why).
  var group = document.getElementById("top_three");
  var said = document.getElementById("top-three-said");
  if (group && said) {
    group.addEventListener("change", function (event) {
      var box = event.target;
      var ticked = group.querySelectorAll("input[type=checkbox]:checked").length;
      if (box.checked && ticked > 3) {
        box.checked = false;
        (box.closest("label") || box).insertAdjacentElement("afterend", said);  // in view, under the pick
        said.textContent = said.getAttribute("data-text");
      } else {
        said.textContent = "";
      }
    });
  }
}());
