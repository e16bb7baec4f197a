""" "Check my work": one result per goal, hints one at a time, completion, progress in place."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lessons.models import Attempt, Progress
from lessons.services.grading import attempt_grade
from lessons.services.terminal import run_command

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
FIX = "ip route add 192.165.2.0/24 via 192.165.1.1"


def urls(item) -> dict[str, str]:
    args = [item.course.slug, item.slug]
    return {
        "page": reverse("lesson", args=args),
        "check": reverse("lesson_check", args=args),
        "hint": reverse("lesson_hint", args=args),
        "reset": reverse("lesson_reset", args=args),
    }


def results(html: str) -> list[str]:
    block = html.split('aria-label="Check results"')[1].split("</ul>")[0]
    return [
        re.sub(r"\s+", " ", li).strip() for li in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
    ]


def test_a_failed_check_lists_each_goal_with_its_reason(learner_client, terminal):
    response = learner_client.post(urls(terminal)["check"], **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="check-results"')
    [item] = results(html)
    assert item.startswith("Failed: A can reach 192.165.2.10 — ")
    assert "A has no route to 192.165.2." in item
    assert 'id="course-progress" class="course-progress" hx-swap-oob="true"' in html
    assert "Show a hint" in html


def test_hints_open_one_at_a_time_after_a_failed_check(learner_client, terminal):
    assert "Show a hint" not in learner_client.get(urls(terminal)["page"]).content.decode()
    learner_client.post(urls(terminal)["check"], **HX)
    html = learner_client.post(urls(terminal)["hint"], **HX).content.decode()
    assert "Which host does not know the way" in html and "Use ip route add on A." not in html
    assert "Show another hint" in html
    html = learner_client.post(urls(terminal)["hint"], **HX).content.decode()
    assert "Use ip route add on A." in html and "Show another hint" not in html
    response = learner_client.post(urls(terminal)["hint"])  # without JavaScript
    assert response.status_code == 302 and response["Location"].endswith("#hints")


def test_passing_completes_the_lesson_links_the_next_and_moves_the_progress_bar(
    learner_client, learner, terminal
):
    run_command(learner=learner, exercise=terminal.exercise, host="A", line=FIX)
    html = learner_client.post(urls(terminal)["check"], **HX).content.decode()
    [item] = results(html)
    assert item.startswith("Passed: A can reach 192.165.2.10")
    assert "Lesson complete." in html
    next_url = reverse("lesson", args=[terminal.course.slug, "routing-table"])
    assert f'href="{next_url}">Next lesson: A routing table by hand</a>' in html
    assert 'aria-valuenow="25"' in html
    assert Progress.objects.get(learner=learner, lesson=terminal).status == "completed"


def test_without_javascript_checking_redirects_to_the_results(learner_client, terminal):
    response = learner_client.post(urls(terminal)["check"])
    assert response.status_code == 302 and response["Location"].endswith("#check-results")
    html = learner_client.get(response["Location"]).content.decode()
    assert results(html)[0].startswith("Failed: ")


def test_check_and_hint_are_post_only(learner_client, terminal):
    assert learner_client.get(urls(terminal)["check"]).status_code == 405
    assert learner_client.get(urls(terminal)["hint"]).status_code == 405


def test_a_learner_sees_only_their_own_results(client, learner, other_learner, terminal):
    run_command(learner=other_learner, exercise=terminal.exercise, host="A", line=FIX)
    attempt_grade(learner=other_learner, exercise=terminal.exercise)
    client.force_login(learner)
    html = client.get(urls(terminal)["page"]).content.decode()
    assert 'aria-label="Check results"' not in html
    assert "Lesson complete." not in html


def test_reset_asks_first_then_starts_over(learner_client, learner, terminal):
    run_command(learner=learner, exercise=terminal.exercise, host="A", line=FIX)
    attempt_grade(learner=learner, exercise=terminal.exercise)
    confirm = learner_client.get(urls(terminal)["reset"])
    assert confirm.status_code == 200 and b"Reset exercise" in confirm.content
    response = learner_client.post(urls(terminal)["reset"])
    assert response.status_code == 302
    html = learner_client.get(urls(terminal)["page"]).content.decode()
    assert f'data-command="{FIX}"' not in html
    assert Attempt.objects.filter(learner=learner).count() == 1  # attempts are kept
    response = learner_client.post(urls(terminal)["reset"], **HX)
    assert response["HX-Redirect"] == urls(terminal)["page"]
