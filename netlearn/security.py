"""Middleware that keeps bad bytes out and personal pages out of shared caches.

``UnstorableInputMiddleware``: text PostgreSQL can't store (netlearn/validators.py) in a URL
answers 404 (path) or 400 (query string) before any view looks it up: ``/join/AB%00C/`` was a 500.
Forms report such text beside the field (``StorableTextMixin``); posts to every other view
(which read ``request.POST`` themselves: the editor's autosave, preview and validate, the
terminal) are refused here with the 400 page, or for htmx a plain-text message that
static/js/app.js shows.

``PrivateCacheMiddleware``: every response to a request with a session (a logged-in learner's
pages, the gradebook's CSV, a course export) says ``Cache-Control: private, no-store``, so no
proxy or shared computer's browser cache keeps a copy of someone's work.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from netlearn.validators import UNSTORABLE, find_unstorable


def _first_unstorable(data: QueryDict) -> tuple[str, str] | None:
    """(field name, what is wrong) of the first key or value that can't be stored, or None."""
    for key, values in data.lists():
        for text in (key, *values):
            if isinstance(text, str) and (problem := find_unstorable(text)) is not None:
                return UNSTORABLE.sub("\ufffd", key[:40]), problem
    return None


# Views (URL names) whose forms check every text field they save (StorableTextMixin) and show
# the message beside it. Every other view's posts are checked here, whole: those views read
# request.POST themselves (the editor's autosave, preview and validate, the terminal, the admin).
FORM_CHECKED_VIEWS = frozenset(
    {
        "signup",
        "login",
        "password_change",
        "instructors:course_create",
        "instructors:course_edit",
        "instructors:lesson_create",
        "instructors:lesson_edit",
        "instructors:import",
        "instructors:classes",
        "instructors:join",
        "lesson_check",  # the routes and DNS rows' formsets, the quiz's choices
        "lesson_command",  # a terminal line: a NUL is kept as U+FFFD, as a terminal shows it
    }
)


class UnstorableInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if UNSTORABLE.search(request.path_info):
            # No page has such a name; a 404 says so without the view ever looking it up.
            raise Http404("No page has this address.")
        found = _first_unstorable(request.GET)
        if found is not None:
            name, problem = found
            message = (
                f"The address has {problem} in its “{name}” part, which we can't read. "
                "Check the link you followed."
            )
            return self._refuse(request, message)
        return self.get_response(request)

    # After CsrfViewMiddleware's process_view: a forged cross-site post still gets its 403.
    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        if request.method != "POST":
            return None
        match = request.resolver_match
        if match is not None and match.view_name in FORM_CHECKED_VIEWS:
            return None  # its form says what is wrong beside the field, keeping what was typed
        found = _first_unstorable(request.POST)
        if found is None:
            return None
        name, problem = found
        message = (
            f"“{name}” contains {problem}, which can't be saved. Remove it and try again; "
            "nothing was saved."
        )
        return self._refuse(request, message)

    def _refuse(self, request: HttpRequest, message: str) -> HttpResponse:
        if getattr(request, "htmx", False):
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return HttpResponseBadRequest(render_to_string("400.html", {"message": message}, request))


class PrivateCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cookie = settings.SESSION_COOKIE_NAME
        # The session cookie, not request.user: asking who the user is would cost a query on
        # pages that never needed one (/healthz).
        if cookie in request.COOKIES or cookie in response.cookies:
            patch_cache_control(response, private=True, no_store=True)
        return response
