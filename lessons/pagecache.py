"""A learner's rendered lesson page, kept in the cache until something it shows changes.

The key holds everything the page varies by: the user (id, username, whether they see the
instructors' links), their CSRF secret (the page embeds tokens masked for it), the lesson's
URL, the ``?host=`` tab, the hints they revealed (session) and two *generations*:

- ``content``: any course, lesson, exercise or exercise version saved or deleted (signals, and
  ``content_changed()`` beside the bulk updates that send none);
- ``learner:<id>``: any write to that learner's workspaces, attempts or progress (the page shows
  their progress in the whole course, so one generation per learner, not per exercise).

A generation is a random token, replaced when a write happens and again after its transaction
commits. A reader reads the generations before the database, so a page rendered from data older
than a write is stored under a token that write has already replaced and is never served. No
database lookup is needed to build the key.

On only when every process shares the cache (``settings.LESSON_PAGE_CACHE``, on by default with
Redis): with a per-process cache one worker would not see another's writes. Pages expire after
``PAGE_TIMEOUT`` whatever happens, and any cache error falls back to rendering the page.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token

from netlearn.context_processors import request_is_instructor

logger = logging.getLogger(__name__)

PAGE_TIMEOUT = 600  # seconds a rendered page is kept at most
HINTS_PREFIX = "lessons:hints:"  # the session keys of revealed hints (lessons.views._hint_key)
CONTENT = "lessons:gen:content"


def _learner_key(learner_id: int) -> str:
    return f"lessons:gen:learner:{learner_id}"


def enabled() -> bool:
    return bool(getattr(settings, "LESSON_PAGE_CACHE", False))


# -- generations ----------------------------------------------------------------------------------


def _bump(key: str) -> None:
    """Replace a generation now and, inside a transaction, again once it commits: a page
    rendered meanwhile from the data before the commit is stored under the token in between."""

    def replace() -> None:
        try:
            cache.set(key, uuid.uuid4().hex, timeout=None)
        except Exception:  # the cache is down: pages expire after PAGE_TIMEOUT
            logger.warning("lesson page cache: could not replace %s", key, exc_info=True)

    replace()
    replace.pagecache_key = key  # type: ignore[attr-defined]
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Once per transaction (a command writes the workspace and the progress): not again
        # while a replacement is pending from this transaction or the savepoints it is in.
        current = set(connection.savepoint_ids)
        for savepoints, func, _ in connection.run_on_commit:
            if getattr(func, "pagecache_key", None) == key and savepoints <= current:
                return
        transaction.on_commit(replace)


def learner_changed(learner_id: int | None) -> None:
    """Something a learner's pages show changed (call inside the writing transaction, or after)."""
    if learner_id is not None and enabled():
        _bump(_learner_key(learner_id))


def content_changed() -> None:
    """A course, lesson or exercise changed: every learner's pages are re-rendered."""
    if enabled():
        _bump(CONTENT)


def _generations(keys: list[str]) -> list[str]:
    found = cache.get_many(keys)
    values = []
    for key in keys:
        if key not in found:
            token = uuid.uuid4().hex
            found[key] = token if cache.add(key, token, timeout=None) else cache.get(key)
        values.append(str(found[key]))
    return values


# -- pages ----------------------------------------------------------------------------------------


def page_key(request: HttpRequest, course_slug: str, lesson_slug: str) -> str | None:
    """The cache key of this request's lesson page, or None when it must be rendered (the cache
    is off, not a plain GET, no CSRF cookie yet, messages waiting to be shown)."""
    if not enabled() or request.method != "GET" or request.htmx:
        return None
    user = request.user
    secret = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or not secret:
        return None
    if len(get_messages(request)):
        return None
    hints = sorted(f"{k}={v}" for k, v in request.session.items() if k.startswith(HINTS_PREFIX))
    content, learner = _generations([CONTENT, _learner_key(user.pk)])
    parts = [
        content,
        learner,
        str(user.pk),
        user.get_username(),
        str(request_is_instructor(request)),
        secret,
        course_slug,
        lesson_slug,
        request.GET.get("host", ""),
        *hints,
    ]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"lessons:page:{digest}"


def cached_page(request: HttpRequest, key: str) -> str | None:
    html = cache.get(key)
    if html is not None:
        get_token(request)  # as rendering {% csrf_token %} does: the cookie's expiry is renewed
    return html


def keep_page(key: str, html: str) -> None:
    cache.set(key, html, timeout=PAGE_TIMEOUT)


# -- what invalidates -----------------------------------------------------------------------------


def _learner_row_changed(sender, instance, **kwargs) -> None:
    learner_changed(instance.learner_id)


def _content_row_changed(sender, instance, **kwargs) -> None:
    content_changed()


def connect_signals() -> None:
    """Saves and deletes through the ORM; bulk ``update()`` calls say so themselves."""
    from django.db.models.signals import post_delete, post_save

    from lessons.models import (
        Attempt,
        Course,
        Exercise,
        ExerciseVersion,
        Lesson,
        Progress,
        Workspace,
    )

    for model in (Workspace, Attempt, Progress):
        post_save.connect(_learner_row_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(_learner_row_changed, sender=model, dispatch_uid=f"pagecache-d{model}")
    for model in (Course, Lesson, Exercise, ExerciseVersion):
        post_save.connect(_content_row_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(_content_row_changed, sender=model, dispatch_uid=f"pagecache-d{model}")
