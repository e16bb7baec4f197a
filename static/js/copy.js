/* "Copy" buttons: <button data-copy="ID" hidden> copies the text (or the href) of the element
 * with that id, and says so in <… data-copy-status="ID" role="status">.
 *
 * Progressive: the button is hidden until this file runs, and the text it copies is on the page
 * (selectable with one click) without it. No inline script: the Content-Security-Policy forbids
 * them.
 */
(function () {
  "use strict";

  function say(id, text) {
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (status) status.textContent = text;
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fallbackCopy(element) {
    // Outside a secure context there is no clipboard API: select the text and copy the
    // selection; if even that is refused, the text stays selected for Ctrl+C.
    selectText(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(button) {
    var id = button.getAttribute("data-copy");
    var element = document.getElementById(id);
    if (!element) return;
    var text = element.getAttribute("href") ? element.href : element.textContent.trim();
    var done = function () { say(id, "Copied."); };
    var failed = function () {
      say(id, fallbackCopy(element) ? "Copied." : "Selected: press Ctrl+C to copy.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  function init() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
