"""Middleware of the NetLearn project as a whole."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("netlearn.database")

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Answers 503 with templates/503.html when the database can't be reached.

    A learner sees "back soon" rather than a 500 with a stack trace; load balancers and probes see
    a status that means "try again" (with Retry-After). The page is rendered without a request
    context: the context processors and the session would go to the database again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    # Called for exceptions of the view and of rendering its template, which is where the session,
    # the user and the pages' queries first touch the database.
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request: HttpRequest, error: Exception) -> HttpResponse:
        logger.error(
            "database unavailable: %s", error, extra={"status_code": 503, "path": request.path}
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
