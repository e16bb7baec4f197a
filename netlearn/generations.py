"""Generation tokens in the shared cache: what keeps a cached copy from outliving a write.

A generation is a random token under a key. A copy (a rendered lesson page, a user row) is
stored with the generation read *before* the database was, and served only while that
generation is still current. A write replaces the token now and, inside a transaction, again
once it commits (pending once per transaction), so a copy rendered from the data before the
commit carries a token the commit has replaced. Used by the lesson page cache
(``lessons/pagecache.py``) and the user cache (``accounts/backends.py``).

Generations that most requests read (the content generation) can *ride along* with the user's,
which every logged-in request reads first: one round trip to the cache instead of two (each
costs a web process about half a millisecond of CPU under load). What rode along is kept for
the rest of that request only, and dropped when the request replaces it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

logger = logging.getLogger(__name__)


def current(key: str, found: dict, *, timeout: int | None = None) -> object | None:
    """The generation under ``key``: from ``found`` (a ``get_many`` that asked for it) or, when
    it is missing, a new token added now (or the one another process added first). A failing
    cache raises."""
    if key in found:
        return found[key]
    token = uuid.uuid4().hex
    return token if cache.add(key, token, timeout=timeout) else cache.get(key)


def replace(key: str, *, timeout: int | None = None) -> None:
    """Replace the generation under ``key`` now and, inside a transaction, again once it
    commits. A failing cache is logged, not raised: copies then expire on their own timeout."""

    def new_token() -> None:
        try:
            cache.set(key, uuid.uuid4().hex, timeout=timeout)
        except Exception:  # noqa: BLE001 - the cache is down
            logger.warning("could not replace the generation %s", key, exc_info=True)

    new_token()
    _drop_read(key)
    new_token.generation_key = key  # type: ignore[attr-defined]
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        savepoints = set(connection.savepoint_ids)
        for pending_savepoints, func, _ in connection.run_on_commit:
            if getattr(func, "generation_key", None) == key and pending_savepoints <= savepoints:
                return  # already pending for this transaction or one it is in
        transaction.on_commit(new_token)


# -- riding along ---------------------------------------------------------------------------------

_riders: dict[str, Callable[[], bool]] = {}
_read = threading.local()  # this thread's request: {key: value read, or _MISSING}
_MISSING = object()


def ride_along(key: str, *, when: Callable[[], bool]) -> None:
    """Read ``key`` with the user's generation whenever ``when()`` holds (at import time)."""
    _riders[key] = when


def ride_along_this_request(key_of: Callable[[object], str]) -> None:
    """For this request only, read ``key_of(user_id)`` with the user's generation too (a key
    of the learner's own, such as their terminal's row: ``lessons/terminalcache.py``)."""
    if _in_request():
        _read.extra = [*(getattr(_read, "extra", None) or []), key_of]


def riders(user_id: object = None) -> list[str]:
    """The keys to read along with the user's generation now."""
    keys = [key for key, when in _riders.items() if when()]
    return keys + [key_of(user_id) for key_of in getattr(_read, "extra", None) or []]


def ride_along_with_session(keys_of: Callable[[], list[str]]) -> None:
    """For this request only, read ``keys_of()`` (evaluated when the session is read) with the
    session: the user's keys, when a signed cookie names the user (accounts/prefetch.py)."""
    if _in_request():
        _read.with_session = keys_of


def session_riders() -> list[str]:
    """The keys to read along with this request's session."""
    keys_of = getattr(_read, "with_session", None)
    return keys_of() if keys_of is not None else []


def remember(keys: list[str], found: dict) -> None:
    """``keys`` were read along (``found``: their ``get_many``), for the rest of the request.
    Outside a request (a management command, a shell) nothing is kept: no request's end would
    forget it."""
    if not _in_request():
        return
    values = getattr(_read, "values", None) or {}
    values.update({key: found.get(key, _MISSING) for key in keys})
    _read.values = values


def read_along(*keys: str) -> dict | None:
    """``keys`` as a ``get_many`` answer (a key missing from the cache is left out) when every
    one of them rode along in this request; else None (read them)."""
    values = getattr(_read, "values", None) or {}
    if not all(key in values for key in keys):
        return None
    return {key: values[key] for key in keys if values[key] is not _MISSING}


def _drop_read(key: str) -> None:
    values = getattr(_read, "values", None)
    if values:
        values.pop(key, None)


def _in_request() -> bool:
    return getattr(_read, "in_request", False)


def begin_request(**kwargs) -> None:
    """A request starts on this thread (``request_started``): nothing read along before."""
    _forget_read()
    _read.in_request = True


def end_request(**kwargs) -> None:
    """The request ends (``request_finished``): what it read along is forgotten."""
    _forget_read()
    _read.in_request = False


def _forget_read() -> None:
    _read.values = None
    _read.extra = None
    _read.with_session = None


request_started.connect(begin_request, dispatch_uid="generations.begin_request")
request_finished.connect(end_request, dispatch_uid="generations.end_request")
