"""From an LMS iframe to a NetLearn window.

An LMS often shows a tool inside an iframe. NetLearn's pages refuse to be framed (X-Frame-Options
DENY, CSP frame-ancestors 'none'), and a browser keeps a framed cross-site page's cookies apart
(or drops them), so the session the launch made in the frame is not the one a new tab would see.
A launch into an iframe therefore answers with a small frameable page whose link opens NetLearn in
a new window through ``/lti/continue/``, carrying a signed, single-use, short-lived ticket that
logs the same user in there (top-level, so its session cookie sticks) and redirects to the lesson.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone

from lti.models import Nonce

SALT = "lti.handoff"
LIFETIME = dt.timedelta(minutes=5)
PRESENTATION_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


class TicketError(Exception):
    """A ticket that is forged, expired or already used."""


def wants_iframe(claims: dict) -> bool:
    presentation = claims.get(PRESENTATION_CLAIM)
    return isinstance(presentation, dict) and presentation.get("document_target") == "iframe"


def ticket_for(*, user, url: str) -> str:
    """A ticket naming the user and where they go, usable once within ``LIFETIME``."""
    once = f"handoff-{secrets.token_urlsafe(24)}"
    Nonce.objects.create(value=once, expires_at=timezone.now() + LIFETIME)
    return signing.dumps({"u": user.pk, "to": url, "n": once}, salt=SALT)


def redeem(ticket: str) -> tuple[object, str]:
    """(user, url) of a valid ticket, which is used up; raises ``TicketError`` otherwise."""
    try:
        payload = signing.loads(ticket, salt=SALT, max_age=LIFETIME.total_seconds())
        user_pk, url, once = payload["u"], payload["to"], payload["n"]
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise TicketError("This link has expired: open the activity again from the LMS.") from exc
    used, _ = Nonce.objects.filter(value=once, expires_at__gte=timezone.now()).delete()
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if used != 1 or user is None or not url.startswith("/"):
        raise TicketError("This link was already used: open the activity again from the LMS.")
    return user, url
