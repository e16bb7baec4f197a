"""The rendered lesson page cache (lessons/pagecache.py): a page served from it is never stale
and never another learner's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from learner_data import TERMINAL, lesson

from lessons import pagecache, services
from lessons.models import Lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instructor_edits_new_courses")]

HX = {"HTTP_HX_REQUEST": "true"}
FIX = "ip route add 192.165.2.0/24 via 192.165.1.1"


def page(item, **query) -> str:
    url = reverse("lesson", args=[item.course.slug, item.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def action(item, name: str) -> str:
    return reverse(f"lesson_{name}", args=[item.course.slug, item.slug])


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def ran(line: str) -> str:
    return f'data-command="{line}"'


def warm(client: Client, item) -> str:
    """Two visits: the first sets the CSRF cookie, the second stores the page."""
    html_of(client, page(item))
    return html_of(client, page(item))


def test_a_repeated_visit_is_served_from_the_cache_with_fewer_queries(
    learner_client, learner, terminal, django_assert_max_num_queries, django_assert_num_queries
):
    services.run_command(learner=learner, exercise=terminal.exercise, host="A", line="ip a")
    html_of(learner_client, page(terminal))  # sets the CSRF cookie
    with django_assert_max_num_queries(8) as rendered:
        first = html_of(learner_client, page(terminal))
    # session, user: nothing of the lesson, the course, the workspace or the groups
    with django_assert_num_queries(2):
        second = html_of(learner_client, page(terminal))
    assert len(rendered.captured_queries) > 2
    # Only the masked CSRF tokens may differ, and they are for the same secret.
    assert first.count(ran("ip a")) == second.count(ran("ip a")) == 1
    assert len(first) == len(second)
    assert learner_client.cookies["csrftoken"].value


def test_the_page_shows_a_command_typed_after_it_was_cached(learner_client, terminal):
    assert ran("ip neigh") not in warm(learner_client, terminal)
    learner_client.post(action(terminal, "command"), {"host": "A", "line": "ip neigh"}, **HX)
    assert ran("ip neigh") in html_of(learner_client, page(terminal))
    learner_client.post(action(terminal, "command"), {"host": "A", "line": "clear"}, **HX)
    assert ran("ip neigh") not in html_of(learner_client, page(terminal))


def test_the_page_shows_a_check_a_hint_and_a_reset(learner_client, learner, terminal):
    services.run_command(learner=learner, exercise=terminal.exercise, host="A", line="ip n")
    assert 'aria-label="Check results"' not in warm(learner_client, terminal)
    learner_client.post(action(terminal, "check"), **HX)
    html = html_of(learner_client, page(terminal))
    assert 'aria-label="Check results"' in html and "Which host does not know" not in html
    learner_client.post(action(terminal, "hint"), **HX)
    assert "Which host does not know" in html_of(learner_client, page(terminal))
    learner_client.post(action(terminal, "reset"), **HX)
    html = html_of(learner_client, page(terminal))
    assert ran("ip n") not in html and "Which host does not know" not in html


def test_the_page_shows_a_path_a_pass_and_the_progress_bar(learner_client, learner, terminal):
    warm(learner_client, terminal)
    services.run_command(learner=learner, exercise=terminal.exercise, host="A", line=FIX)
    learner_client.post(
        action(terminal, "command"), {"host": "A", "line": "ping -c 1 192.165.2.10"}
    )
    assert ran("ping -c 1 192.165.2.10") in html_of(learner_client, page(terminal))
    learner_client.post(action(terminal, "check"))
    assert "Lesson complete." in html_of(learner_client, page(terminal))
    # the progress bar of another lesson of the course moved too
    assert 'value="25"' in html_of(learner_client, page(lesson(terminal.course, "routing-quiz")))


def test_an_instructor_reset_reaches_the_learners_page(
    learner_client, learner, instructor_client, terminal
):
    services.run_command(learner=learner, exercise=terminal.exercise, host="A", line="ip neigh")
    assert ran("ip neigh") in warm(learner_client, terminal)
    url = reverse("instructors:learner_reset", args=[learner.pk, terminal.pk])
    assert instructor_client.post(url).status_code == 302
    assert ran("ip neigh") not in html_of(learner_client, page(terminal))


def test_edited_lessons_and_exercises_reach_every_page(
    learner_client, learner, terminal, django_capture_on_commit_callbacks
):
    def committed():  # writes made here, outside a request, committed as in production
        return django_capture_on_commit_callbacks(execute=True)

    warm(learner_client, terminal)
    item = Lesson.objects.get(pk=terminal.pk)
    with committed():
        item.body = "A brand new explanation."
        item.save()
    assert "A brand new explanation." in html_of(learner_client, page(terminal))
    with committed():
        services.save_exercise(lesson=item, spec={**TERMINAL, "prompt": "Reach **C** now."})
    assert "<strong>C</strong> now." in html_of(learner_client, page(terminal))
    course = item.course
    with committed():
        course.title = "Renamed course"
        course.save()
    assert "Renamed course" in html_of(learner_client, page(terminal))
    with committed():
        services.run_command(learner=learner, exercise=item.exercise, host="A", line=FIX)
    learner_client.post(action(terminal, "check"))
    assert "Next lesson: A routing table by hand" in html_of(learner_client, page(terminal))
    with committed():
        services.reorder_lessons(course=course, lessons=[item, lesson(course, "routing-quiz")])
    assert "Next lesson: Routing quiz" in html_of(learner_client, page(terminal))
    with committed():
        services.archive_lesson(lesson=item)
    assert learner_client.get(page(terminal)).status_code == 404


def test_learners_never_see_each_others_page(
    learner_client, learner, other_learner_client, other_learner, terminal
):
    services.run_command(learner=learner, exercise=terminal.exercise, host="A", line="ip neigh")
    assert "ada" in warm(learner_client, terminal)
    html = warm(other_learner_client, terminal)
    assert ran("ip neigh") not in html and "grace" in html and "<strong>ada</strong>" not in html
    # even with the first learner's cookies for CSRF
    other_learner_client.cookies["csrftoken"] = learner_client.cookies["csrftoken"].value
    html = html_of(other_learner_client, page(terminal))
    assert ran("ip neigh") not in html and "<strong>ada</strong>" not in html


def test_a_logged_out_visitor_never_gets_a_cached_page(learner_client, terminal):
    warm(learner_client, terminal)
    learner_client.post(reverse("logout"))
    response = learner_client.get(page(terminal))
    assert response.status_code == 302


def test_the_host_tab_and_instructor_links_are_part_of_the_key(
    learner_client, learner, terminal, django_user_model
):
    warm(learner_client, terminal)
    assert 'name="host" value="R"' not in html_of(learner_client, page(terminal))
    html = html_of(learner_client, page(terminal, host="R"))
    assert 'name="host" value="R"' in html
    assert 'name="host" value="R"' not in html_of(learner_client, page(terminal))
    assert "Gradebook" not in html
    from django.contrib.auth.models import Group

    learner.groups.add(Group.objects.get_or_create(name="instructors")[0])
    assert "Gradebook" in html_of(learner_client, page(terminal))


def test_pending_messages_are_shown_not_cached(instructor_client, learner, terminal):
    services.start_lesson(learner=learner, lesson=terminal)  # a learner its authors can see
    warm(instructor_client, terminal)
    url = reverse("instructors:learner_reset", args=[learner.pk, terminal.pk])
    instructor_client.post(url)  # "ada's exercise ... was reset.", shown on the next page
    assert "was reset." in html_of(instructor_client, page(terminal))
    assert "was reset." not in html_of(instructor_client, page(terminal))


def test_the_cache_is_off_without_a_shared_cache(learner_client, terminal, settings):
    settings.LESSON_PAGE_CACHE = False
    warm(learner_client, terminal)
    request = learner_client.get(page(terminal)).wsgi_request
    assert pagecache.lookup(request, terminal.course.slug, terminal.slug) is None


def test_lessons_are_kept_per_process_until_the_content_changes(learner_client, terminal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post = {"host": "A", "line": "ip addr"}

    def lesson_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            learner_client.post(action(terminal, "command"), post, **HX)
        return sum('FROM "lessons_lesson"' in q["sql"] for q in queries.captured_queries)

    lesson_queries()
    assert lesson_queries() == 0  # read by the first command
    item = Lesson.objects.get(pk=terminal.pk)
    item.published = False
    item.save()
    response = learner_client.post(action(terminal, "command"), post, **HX)
    assert response.status_code == 404  # hidden at once
    item.published = True
    item.save()
    assert lesson_queries() == 1


def test_a_cache_that_fails_only_costs_the_rendering(learner_client, terminal, monkeypatch):
    """Redis down: the lesson page is still served (rendered, not kept)."""

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    learner_client.get(page(terminal))  # the CSRF cookie, as a first visit sets it
    for name in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(pagecache.cache, name, down)
    response = learner_client.get(page(terminal))
    assert response.status_code == 200
    assert "Terminal output" in response.content.decode()
