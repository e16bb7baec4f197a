"""The logged-in user read from the cache instead of the database on every request.

Django's ``AuthenticationMiddleware`` loads ``request.user`` through the backend the session
names, and ``ModelBackend.get_user`` costs one query (plus the ORM's CPU) on every logged-in
request, even a lesson page served whole from the page cache. ``CachedModelBackend.get_user``
keeps the user row, pickled, in Django's default cache for ``settings.USER_CACHE_SECONDS``
(0: off, exactly ``ModelBackend``). It is on by default only with Redis: with a per-process
cache, one gunicorn worker would keep a user another worker has just deactivated.

What keeps it correct:

- Any save or delete of a user through the ORM (a password change, ``is_active=False`` in the
  admin, the ``last_login`` written at every log-in) replaces the user's *generation*, a random
  token kept beside the user, at the save and again when its transaction commits. A user is
  stored with the generation read *before* the database was, and served only while that
  generation is current, so a request that read the row before a write committed cannot put the
  old row back (as ``lessons/pagecache.py`` keeps pages). One round trip to the cache reads both.
  The next request after a write reads the new row: Django's session hash check logs out the
  other sessions of a changed password, an inactive user is refused (``user_can_authenticate``),
  a deleted one is anonymous.
- ``QuerySet.update()`` (and raw SQL) on users sends no signal: what it changes may be served
  from the cache for up to ``USER_CACHE_SECONDS``, which bounds the staleness. Call
  ``forget_user(pk)`` beside such an update when that matters. So does a write made while the
  cache is down, if the cache comes back with its old contents.
- The cached user carries no relations: the groups (``netlearn.context_processors.is_instructor``
  asks the database each request) and permissions (``ModelBackend`` caches them on the instance
  after it is stored) are never in it, so group changes need no invalidation.
- A cache that fails (Redis down) is skipped: the user comes from the database, as without it.

Sessions remember the backend that logged them in (``BACKEND_SESSION_KEY``), and Django only
honours a session whose backend is still in ``AUTHENTICATION_BACKENDS``. This backend is always
listed (it is plain ``ModelBackend`` with the cache off), so switching Redis on or off logs
nobody out, and ``ModelBackend`` stays listed after it for the sessions made before it existed;
see ``authenticate`` for why the log-in check then still runs once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from netlearn import generations

logger = logging.getLogger(__name__)

# The dotted path logins record in the session (settings.AUTHENTICATION_BACKENDS lists it).
CACHED_BACKEND = "accounts.backends.CachedModelBackend"

# Bump when what is pickled changes shape (the user model's fields), so no process unpickles
# an instance written by a differently-shaped model.
KEY_VERSION = 1
GENERATION_SECONDS = 24 * 3600  # a generation outlives the users stored under it


def keys_for(user_id: object) -> list[str]:
    """What ``lookup`` reads for ``user_id``, for reading it earlier (accounts/prefetch.py)."""
    return [generation_key(user_id), user_key(user_id), *generations.riders(user_id)]


def user_key(user_id: object) -> str:
    return f"accounts:user:v{KEY_VERSION}:{user_id}"


def generation_key(user_id: object) -> str:
    return f"accounts:user:gen:{user_id}"


def cache_seconds() -> int:
    return int(getattr(settings, "USER_CACHE_SECONDS", 0))


class CachedModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        """``ModelBackend``'s check, final when given a username and password: refused
        credentials raise ``PermissionDenied`` (``authenticate()`` then stops and reports the
        failure, which django-axes counts, as when every backend returns None), so the
        ``ModelBackend`` listed after this one for old sessions does not hash the password a
        second time."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if user is None and username is not None and password is not None:
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        seconds = cache_seconds()
        if seconds <= 0:
            return super().get_user(user_id)
        generation, user = lookup(user_id)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None and generation is not None:
            keep(user_id, generation, user, seconds)
        return user


def lookup(user_id: object) -> tuple[str | None, object | None]:
    """The user's current generation and the user stored under it (None: not stored, or stored
    under an older generation); (None, None) when the cache fails."""
    keys = keys_for(user_id)  # with the content generation...: one round trip for all
    gen_key, key, *riders = keys
    try:
        # read with the session when a cookie named this user (accounts/prefetch.py)
        found = generations.read_along(*keys)
        if found is None:
            found = cache.get_many(keys)
            generations.remember(riders, found)
        generation = generations.current(gen_key, found, timeout=GENERATION_SECONDS)
    except Exception:  # noqa: BLE001 - any cache failure: read the database
        logger.warning("user cache unavailable", exc_info=True)
        return None, None
    if generation is None:
        return None, None
    stored = found.get(key)
    user = None
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == generation:
        candidate = stored[1]
        if isinstance(candidate, get_user_model()) and candidate.pk == user_id:
            user = candidate
    return str(generation), user


def keep(user_id: object, generation: str, user, seconds: int) -> None:
    try:
        cache.set(user_key(user_id), (generation, user), timeout=seconds)
    except Exception:  # noqa: BLE001 - any cache failure: the next request reads the database
        logger.warning("user cache unavailable", exc_info=True)


def forget_user(user_id: object) -> None:
    """Stop serving a user's cached row: replace their generation now and, inside a
    transaction, again once it commits."""
    if cache_seconds() > 0 and user_id is not None:
        generations.replace(generation_key(user_id), timeout=GENERATION_SECONDS)


def _user_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    user_model = get_user_model()
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="user-cache-save")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid="user-cache-delete")
