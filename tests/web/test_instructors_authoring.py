"""Authoring in the browser: courses, the lesson editor (preview, validate, save, drafts),
reorder, archive, versions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from exercise_specs import make_course, make_lesson, spec

from instructors.models import LessonDraft
from instructors.selectors import validation_report, yaml_line
from lessons import lessonfile, services
from lessons.models import Attempt, Lesson, Progress, ProgressStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instructor_edits_new_courses")]

NEW = reverse("instructors:lesson_create")


def _yaml(data: dict) -> str:
    return lessonfile.dump_yaml(data)


def _post(client, course, *, exercise: str, published: bool, title="Routing", body="Hi", **extra):
    data = {"title": title, "course": course.pk, "body": body, "exercise": exercise, **extra}
    if published:
        data["published"] = "on"
    return client.post(extra.pop("url", NEW), data)


def test_instructor_sees_author_and_gradebook_links(instructor_client):
    html = instructor_client.get(reverse("home")).content.decode()
    assert ">Author</a>" in html and ">Gradebook</a>" in html


def test_learner_sees_no_instructor_links(learner_client):
    html = learner_client.get(reverse("home")).content.decode()
    assert ">Author</a>" not in html and ">Gradebook</a>" not in html


def test_learner_gets_403_and_anonymous_goes_to_login(learner_client, client):
    url = reverse("instructors:dashboard")
    assert learner_client.get(url).status_code == 403
    learner_client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_creates_and_edits_a_course(instructor_client):
    response = instructor_client.post(
        reverse("instructors:course_create"),
        {"title": "Kubernetes networking", "description": "Pods", "published": "on"},
    )
    assert response.status_code == 302
    from lessons.models import Course

    course = Course.objects.get(slug="kubernetes-networking")
    response = instructor_client.post(
        reverse("instructors:course_edit", args=[course.pk]),
        {"title": "K8s networking", "slug": course.slug, "order": 3},
    )
    course.refresh_from_db()
    assert response.status_code == 302
    assert (course.title, course.order, course.published) == ("K8s networking", 3, False)


def test_editor_has_the_accessible_names(instructor_client):
    make_course()
    html = instructor_client.get(NEW).content.decode()
    for label in ("Title", "Content", "Exercise", "Course", "Published"):
        assert f">{label}</label>" in html
    for button in ("Preview", "Validate", "Save"):
        assert f">{button}</button>" in html
    assert "js/authoring.js" in html and "<script>" not in html


def test_preview_renders_sanitised_markdown(instructor_client):
    url = reverse("instructors:lesson_preview")
    response = instructor_client.post(
        url, {"body": "# Hello\n\n<script>alert(1)</script>**bold**"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<h2>Hello</h2>" in html and "<strong>bold</strong>" in html
    assert "<script>alert" not in html


def test_preview_works_without_javascript(instructor_client):
    course = make_course()
    response = _post(
        instructor_client, course, exercise="", published=False, action="preview", body="*soon*"
    )
    assert response.status_code == 200 and "<em>soon</em>" in response.content.decode()
    assert not Lesson.objects.exists()


def test_validate_shows_each_goal_for_start_and_solution(instructor_client):
    response = instructor_client.post(
        reverse("instructors:lesson_validate"), {"exercise": _yaml(spec("terminal"))}
    )
    html = response.content.decode()
    assert "Valid:" in html
    assert "Fails:" in html and "Passes:" in html  # the start fails, the solution passes


def test_validate_points_at_the_line_of_a_wrong_solution(instructor_client):
    bad = spec("terminal")
    bad["solution"]["commands"]["C"] = ["ip addr show"]
    text = _yaml(bad)
    report = validation_report(exercise_yaml=text)
    assert not report.valid
    problem = report.problems[0]
    assert problem.path == "exercise.goals[0]"
    assert (
        text.splitlines()[problem.line - 1].startswith("goals:")
        or "check" in (text.splitlines()[problem.line - 1])
    )
    html = instructor_client.post(
        reverse("instructors:lesson_validate"), {"exercise": text}
    ).content.decode()
    assert f"Line {problem.line}" in html and "does not pass" in html


def test_yaml_line_finds_nested_fields_and_dotted_keys():
    text = (
        "kind: dns\nscenario:\n  hosts:\n    R:\n      interfaces:\n        eth1:\n"
        "          address: 10.0.0.300/24\nsolution:\n  records:\n    example.com:\n"
        "    - www 300 IN A 1.2.3.4\n"
    )
    assert yaml_line(text, "exercise.scenario.hosts.R.interfaces.eth1.address") == 7
    assert yaml_line(text, "exercise.solution.records.example.com[0]") == 11
    assert yaml_line(text, "exercise.nothing") == 1


def test_validate_reports_a_yaml_syntax_error_with_its_line():
    report = validation_report(exercise_yaml="kind: terminal\nprompt: [unclosed\n")
    assert not report.valid and report.problems[0].line is not None


def test_it_saves_and_publishes_a_valid_lesson(instructor_client):
    course = make_course()
    response = _post(instructor_client, course, exercise=_yaml(spec("terminal")), published=True)
    lesson = Lesson.objects.get(course=course, slug="routing")
    assert response.status_code == 302
    assert lesson.published and lesson.exercise.version == 1 and lesson.body == "Hi\n"


def test_an_invalid_exercise_cannot_be_published(instructor_client):
    course = make_course()
    bad = spec("terminal")
    del bad["solution"]
    response = _post(instructor_client, course, exercise=_yaml(bad), published=True)
    assert response.status_code == 200
    assert "cannot be published" in response.content.decode()
    assert not Lesson.objects.exists()


def test_an_invalid_exercise_is_kept_as_a_draft(instructor, instructor_client):
    course = make_course()
    text = "kind: terminal\nprompt: [broken\n"
    response = _post(instructor_client, course, exercise=text, published=False)
    lesson = Lesson.objects.get(slug="routing")
    assert response.status_code == 302 and not lesson.published
    draft = LessonDraft.objects.get(author=instructor, lesson=lesson)
    assert draft.exercise_yaml == text
    # Opening the lesson again shows the draft's exercise text, not an empty box.
    html = instructor_client.get(reverse("instructors:lesson_edit", args=[lesson.pk])).content
    assert b"[broken" in html and b"Restored your unsaved draft" in html


def test_autosave_keeps_a_new_lesson_as_a_draft(instructor, instructor_client):
    course = make_course()
    url = reverse("instructors:lesson_autosave")
    data = {"title": "Half", "course": course.pk, "body": "so far", "exercise": "kind: "}
    response = instructor_client.post(url, data, HTTP_HX_REQUEST="true")
    draft = LessonDraft.objects.get(author=instructor)
    assert response.status_code == 200 and f'value="{draft.pk}"' in response.content.decode()
    instructor_client.post(url, {**data, "draft": draft.pk, "body": "more"})
    draft.refresh_from_db()
    assert LessonDraft.objects.count() == 1 and draft.body == "more"
    html = instructor_client.get(f"{NEW}?draft={draft.pk}").content.decode()
    assert "so far" not in html and "more" in html
    # Saving the lesson discards the draft.
    _post(instructor_client, course, exercise="", published=False, title="Half", draft=draft.pk)
    assert not LessonDraft.objects.exists()


def test_drafts_are_private_to_their_author(instructor, instructor_client, django_user_model):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user("otto")
    other.groups.add(Group.objects.get(name="instructors"))
    draft = LessonDraft.objects.create(author=other, title="Secret", body="mine")
    html = instructor_client.get(f"{NEW}?draft={draft.pk}").content.decode()
    assert "mine" not in html
    url = reverse("instructors:draft_discard", args=[draft.pk])
    assert instructor_client.post(url).status_code == 404


def test_editing_a_published_exercise_makes_a_new_version(instructor_client, learner):
    lesson = make_lesson("terminal", title="Routing")
    exercise = lesson.exercise
    attempt = services.attempt_grade(learner=learner, exercise=exercise)
    assert not attempt.passed
    Progress.objects.filter(learner=learner).update(status=ProgressStatus.COMPLETED)
    changed = spec("terminal")
    changed["prompt"] = "Make A reach C (again)."
    url = reverse("instructors:lesson_edit", args=[lesson.pk])
    response = _post(
        instructor_client,
        lesson.course,
        exercise=_yaml(changed),
        published=True,
        url=url,
        slug=lesson.slug,
    )
    assert response.status_code == 302
    exercise.refresh_from_db()
    attempt.refresh_from_db()
    assert exercise.version == 2 and exercise.versions.count() == 2
    assert attempt.exercise_version.version == 1
    assert Progress.objects.get(learner=learner).status == ProgressStatus.COMPLETED
    # Saving the same content again makes no version.
    _post(
        instructor_client,
        lesson.course,
        exercise=_yaml(changed),
        published=True,
        url=url,
        slug=lesson.slug,
    )
    exercise.refresh_from_db()
    assert exercise.version == 2


def test_reorder_moves_a_lesson_up_and_down(instructor_client):
    course = make_course()
    first = make_lesson("terminal", slug="one", course=course)
    second = make_lesson("quiz", slug="two", course=course)
    url = reverse("instructors:lesson_move", args=[second.pk])
    assert instructor_client.get(url).status_code == 405
    response = instructor_client.post(url, {"direction": "up"})
    assert response.status_code == 302
    order = list(
        Lesson.objects.filter(course=course).order_by("order").values_list("slug", flat=True)
    )
    assert order == ["two", "one"]
    response = instructor_client.post(url, {"direction": "down"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="lesson-list"' in response.content.decode()
    first.refresh_from_db()
    assert first.order == 1


def test_delete_archives_and_keeps_attempts(instructor_client, learner):
    lesson = make_lesson("terminal")
    services.attempt_grade(learner=learner, exercise=lesson.exercise)
    url = reverse("instructors:lesson_archive", args=[lesson.pk])
    assert instructor_client.post(url).status_code == 302
    lesson.refresh_from_db()
    assert lesson.archived_at is not None and Attempt.objects.filter(learner=learner).count() == 1
    assert lesson not in Lesson.objects.visible()
    instructor_client.post(url, {"restore": "1"})
    lesson.refresh_from_db()
    assert lesson.archived_at is None


def test_course_page_lists_lessons_with_move_buttons(instructor_client):
    lesson = make_lesson("terminal")
    html = instructor_client.get(reverse("instructors:course", args=[lesson.course_id])).content
    assert b"Move up" in html and b"Move down" in html and lesson.title.encode() in html


def test_a_learner_mid_exercise_is_told_it_changed(instructor_client, learner_client, learner):
    lesson = make_lesson("terminal", title="Routing")
    services.run_command(learner=learner, exercise=lesson.exercise, host="A", line="ip route")
    changed = spec("terminal")
    changed["prompt"] = "Now with a new prompt."
    url = reverse("instructors:lesson_edit", args=[lesson.pk])
    _post(
        instructor_client,
        lesson.course,
        exercise=_yaml(changed),
        published=True,
        url=url,
        slug=lesson.slug,
    )
    page = learner_client.get(reverse("lesson", args=[lesson.course.slug, lesson.slug]))
    assert "This exercise was updated" in page.content.decode()


def test_validate_points_at_the_line_of_a_scenario_error():
    text = _yaml(spec("terminal")).replace("192.165.2.1/24", "192.165.2.300/24")
    report = validation_report(exercise_yaml=text)
    [problem] = report.problems
    assert problem.path == "exercise.scenario.hosts.R.interfaces.eth1.address"
    assert "192.165.2.300/24" in text.splitlines()[problem.line - 1]
    assert "not an IPv4 interface" in problem.message


def test_superusers_count_as_instructors(admin_client):
    assert admin_client.get(reverse("instructors:dashboard")).status_code == 200
    assert admin_client.get(reverse("instructors:gradebook")).status_code == 200


def test_the_editor_asks_for_a_course_first(instructor_client):
    html = instructor_client.get(NEW).content.decode()
    assert "There is no course yet" in html
