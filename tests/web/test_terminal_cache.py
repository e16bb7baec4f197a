"""The learner's terminal row kept in the cache and read with the user (lessons/terminalcache.py):
a command that changes nothing reads no workspace from the database, and a copy that is stale,
for another exercise or missing never changes what a command sees.

Against Redis on 127.0.0.1:6379 with the user cache on (test_user_cache.redis_cache), as in
production: the row rides along with the user only when the user comes from the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from test_user_cache import command_url, logged_in

from lessons import services, terminalcache
from lessons.models import Workspace

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_cache")]

IP_ADDR = {"host": "A", "line": "ip addr"}


def post(browser, item, data=IP_ADDR):
    response = browser.post(command_url(item), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def slot_of(item) -> terminalcache.Slot:
    return terminalcache.Slot(item.course.slug, item.slug)


def test_a_command_that_changes_nothing_reads_no_workspace(
    learner, terminal, django_assert_num_queries
):
    browser = logged_in(learner)
    post(browser, terminal)  # creates the workspace (the locked path), keeps the row
    with django_assert_num_queries(1):  # the append alone
        assert "192.165.1.10" in post(browser, terminal)


def test_a_row_changed_behind_the_copy_is_read_again_and_kept(
    learner, terminal, django_assert_num_queries
):
    browser = logged_in(learner)
    post(browser, terminal)
    # Another path writes the terminal without refreshing the copy (here: no slot at all).
    add = "ip addr add 10.9.9.9/24 dev eth0"
    services.run_command(learner=learner, exercise=terminal.exercise, host="A", line=add)
    assert "10.9.9.9/24" in post(browser, terminal)  # not the copy's network
    with django_assert_num_queries(1):  # the row read then is kept
        assert "10.9.9.9/24" in post(browser, terminal)


def test_a_reset_drops_the_copy(learner, terminal):
    browser = logged_in(learner)
    post(browser, terminal, {"host": "A", "line": "ip addr add 10.9.9.9/24 dev eth0"})
    post(browser, terminal)
    browser.post(command_url(terminal).replace("command/", "reset/"), HTTP_HX_REQUEST="true")
    assert cache.get(slot_of(terminal).key(learner.pk)) is None
    assert "10.9.9.9" not in post(browser, terminal)


def test_a_copy_for_another_exercise_is_not_used(learner, terminal):
    browser = logged_in(learner)
    post(browser, terminal)
    key = slot_of(terminal).key(learner.pk)
    values, version = cache.get(key)
    forged = {**values, "exercise_id": terminal.exercise.pk + 1000}
    forged["state"] = {**values["state"], "network": {"hosts": {}}}  # would fail every command
    cache.set(key, (forged, version))
    assert "192.165.1.10" in post(browser, terminal)
    assert Workspace.objects.get(learner=learner).log[-1]["command"] == "ip addr"


def test_without_the_user_cache_nothing_is_kept(learner, terminal, settings):
    settings.USER_CACHE_SECONDS = 0  # the user from the database: nothing rides along
    browser = logged_in(learner)
    for _ in range(2):
        post(browser, terminal)
    assert cache.get(slot_of(terminal).key(learner.pk)) is None
