// Authoring pages: warn before leaving an editor with unsaved changes, confirm destructive
// buttons, jump to the line of a validation problem, keep focus on a moved lesson.
// No inline scripts anywhere: a strict Content-Security-Policy forbids them.
(function () {
  "use strict";

  var dirty = false;

  function editor() {
    return document.querySelector("form[data-unsaved-warning]");
  }

  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("form[data-unsaved-warning]")) dirty = true;
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("form[data-unsaved-warning]")) dirty = true;
  });
  // Saving the form (a real submit) is not leaving with unsaved changes.
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-unsaved-warning]")) dirty = false;
  });
  // An autosave that reached the server keeps the text as a draft: nothing would be lost.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-autosave") && event.detail.successful) {
      dirty = false;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty || !editor()) return undefined;
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their dialog
    return "";
  });

  // data-confirm on a submit button: ask first (the button still works without JavaScript).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // "Line 12" in the validation report selects that line of the Exercise textbox.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-line]") : null;
    if (!link) return;
    var box = document.getElementById("id_exercise");
    if (!box) return;
    event.preventDefault();
    var line = parseInt(link.getAttribute("data-line"), 10) || 1;
    var lines = box.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[line - 1] || "").length;
    box.focus();
    box.setSelectionRange(start, end);
    var lineHeight = box.scrollHeight / Math.max(lines.length, 1);
    box.scrollTop = Math.max(0, (line - 3) * lineHeight);
  });

  // After "Move up/down" swapped the lesson list, keep keyboard focus on the same button.
  document.addEventListener("htmx:afterSwap", function () {
    var list = document.getElementById("lesson-list");
    var id = list && list.getAttribute("data-focus");
    var button = id && document.getElementById(id);
    if (button) {
      if (button.disabled) {
        var other = id.indexOf("move-up-") === 0 ? id.replace("move-up-", "move-down-") : id.replace("move-down-", "move-up-");
        button = document.getElementById(other) || button;
      }
      button.focus();
    }
  });
})();
