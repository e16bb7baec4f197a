"""The logged-in user's id in a signed cookie, so that a request reads its session and its user
from the cache in one round trip instead of two.

Django reads the session (a round trip to Redis), finds the user's id in it, then reads the user
(``accounts/backends.py``: a second round trip, which also brings what rides along with the user:
the content generation, the learner's terminal row). The second read depends on the first only
through that id. ``PrefetchMiddleware`` keeps the id in a signed cookie; when a request carries a
valid one, ``accounts.sessions.SessionStore`` asks for the user's keys in the session's
``get_many``. Under load each round trip costs a web process about half a millisecond of CPU.

The cookie is a hint, never an authority: who is logged in is the session's business alone. What
the hint fetched is used only for the id the session names (``lookup`` uses keys read along only
when every key it needs for that id was), so a stale or copied cookie costs at most the round trip
it meant to save, and its signature keeps others from choosing what the server reads. It is set
when a request's user differs from it, deleted when nobody is logged in, and flagged as the session
cookie is (HttpOnly, Secure, SameSite). Only with the user cache on (``USER_CACHE_SECONDS``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from accounts import backends
from netlearn import generations

COOKIE = "netlearn_user"
SALT = "accounts.prefetch.user"


def hinted_user_id(request: HttpRequest) -> int | None:
    """The user id the request's cookie names, if its signature holds (None otherwise)."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return None
    try:
        user_id = signing.loads(value, salt=SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:  # tampered, another SECRET_KEY, or expired
        return None
    return user_id if isinstance(user_id, int) else None


class PrefetchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        on = backends.cache_seconds() > 0
        hinted = hinted_user_id(request) if on else None
        if hinted is not None:
            generations.ride_along_with_session(lambda: backends.keys_for(hinted))
        response = self.get_response(request)
        if on:
            _update_cookie(request, response, hinted)
        return response


def _update_cookie(request: HttpRequest, response: HttpResponse, hinted: int | None) -> None:
    user = request.__dict__.get("user")
    unread = isinstance(user, SimpleLazyObject) and not hasattr(request, "_cached_user")
    if user is None or unread:
        return  # this request never looked at its user (a static file, /healthz): leave it be
    if user.is_authenticated:
        if user.pk != hinted:
            response.set_cookie(
                COOKIE,
                signing.dumps(user.pk, salt=SALT),
                max_age=settings.SESSION_COOKIE_AGE,
                domain=settings.SESSION_COOKIE_DOMAIN,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
    elif COOKIE in request.COOKIES:
        response.delete_cookie(
            COOKIE, domain=settings.SESSION_COOKIE_DOMAIN, samesite=settings.SESSION_COOKIE_SAMESITE
        )
