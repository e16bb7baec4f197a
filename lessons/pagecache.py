"""A learner's rendered lesson page, kept in the cache until something it shows changes.

The key holds everything the page varies by: the user (id, username, superuser; membership of
the instructors' group replaces their generation), their CSRF secret (the page embeds tokens
masked for it), the lesson's URL, the ``?host=`` tab, the hints they revealed (session); and the
page is kept with two *generations*:

- ``content``: any course, lesson, exercise, exercise version or group saved or deleted
  (signals, and ``content_changed()`` beside the bulk updates that send none);
- ``learner:<id>``: any write to that learner's workspaces, attempts or progress, or to their
  groups (the page shows their progress in the whole course, so one generation per learner, not
  per exercise).

A generation is a random token, replaced when a write happens and again after its transaction
commits. The page is
stored with the generations read *before* the database was, and served only while both are
still current: a page rendered from data older than a write carries a token that write has
replaced. Looking a page up is one round trip to the cache and no database query.

On only when every process shares the cache (``settings.LESSON_PAGE_CACHE``, on by default with
Redis): with a per-process cache one worker would not see another's writes. Pages expire after
``PAGE_TIMEOUT`` whatever happens, and any cache error falls back to rendering the page.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token

from netlearn import generations

logger = logging.getLogger(__name__)

PAGE_TIMEOUT = 600  # seconds a rendered page is kept at most
HINTS_PREFIX = "lessons:hints:"  # the session keys of revealed hints (lessons.views._hint_key)
CONTENT = "lessons:gen:content"


def _learner_key(learner_id: int) -> str:
    return f"lessons:gen:learner:{learner_id}"


def enabled() -> bool:
    return bool(getattr(settings, "LESSON_PAGE_CACHE", False))


# Commands and lesson pages read the content generation: it rides along with the user's.
generations.ride_along(CONTENT, when=enabled)


def _none_when_down(func: Callable) -> Callable:
    """A cache that fails only costs the rendering: the reads and writes of pages answer None
    (render, don't keep) instead of raising into the view."""

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception:  # noqa: BLE001 - any cache failure: render without it
            logger.warning("lesson page cache unavailable", exc_info=True)
            return None

    return wrapped


# -- generations ----------------------------------------------------------------------------------


def learner_changed(learner_id: int | None) -> None:
    """Something a learner's pages show changed (call inside the writing transaction, or after)."""
    if learner_id is not None and enabled():
        generations.replace(_learner_key(learner_id))


def content_changed() -> None:
    """A course, lesson or exercise changed: every learner's pages are re-rendered."""
    if enabled():
        generations.replace(CONTENT)


@_none_when_down
def content_generation() -> str | None:
    """The content generation (None when the cache is off), for keeping course content per
    process (lessons.selectors.visible_lesson)."""
    if not enabled():
        return None
    found = generations.read_along(CONTENT)  # with the user's generation, this request
    if found is None:
        found = cache.get_many([CONTENT])
    return str(generations.current(CONTENT, found))


# -- pages ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lookup:
    key: str
    generations: tuple[str, str]  # (content, learner) when the lookup was made
    html: str | None  # the page, when it was kept under these generations


@_none_when_down
def lookup(request: HttpRequest, course_slug: str, lesson_slug: str) -> Lookup | None:
    """This request's lesson page from the cache (``html``), or where to keep it once rendered;
    None when the page must be rendered and not kept (the cache is off, not a plain GET, no CSRF
    cookie yet, messages waiting to be shown). One round trip to the cache: the page is stored
    with the generations it was rendered under and served only while they are current."""
    if not enabled() or request.method != "GET" or request.htmx:
        return None
    user = request.user
    secret = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or not secret:
        return None
    if len(get_messages(request)):
        return None
    hints = sorted(f"{k}={v}" for k, v in request.session.items() if k.startswith(HINTS_PREFIX))
    parts = [
        str(user.pk),
        user.get_username(),
        str(user.is_superuser),  # instructors' links; group membership replaces the generation
        secret,
        course_slug,
        lesson_slug,
        request.GET.get("host", ""),
        *hints,
    ]
    key = "lessons:page:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()
    learner_key = _learner_key(user.pk)
    found = cache.get_many([CONTENT, learner_key, key])
    current = tuple(str(generations.current(name, found)) for name in (CONTENT, learner_key))
    stored = found.get(key)
    html = None
    if isinstance(stored, tuple) and len(stored) == 2 and tuple(stored[0]) == current:
        html = stored[1]
        get_token(request)  # as rendering {% csrf_token %} does: the cookie's expiry is renewed
    return Lookup(key, current, html)


@_none_when_down
def keep(found: Lookup, html: str) -> None:
    cache.set(found.key, (found.generations, html), timeout=PAGE_TIMEOUT)


# -- what invalidates -----------------------------------------------------------------------------


def _learner_row_changed(sender, instance, **kwargs) -> None:
    learner_changed(instance.learner_id)


def _content_row_changed(sender, instance, **kwargs) -> None:
    content_changed()


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Joining or leaving the instructors' group shows or hides the instructors' links."""
    if not action.startswith("post_"):
        return
    if not reverse:  # user.groups.add(...)
        learner_changed(instance.pk)
    elif pk_set is None:  # group.user_set.clear(): whoever they were
        content_changed()
    else:
        for pk in pk_set:
            learner_changed(pk)


def connect_signals() -> None:
    """Saves and deletes through the ORM; bulk ``update()`` calls say so themselves."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

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
    m2m_changed.connect(
        _groups_changed, sender=get_user_model().groups.through, dispatch_uid="pagecache-groups"
    )
    for model in (Course, Lesson, Exercise, ExerciseVersion, Group):
        post_save.connect(_content_row_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(_content_row_changed, sender=model, dispatch_uid=f"pagecache-d{model}")
