"""Cached database sessions whose cache read also brings what rides along with the session.

Django's ``cached_db`` store reads the session from the cache, then the user is read in a second
round trip (accounts/backends.py). When a signed cookie names the user (accounts/prefetch.py),
this store asks for the user's keys in the same ``get_many`` as the session, and leaves them to
``netlearn.generations.read_along`` for the rest of the request. Everything else is Django's.
"""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

from netlearn import generations


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict:
        keys = generations.session_riders()
        if not keys:
            return super().load()
        try:
            found = self._cache.get_many([self.cache_key, *keys])
        except Exception:  # noqa: BLE001 - as Django's: a failing cache reads the database
            return super().load()
        generations.remember(keys, found)
        data = found.get(self.cache_key)
        if data is None:  # not in the cache: Django's path (from the database, then cached)
            return super().load()
        return data
