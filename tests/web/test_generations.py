"""netlearn/generations.py's riding along: a generation read with the user's serves the rest of
its request only, and not after the request replaced it."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started

from netlearn import generations

KEY = "test:gen:rider"


@pytest.fixture(autouse=True)
def _in_a_request():
    generations.begin_request()
    yield
    generations.end_request()


def test_a_key_that_rode_along_is_served_from_the_read():
    generations.remember([KEY], {KEY: "token-1"})
    assert generations.read_along(KEY) == {KEY: "token-1"}


def test_a_key_missing_from_the_cache_reads_as_missing_not_as_unread():
    generations.remember([KEY], {})
    assert generations.read_along(KEY) == {}  # current() then adds a token
    assert generations.read_along("test:gen:other") is None  # never asked for: read it


def test_replacing_a_generation_drops_what_rode_along():
    generations.remember([KEY], {KEY: "token-1"})
    generations.replace(KEY)
    assert generations.read_along(KEY) is None


@pytest.mark.django_db  # the signals' other receivers close old database connections
@pytest.mark.parametrize("signal", [request_started, request_finished])
def test_a_request_boundary_forgets_what_rode_along(signal):
    generations.remember([KEY], {KEY: "token-1"})
    signal.send(sender=None)
    assert generations.read_along(KEY) is None


def test_outside_a_request_nothing_is_kept():
    """A shell or a management command has no request end to forget it: a generation it
    remembered would be served stale to every later read on that thread."""
    generations.end_request()
    generations.remember([KEY], {KEY: "token-1"})
    generations.ride_along_this_request(lambda user_id: KEY)
    assert generations.read_along(KEY) is None
    assert KEY not in generations.riders()


def test_riders_are_those_whose_condition_holds(monkeypatch):
    monkeypatch.setattr(generations, "_riders", {})
    switch = {"on": False}
    generations.ride_along(KEY, when=lambda: switch["on"])
    assert generations.riders() == []
    switch["on"] = True
    assert generations.riders() == [KEY]
