"""Authentication is Django's ``ModelBackend``: one query for the user on each request.

Until the request path was simplified, NetLearn kept the logged-in user in the cache through a
backend of its own, and the sessions logged in then record its dotted path. Django honours a
session only while the backend it names is listed in ``AUTHENTICATION_BACKENDS``, so the name
stays listed (after ``ModelBackend``), as plain ``ModelBackend`` that logs nobody in: those
learners stay logged in, and a wrong password is still checked once.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class CachedModelBackend(ModelBackend):
    """Reads the user of the sessions that name it, as ``ModelBackend`` does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None  # log-ins are ModelBackend's (listed before this one)
