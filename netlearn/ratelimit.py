"""Per-learner rate limits on graded POSTs, with Django's cache and a fixed window.

    @login_required
    @rate_limited(key="commands", rate="120/m")
    @require_POST
    def command(request, ...): ...

Past the limit the view is not called: the learner gets 429 with templates/429.html (a short
htmx-swappable message when the request came from htmx) and a Retry-After header. With several
web processes the cache must be shared (Redis, REDIS_URL) for the limit to be per learner rather
than per process. ``RATELIMIT_ENABLED = False`` turns every limit off, and
``RATELIMIT_RATES = {"commands": "300/m"}`` overrides a key's rate (read per request, so an
operator's setting and a test's override both apply without re-importing the views).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from netlearn.clientip import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, rate: str) -> Rate:
        """``"120/m"`` -> Rate(120, 60); a ValueError names a bad rate."""
        count, _, period = rate.partition("/")
        if not count.isdigit() or int(count) < 1 or period not in PERIODS:
            raise ValueError(f"rate must look like '120/m' (count/s|m|h), not {rate!r}")
        return cls(int(count), PERIODS[period])


def _identity(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    # The client's address, not nginx's (which every request behind it would share).
    return f"ip:{client_ip(request) or ''}"


def _window(key: str, identity: str, rate: Rate, now: float) -> tuple[str, int]:
    """The counter's cache key for the current window, and seconds until the next one."""
    window = int(now // rate.seconds)
    return f"ratelimit:{key}:{identity}:{window}", max(
        1, int((window + 1) * rate.seconds - now + 0.999)
    )


def waiting(key: str, identity: str, rate: Rate, *, now: float | None = None) -> int:
    """Seconds to wait when the current window is already full, 0 otherwise; counts nothing
    (for limits on what succeeded, counted with :func:`hit` afterwards)."""
    cache_key, left = _window(key, identity, rate, time.time() if now is None else now)
    return left if (cache.get(cache_key) or 0) >= rate.count else 0


def hit(key: str, identity: str, rate: Rate, *, now: float | None = None) -> int:
    """Counts one request in the current window; returns seconds to wait, 0 when allowed."""
    now = time.time() if now is None else now
    cache_key, left = _window(key, identity, rate, now)
    # add() is atomic on Redis and memcached: the first request of a window creates the counter.
    if cache.add(cache_key, 1, timeout=rate.seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=rate.seconds + 1)
            count = 1
    return 0 if count <= rate.count else left


@functools.lru_cache(maxsize=64)
def _parse(rate: str) -> Rate:
    return Rate.parse(rate)


def rate_limited(*, key: str, rate: str) -> Callable:
    """Limits a view to ``rate`` requests per learner (per address when anonymous); the
    ``RATELIMIT_RATES[key]`` setting, when present, wins over ``rate``."""
    Rate.parse(rate)  # a bad default fails at import, not at the first request

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not getattr(settings, "RATELIMIT_ENABLED", True):
                return view(request, *args, **kwargs)
            parsed = _parse(getattr(settings, "RATELIMIT_RATES", {}).get(key, rate))
            wait = hit(key, _identity(request), parsed)
            if not wait:
                return view(request, *args, **kwargs)
            unit = {1: "second", 60: "minute", 3600: "hour"}[parsed.seconds]
            return too_many(request, limit=f"{parsed.count} {key} a {unit}", wait=wait)

        return wrapped

    return decorator


def rate_for(key: str, default: str) -> Rate:
    """``RATELIMIT_RATES[key]`` (or ``default``), parsed."""
    return _parse(getattr(settings, "RATELIMIT_RATES", {}).get(key, default))


def wait_text(seconds: int) -> str:
    """A wait as a person reads it: 45 seconds, about 12 minutes."""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"about {minutes} minutes"


def too_many(request: HttpRequest, *, limit: str, wait: int, **context: object) -> HttpResponse:
    """The 429 page (templates/429.html; just its message for htmx) with ``Retry-After``.
    ``limit`` completes "You sent more than ..."; extra ``context`` reaches the template."""
    template = "429.html#message" if getattr(request, "htmx", False) else "429.html"
    context = {"limit": limit, "retry_after": wait, "wait": wait_text(wait), **context}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response
