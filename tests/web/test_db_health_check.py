"""The PostgreSQL health check (netlearn/db/postgresql/base.py): a connection in steady use is
not checked before every request, one that sat idle is, and so is one whose request failed.

Django runs ``close_if_unusable_or_obsolete`` as each request starts and ends (the test client
switches that off), so ``serve`` does the same around a query, and ``is_usable`` is counted.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from netlearn.db.postgresql import base

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as a request outside a test


@pytest.fixture
def connection():
    return connections["default"]  # the wrapper itself: monkeypatch restores its attributes


@pytest.fixture
def checks(connection, monkeypatch, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend's health check (DATABASE_URL=postgres://...)")
    settings.DB_HEALTH_CHECK_GRACE = 1
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)
    monkeypatch.setattr(connection, "used_at", float("-inf"))
    monkeypatch.setattr(connection, "health_check_done", False)  # as after an earlier request
    made = []

    def is_usable() -> bool:
        made.append(True)
        return True

    monkeypatch.setattr(connection, "is_usable", is_usable)
    return made


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: now[0])
    return now


def serve(*, fail: bool = False) -> None:
    """One request as Django frames it: the connection checked at the start and the end."""
    connection = connections["default"]
    connection.close_if_unusable_or_obsolete()
    get_user_model().objects.count()
    if fail:
        connection.errors_occurred = True  # what a database error during the request sets
    connection.close_if_unusable_or_obsolete()


def test_a_connection_idle_for_longer_than_the_grace_is_checked(checks, clock):
    serve()
    assert len(checks) == 1  # nothing known about this connection yet
    clock[0] += 1.5
    serve()
    assert len(checks) == 2


def test_a_connection_in_steady_use_is_not_checked_again(checks, clock):
    serve()
    for _ in range(5):
        clock[0] += 0.5  # each request within a second of the one before
        serve()
    assert len(checks) == 1


def test_after_a_failed_request_the_connection_is_checked_at_once(checks, clock):
    serve()
    clock[0] += 0.1
    serve(fail=True)
    assert len(checks) == 2  # as the failed request ended, not after the grace


def test_a_connection_that_fails_its_check_is_replaced(checks, clock, connection, monkeypatch):
    serve()
    monkeypatch.setattr(connection, "is_usable", lambda: False)  # the server went away
    serve(fail=True)
    assert connection.connection is None  # closed: the next request connects afresh
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(True) or True)
    serve()
    assert connection.connection is not None


def test_a_request_that_did_not_use_the_database_is_no_evidence(checks, clock, connection):
    serve()
    clock[0] += 0.9
    connection.close_if_unusable_or_obsolete()  # a request without a query (a cached page)
    connection.close_if_unusable_or_obsolete()
    clock[0] += 0.9  # 1.8 s since the connection last answered
    serve()
    assert len(checks) == 2


def test_grace_zero_checks_before_every_request(checks, clock, settings):
    settings.DB_HEALTH_CHECK_GRACE = 0
    for _ in range(3):
        serve()
    assert len(checks) == 3
