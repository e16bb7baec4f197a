// Authoring pages: warn before leaving an editor with unsaved changes, confirm destructive
// buttons, jump to the line of a validation problem, fill the Exercise box from a starter or
// another exercise, show Validate's and Preview's answers where the author looks, keep focus
// on a moved lesson.
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

  function exerciseBox() {
    return document.getElementById("id_exercise");
  }

  // "Line 12, column 5" in the validation report puts the cursor there in the Exercise
  // textbox (a link: Enter works as a click), and scrolls the box to show that line.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-line]") : null;
    var box = exerciseBox();
    if (!link || !box) return;
    event.preventDefault();
    var line = parseInt(link.getAttribute("data-line"), 10) || 1;
    var column = parseInt(link.getAttribute("data-column"), 10) || 1;
    var lines = box.value.split("\n");
    line = Math.min(line, lines.length);
    var start = 0;
    for (var i = 0; i < line - 1; i++) start += lines[i].length + 1;
    var caret = start + Math.min(column - 1, lines[line - 1].length);
    box.focus({ preventScroll: true });
    box.setSelectionRange(caret, caret);
    var lineHeight = parseFloat(window.getComputedStyle(box).lineHeight) || box.scrollHeight / Math.max(lines.length, 1);
    box.scrollTop = Math.max(0, (line - 3) * lineHeight);
    box.scrollIntoView({ block: "nearest" });
  });

  // "Use template" and "Copy exercise" fill the Exercise box in place (without JavaScript the
  // buttons post the form and the page comes back with the new text).
  function fillExercise(text) {
    var box = exerciseBox();
    if (!box) return;
    if (box.value.trim() && box.value !== text &&
        !window.confirm("Replace the text in the Exercise box? (Your draft keeps it until the next autosave.)")) {
      return;
    }
    box.value = text;
    box.dispatchEvent(new Event("input", { bubbles: true }));  // autosave, unsaved warning
    box.focus();
    box.setSelectionRange(0, 0);
    box.scrollTop = 0;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fill-exercise]") : null;
    if (!button) return;
    event.preventDefault();
    if (button.getAttribute("data-fill-exercise") === "starter") {
      var kind = document.getElementById("starter-kind");
      var template = kind && document.getElementById("starter-" + kind.value);
      if (template) fillExercise(template.content.textContent);
      return;
    }
    var select = document.getElementById("copy-from");
    var option = select && select.options[select.selectedIndex];
    if (!option) return;
    fetch(option.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(fillExercise)
      .catch(function () {
        window.alert("That exercise could not be copied.");
      });
  });

  // Validate and Preview answer in the results panel: say so to screen readers (the panel's
  // status line), and make sure the answer is where the author looks. On wide screens the
  // panel is sticky beside the editor; on narrow ones it is below the form, so the answer is
  // scrolled into view and takes the focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var answer = target && target.id ? document.getElementById(target.id) : null;
    if (!answer || (answer.id !== "validation" && answer.id !== "preview")) return;
    var status = document.getElementById("results-status");
    if (status) status.textContent = answer.getAttribute("data-summary") || "";
    var empty = document.querySelector(".results-empty");
    if (empty) empty.remove();
    var wide = window.matchMedia("(min-width: 992px)").matches;
    if (wide) {
      var panel = document.getElementById("results-panel");
      if (panel) panel.scrollTop = Math.max(0, answer.offsetTop - panel.offsetTop);
    } else {
      answer.scrollIntoView({ block: "start" });
      answer.focus({ preventScroll: true });
    }
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
