"""The lesson page: sanitised Markdown beside the exercise, restored workspace, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from learner_data import add_lessons, lesson

from lessons.models import Lesson
from lessons.services.grading import attempt_grade
from lessons.services.terminal import run_command

pytestmark = pytest.mark.django_db


def url(course, slug: str) -> str:
    return reverse("lesson", args=[course.slug, slug])


def test_anonymous_visitors_are_sent_to_log_in(client, course):
    response = client.get(url(course, "routing-between-networks"))
    assert response.status_code == 302


def test_it_renders_the_lesson_text_sanitised(learner_client, course):
    item = lesson(course, "routing-between-networks")
    Lesson.objects.filter(pk=item.pk).update(
        body="Hi <script>alert(1)</script> **bold** <a href='javascript:x()'>x</a>"
    )
    html = learner_client.get(url(course, item.slug)).content.decode()
    assert "<strong>bold</strong>" in html
    assert "alert(1)" not in html and "javascript:" not in html


def test_a_terminal_exercise_has_a_tab_per_host_a_command_box_and_a_log(learner_client, course):
    html = learner_client.get(url(course, "routing-between-networks")).content.decode()
    assert 'role="tablist"' in html
    for host in ("A", "C", "R"):
        assert f'data-host="{host}"' in html
    assert '<label for="command-line" class="visually-hidden">Command</label>' in html
    assert 'role="log" aria-label="Terminal output" aria-live="polite"' in html
    assert "root@A:~#" in html
    assert "Check my work" in html and "Reset exercise" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="topology"' in html


def test_the_host_tab_can_be_chosen_without_javascript(learner_client, course):
    html = learner_client.get(url(course, "routing-between-networks") + "?host=R").content.decode()
    assert 'name="host" value="R"' in html
    assert "root@R:~#" in html
    html = learner_client.get(
        url(course, "routing-between-networks") + "?host=nope"
    ).content.decode()
    assert 'name="host" value="A"' in html


def test_coming_back_restores_the_terminal_and_the_diagram(learner_client, learner, course):
    item = lesson(course, "routing-between-networks")
    run_command(
        learner=learner, exercise=item.exercise, host="A", line="ip addr add 10.9.9.9/24 dev eth0"
    )
    html = learner_client.get(url(course, item.slug)).content.decode()
    assert 'data-command="ip addr add 10.9.9.9/24 dev eth0"' in html
    assert "10.9.9.9/24" in html.split('class="diagram-frame"')[1]


def test_a_learner_never_sees_another_learners_terminal(learner_client, other_learner, course):
    item = lesson(course, "routing-between-networks")
    run_command(
        learner=other_learner,
        exercise=item.exercise,
        host="A",
        line="ip addr add 10.7.7.7/24 dev eth0",
    )
    html = learner_client.get(url(course, item.slug)).content.decode()
    assert "10.7.7.7" not in html


def test_unpublished_and_unknown_lessons_are_not_found(learner_client, course):
    Lesson.objects.filter(course=course, slug="routing-quiz").update(published=False)
    assert learner_client.get(url(course, "routing-quiz")).status_code == 404
    assert learner_client.get(url(course, "nope")).status_code == 404


def test_form_and_quiz_lessons_render_their_forms(learner_client, course):
    routes = learner_client.get(url(course, "routing-table")).content.decode()
    assert ">Destination<" in routes.replace("\n", "") or "Destination" in routes
    assert "Add route" in routes
    dns = learner_client.get(url(course, "dns-records")).content.decode()
    assert "Add record" in dns and 'name="records-0-ttl"' in dns
    quiz = learner_client.get(url(course, "routing-quiz")).content.decode()
    assert 'type="radio"' in quiz and "<legend" in quiz


def test_the_lesson_page_runs_a_fixed_number_of_queries(
    learner_client, learner, course, django_assert_max_num_queries
):
    item = lesson(course, "routing-between-networks")
    run_command(learner=learner, exercise=item.exercise, host="A", line="ip a")
    # session, user, lesson with its course and exercise, the course's lessons, progress,
    # workspace (with its version's number), its terminal's commands, latest attempt, instructor?
    with django_assert_max_num_queries(9):
        learner_client.get(url(course, item.slug))
    add_lessons(course, 6)
    for _ in range(5):
        run_command(learner=learner, exercise=item.exercise, host="A", line="ip r")
        attempt_grade(learner=learner, exercise=item.exercise)
    for other in course.lessons.all()[4:]:
        attempt_grade(learner=learner, exercise=other.exercise)
    with django_assert_max_num_queries(9):
        response = learner_client.get(url(course, item.slug))
    assert response.status_code == 200


def test_a_lesson_without_an_exercise_is_just_its_text(learner_client, course):
    from lessons.lessonfile import LessonFile
    from lessons.services.content import import_lesson

    import_lesson(course=course, parsed=LessonFile(title="Reading", slug="reading", body="Hi"))
    response = learner_client.get(url(course, "reading"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>Hi</p>" in html and "Check my work" not in html
    check = reverse("lesson_check", args=[course.slug, "reading"])
    assert learner_client.post(check).status_code == 404


@pytest.mark.parametrize(
    ("markdown", "expected", "absent"),
    [
        ("# Title", "<h2>Title</h2>", "<h1>"),
        ("[x](javascript:alert(1))", "<a rel=", "javascript:"),
        ("<img src=x onerror=alert(1)>", "", "onerror"),
        ("<script>alert(1)</script>", "", "<script"),
        ("[ok](https://example.com)", 'href="https://example.com"', "target="),
        ("```\nip a\n```", "<pre><code>ip a", ""),
        ("| a |\n|---|\n| 1 |", "<td>1</td>", ""),
    ],
)
def test_lesson_markdown_is_sanitised(markdown, expected, absent):
    from lessons.markdown import render_markdown

    html = str(render_markdown(markdown))
    assert expected in html
    if absent:
        assert absent not in html


def test_an_edited_lesson_shows_its_new_text(learner_client, course):
    # Saved as the editor and loadlessons save it: the rendered text is kept in a {% cache %}
    # fragment keyed by the text, so the new text is a new key.
    item = lesson(course, "routing-between-networks")
    item.body = "The first **version**."
    item.save()
    assert "<strong>version</strong>" in learner_client.get(url(course, item.slug)).content.decode()
    item.body = "A second *take*."
    item.save()
    html = learner_client.get(url(course, item.slug)).content.decode()
    assert "<em>take</em>" in html and "first" not in html
