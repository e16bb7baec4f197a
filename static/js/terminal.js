/* The lesson page's enhancements (no inline script anywhere: a strict CSP is coming).
 *
 * Everything here is progressive: the page works with plain links and form posts; this file
 * adds client-side host tabs, command history (Up/Down), `clear`, focus management and
 * scrolling of the terminal log, and focus for rows added to a form exercise over htmx.
 */
(function () {
  "use strict";

  function $(root, selector) {
    return root.querySelector(selector);
  }

  function $all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function scrollLog(log) {
    log.scrollTop = log.scrollHeight;
  }

  /* -- one terminal ------------------------------------------------------------------------ */

  function Terminal(root) {
    this.root = root;
    this.form = $(root, "form[data-terminal-form]");
    this.input = $(root, "input[name=line]");
    this.hostField = $(root, "input[name=host]");
    this.log = $(root, "[role=log]");
    this.prompt = $(root, "[data-prompt]");
    this.tabs = $all(root, "[role=tab]");
    this.history = $all(this.log, "[data-command]").map(function (el) {
      return el.getAttribute("data-command");
    });
    this.position = this.history.length;
    this.draft = "";
    this.bind();
    scrollLog(this.log);
  }

  Terminal.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("keydown", function (event) {
      self.onKey(event);
    });
    this.form.addEventListener("submit", function (event) {
      self.onSubmit(event);
    });
    this.tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        self.select(tab, true);
      });
      tab.addEventListener("keydown", function (event) {
        self.onTabKey(event, index);
      });
    });
    // After htmx appended the command's output: empty the box, keep focus, show the end.
    this.form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) {
        self.input.value = "";
      }
      self.input.removeAttribute("aria-busy");
      self.input.focus();
      scrollLog(self.log);
    });
    this.form.addEventListener("htmx:beforeRequest", function () {
      self.input.setAttribute("aria-busy", "true");
    });
    this.log.addEventListener("htmx:afterSwap", function () {
      scrollLog(self.log);
    });
  };

  Terminal.prototype.onSubmit = function (event) {
    var line = this.input.value.trim();
    if (!line) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (this.history[this.history.length - 1] !== line) {
      this.history.push(line);
    }
    this.position = this.history.length;
    this.draft = "";
  };

  Terminal.prototype.onKey = function (event) {
    if (event.key === "ArrowUp") {
      if (this.position === 0) return;
      if (this.position === this.history.length) this.draft = this.input.value;
      this.position -= 1;
      this.show(this.history[this.position]);
      event.preventDefault();
    } else if (event.key === "ArrowDown") {
      if (this.position >= this.history.length) return;
      this.position += 1;
      this.show(this.position === this.history.length ? this.draft : this.history[this.position]);
      event.preventDefault();
    } else if (event.key === "l" && event.ctrlKey) {
      // Ctrl+L, as in bash: the same as typing `clear`
      event.preventDefault();
      this.input.value = "clear";
      this.form.requestSubmit ? this.form.requestSubmit() : this.form.submit();
    }
  };

  Terminal.prototype.show = function (value) {
    this.input.value = value;
    var end = value.length;
    this.input.setSelectionRange(end, end);
  };

  /* Host tabs: the WAI-ARIA tabs pattern with automatic activation. */
  Terminal.prototype.select = function (tab, focusInput) {
    var host = tab.getAttribute("data-host");
    this.tabs.forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.setAttribute("tabindex", selected ? "0" : "-1");
      other.classList.toggle("active", selected);
    });
    this.hostField.value = host;
    if (this.prompt) this.prompt.textContent = "root@" + host + ":~#";
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    if (panel) panel.setAttribute("aria-labelledby", tab.id);
    if (window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("host", host);
      window.history.replaceState(window.history.state, "", url.toString());
    }
    if (focusInput) this.input.focus();
  };

  Terminal.prototype.onTabKey = function (event, index) {
    var count = this.tabs.length;
    var next = null;
    if (event.key === "ArrowRight") next = (index + 1) % count;
    else if (event.key === "ArrowLeft") next = (index - 1 + count) % count;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = count - 1;
    if (next === null) return;
    event.preventDefault();
    this.tabs[next].focus();
    this.select(this.tabs[next], false);
  };

  /* -- form exercises: focus the row htmx just added ---------------------------------------- */

  function focusNewRow() {
    $all(document, "[data-rows][data-focus-new]").forEach(function (target) {
      target.removeAttribute("data-focus-new");
      var rows = $all(target, "[data-row]");
      var last = rows[rows.length - 1];
      var field = last && $(last, "input:not([type=hidden]), select");
      if (field) field.focus();
    });
  }

  /* -- hints: the button that asked is replaced, so move focus to the hint it opened ------- */

  var hintAsked = false;

  function focusNewHint() {
    if (!hintAsked) return;
    hintAsked = false;
    var hints = $all(document, "#hints li");
    var last = hints[hints.length - 1];
    if (!last) return;
    last.setAttribute("tabindex", "-1");
    last.focus();
  }

  /* -- start ------------------------------------------------------------------------------ */

  function init(root) {
    $all(root, "[data-terminal]").forEach(function (el) {
      if (!el.terminal) el.terminal = new Terminal(el);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  document.addEventListener("htmx:load", function (event) {
    init(event.target);
  });
  document.addEventListener("htmx:afterSettle", focusNewRow);
  document.addEventListener("htmx:afterSettle", focusNewHint);
  // A button that asked for a new row marks the container so that only that swap moves focus.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.closest && elt.closest("#hints")) hintAsked = true;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-add-row")) {
      var target = document.querySelector(elt.getAttribute("hx-target"));
      if (target) target.setAttribute("data-focus-new", "true");
    }
  });
})();
