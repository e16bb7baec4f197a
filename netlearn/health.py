"""Health endpoints for load balancers and Kubernetes probes.

``/healthz`` says the process answers and touches nothing else (a liveness probe must not fail
because the database is down, or every pod gets restarted at once). ``/readyz`` says this process
can serve pages: the database answers (Django's ``is_usable`` check).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        connection.ensure_connection()
        if not connection.is_usable():  # Django's own check (a SELECT 1 on PostgreSQL)
            raise DatabaseError("the connection does not answer")
    except DatabaseError as exc:
        logger.warning("readyz: database unavailable: %s", exc)
        # Drop the broken connection so the next request reconnects when the database is back.
        connection.close_if_unusable_or_obsolete()
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
