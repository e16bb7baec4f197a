// Site-wide behaviour. No inline scripts anywhere: a strict Content-Security-Policy forbids them.
document.addEventListener("htmx:responseError", function (event) {
  // Tell the learner something went wrong instead of leaving the page silent.
  var status = event.detail.xhr.status;
  var box = document.getElementById("htmx-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "htmx-error";
    box.setAttribute("role", "alert");
    box.className = "alert alert-danger";
    var main = document.getElementById("main");
    if (main) main.prepend(box);
  }
  var type = event.detail.xhr.getResponseHeader("Content-Type") || "";
  if (status === 400 && type.indexOf("text/plain") === 0) {
    // A refused post says why in plain text (netlearn/security.py): show it as it is.
    box.textContent = event.detail.xhr.responseText;
    return;
  }
  box.textContent = status === 429
    ? "You're going a little fast: wait a moment and try again."
    : "The server could not answer (" + status + "). Your work is saved; try again in a moment.";
});

document.addEventListener("htmx:afterRequest", function (event) {
  // Once a request succeeds again, an earlier error no longer describes the page.
  var box = document.getElementById("htmx-error");
  if (box && event.detail.successful) box.remove();
});
