"""The 500 page, which must render whatever else is broken.

Django's own ``server_error`` already renders ``500.html`` without a request context (so no
context processor, session or user lookup can touch the database), but if rendering the page
itself fails the visitor gets gunicorn's bare error instead. This one falls back to a page that
needs nothing at all.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponseServerError
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PLAIN_500 = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Something went wrong · NetLearn</title></head>
<body><main><h1>Something went wrong on our side</h1>
<p>We couldn't finish that request; what you saved before is safe. Please try again in a minute
from <a href="/">the courses</a>.</p></main></body></html>
"""


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """``handler500``: templates/500.html in the site's layout, or a plain page if that fails."""
    try:
        body = render_to_string("500.html")
    except Exception:  # the page of last resort: whatever broke, answer something readable
        logger.exception("rendering 500.html failed; answering the plain page")
        body = PLAIN_500
    return HttpResponseServerError(body)
