"""Authoring keeps the author's text: the exercise YAML as typed (comments, flow style, order)
survives save, reload, export and re-import; starters, copying an exercise, line-and-column
errors, the format documentation."""

from __future__ import annotations

import io
import textwrap
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from exercise_specs import make_course, make_lesson

from instructors import starters, yamltext
from instructors.selectors import validation_report
from lessons import exercises as ex
from lessons import lessonfile
from lessons.models import Exercise, Lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instructor_edits_new_courses")]

NEW = reverse("instructors:lesson_create")

# As an author types it: comments, a blank line, flow-style lines, keys in their own order.
TYPED = """\
# Teacher note: the class did routing last week; keep this one short.
kind: terminal
prompt: Make A reach C through the router R.

scenario:
  segments: [net1, net2]          # two switches
  hosts:
    A: {interfaces: {eth0: {segment: net1, address: 192.165.1.10/24}}}
    R:
      forwarding: true
      interfaces:
        eth0: {segment: net1, address: 192.165.1.1/24}
        eth1: {segment: net2, address: 192.165.2.1/24}
    C: {interfaces: {eth0: {segment: net2, address: 192.165.2.10/24}}}
goals:
  - {check: reachable, from: A, to: 192.165.2.10}   # Teacher note: the only goal
hints: ["Which host does not know the way back?"]
solution:
  commands: {A: [ip r add 192.165.2.0/24 via 192.165.1.1], C: [ip r add default via 192.165.2.1]}
"""


def _save(client, course, text: str, *, url: str = NEW, title: str = "Routing"):
    data = {"title": title, "course": course.pk, "body": "Text.", "exercise": text}
    data["published"] = "on"
    return client.post(url, data)


def _editor_text(client, lesson: Lesson) -> str:
    response = client.get(reverse("instructors:lesson_edit", args=[lesson.pk]))
    return response.context["form"]["exercise"].value()


def test_saving_keeps_comments_and_flow_style_and_reload_shows_them(instructor_client):
    course = make_course()
    assert _save(instructor_client, course, TYPED).status_code == 302
    lesson = Lesson.objects.get()
    assert _editor_text(instructor_client, lesson) == TYPED
    page = instructor_client.get(reverse("instructors:lesson_edit", args=[lesson.pk]))
    assert "# Teacher note: the class did routing" in page.content.decode()
    # ... and the structured exercise learners get is derived from that text.
    assert lesson.exercise.goals == [{"check": "reachable", "from": "A", "to": "192.165.2.10"}]


def test_a_browsers_crlf_lines_are_kept_as_typed(instructor_client):
    course = make_course()
    _save(instructor_client, course, TYPED.replace("\n", "\r\n"))
    assert _editor_text(instructor_client, Lesson.objects.get()) == TYPED


def test_a_comment_only_edit_is_kept_without_a_new_version(instructor_client):
    course = make_course()
    _save(instructor_client, course, TYPED)
    lesson = Lesson.objects.get()
    edited = TYPED.replace("keep this one short", "they found it easy")
    url = reverse("instructors:lesson_edit", args=[lesson.pk])
    _save(instructor_client, course, edited, url=url)
    assert _editor_text(instructor_client, lesson) == edited
    assert Exercise.objects.get().version == 1


def test_export_writes_the_authors_text_and_import_reads_it_back(instructor_client):
    course = make_course()
    _save(instructor_client, course, TYPED)
    lesson = Lesson.objects.get()
    exported = instructor_client.get(reverse("instructors:lesson_export", args=[lesson.pk]))
    text = exported.content.decode()
    assert "  # Teacher note: the class did routing last week" in text
    assert "    - {check: reachable, from: A, to: 192.165.2.10}   # Teacher note" in text
    assert lessonfile.parse_lesson(text).exercise == yamltext.load(TYPED)

    # Re-import into another course: the new lesson's editor shows the same text.
    other = make_course("copy")
    upload = io.BytesIO(text.encode())
    upload.name = "01-routing.md"
    response = instructor_client.post(
        reverse("instructors:import"), {"file": upload, "course": other.pk}
    )
    assert response.status_code in (200, 302)
    imported = Lesson.objects.get(course=other)
    assert _editor_text(instructor_client, imported) == TYPED


def test_course_zip_export_and_reimport_keep_the_comments(instructor_client):
    course = make_course()
    _save(instructor_client, course, TYPED)
    data = instructor_client.get(reverse("instructors:course_export", args=[course.pk])).content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".md"))
        assert "# Teacher note: the only goal" in archive.read(name).decode()
    # Change the stored text, then import the zip over the course: its text comes back.
    Exercise.objects.update(source_yaml=TYPED.replace("# Teacher note", "# gone"))
    upload = io.BytesIO(data)
    upload.name = f"{course.slug}.zip"
    instructor_client.post(reverse("instructors:import"), {"file": upload})
    instructor_client.post(reverse("instructors:import_confirm"))
    assert "# Teacher note: the only goal" in _editor_text(instructor_client, Lesson.objects.get())


def test_a_stale_text_is_never_shown_for_another_exercise(instructor_client):
    """A lesson file loaded over the exercise since: the editor shows what learners get."""
    course = make_course()
    _save(instructor_client, course, TYPED)
    Exercise.objects.update(content_hash="changed-by-loadlessons")
    lesson = Lesson.objects.get()
    text = _editor_text(instructor_client, lesson)
    assert "Teacher note" not in text and yamltext.load(text)["kind"] == "terminal"


def test_lessons_without_an_authors_text_export_as_before(instructor_client):
    lesson = make_lesson("dns")
    text = instructor_client.get(reverse("instructors:lesson_export", args=[lesson.pk])).content
    assert lessonfile.parse_lesson(text.decode()).exercise == lesson.exercise.spec()


# -- starters and copying -----------------------------------------------------------------------


def test_every_kind_has_a_commented_starter_that_validates():
    kinds = {item.kind for item in starters.starters()}
    assert kinds == {"terminal", "routes", "dns", "quiz"}
    for item in starters.starters():
        assert item.text.lstrip().startswith("#"), item.kind
        assert ex.validate_exercise(yamltext.load(item.text)) == [], item.kind


def test_the_editor_offers_starters_copies_and_the_format(instructor_client):
    lesson = make_lesson("routes", title="Static routes")
    html = instructor_client.get(NEW).content.decode()
    assert ">Starter template</label>" in html and ">Copy an existing exercise</label>" in html
    assert 'id="starter-quiz"' in html and "Static routes</option>" in html
    assert reverse("instructors:format_help", args=["lesson-files"]) in html
    help_page = instructor_client.get(reverse("instructors:format_help", args=["lesson-files"]))
    assert help_page.status_code == 200 and "<h2>Lesson files" in help_page.content.decode()
    assert lesson.pk


def test_use_template_without_javascript_fills_the_exercise_box(instructor_client):
    course = make_course()
    response = instructor_client.post(
        NEW, {"title": "Mine", "course": course.pk, "action": "starter", "starter": "dns"}
    )
    assert response.status_code == 200
    assert response.context["form"]["exercise"].value() == starters.starter("dns").text
    assert response.context["form"]["title"].value() == "Mine"  # the rest is kept
    assert not Lesson.objects.exists()


def test_copying_an_exercise_gives_its_authors_text(instructor_client):
    course = make_course()
    _save(instructor_client, course, TYPED)
    lesson = Lesson.objects.get()
    source = instructor_client.get(reverse("instructors:exercise_source", args=[lesson.pk]))
    assert source.content.decode() == TYPED
    response = instructor_client.post(
        NEW, {"title": "Copy", "course": course.pk, "action": "copy", "copy_from": lesson.pk}
    )
    assert response.context["form"]["exercise"].value() == TYPED


@pytest.fixture
def stranger(django_user_model):
    user = django_user_model.objects.create_user("stranger")
    user.groups.add(Group.objects.get_or_create(name="instructors")[0])
    return user


def test_copying_from_a_lesson_you_may_not_author_is_404(client, stranger, instructor):
    lesson = make_lesson("terminal")
    lesson.course.owner = instructor
    lesson.course.save()
    client.force_login(stranger)
    own = make_course("strangers-course")
    own.owner = stranger
    own.save()
    assert client.get(reverse("instructors:exercise_source", args=[lesson.pk])).status_code == 404
    response = client.post(
        NEW, {"title": "Mine", "course": own.pk, "action": "copy", "copy_from": lesson.pk}
    )
    assert response.status_code == 404
    html = client.get(NEW).content.decode()
    assert f'value="{lesson.pk}" data-url' not in html  # not even listed


# -- errors with their line and column ------------------------------------------------------------


def test_yaml_errors_name_their_line_and_column():
    report = validation_report(exercise_yaml="kind: terminal\nprompt: [unclosed\ngoals: []\n")
    problem = report.problems[0]
    assert problem.line is not None and problem.column is not None
    assert problem.line >= 2


def test_spec_errors_point_at_the_key_that_is_wrong(instructor_client):
    text = TYPED.replace("to: 192.165.2.10}", "to: 192.165.2.300}")
    response = instructor_client.post(reverse("instructors:lesson_validate"), {"exercise": text})
    report = validation_report(exercise_yaml=text)
    problem = next(p for p in report.problems if p.path.startswith("exercise.goals[0]"))
    line = text.splitlines()[problem.line - 1]
    assert "192.165.2.300" in line and problem.column >= 1
    html = response.content.decode()
    assert f'data-line="{problem.line}" data-column="{problem.column}"' in html
    assert f"Line {problem.line}, column {problem.column}" in html


def test_results_are_announced_to_screen_readers(instructor_client):
    make_course()
    html = instructor_client.get(NEW).content.decode()
    assert 'id="results-status"' in html and 'role="status"' in html
    response = instructor_client.post(reverse("instructors:lesson_validate"), {"exercise": TYPED})
    assert 'data-summary="Validation: the exercise is valid."' in response.content.decode()


def test_loadlessons_keeps_the_files_text_but_not_over_an_authors(instructor_client, tmp_path):
    from django.core.management import call_command

    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "course.yaml").write_text("title: Files\n")
    lesson_file = yamltext.lesson_file(
        title="Routing", slug="routing", published=True, body="Hi\n", exercise_text=TYPED
    )
    (folder / "01-routing.md").write_text(lesson_file)
    call_command("loadlessons", str(tmp_path), stdout=io.StringIO())
    lesson = Lesson.objects.get(slug="routing")
    assert _editor_text(instructor_client, lesson) == TYPED
    # An author edits a comment in the editor; loading the same files again keeps their text.
    edited = TYPED.replace("keep this one short", "edited in the browser")
    Exercise.objects.filter(lesson=lesson).update(source_yaml=edited)
    call_command("loadlessons", str(tmp_path), stdout=io.StringIO())
    assert _editor_text(instructor_client, lesson) == edited


def test_the_shipped_lessons_open_in_the_editor_as_their_files_wrote_them(instructor_client):
    from django.core.management import call_command

    call_command("loadlessons", stdout=io.StringIO())
    exercises = list(Exercise.objects.select_related("lesson"))
    assert exercises and all(exercise.has_author_text for exercise in exercises)
    for exercise in exercises:
        path = next(Path("lessons/content").glob(f"*/{exercise.lesson.source_path.split('/')[-1]}"))
        assert textwrap.indent(exercise.source_yaml, "  ") in path.read_text(), exercise.lesson.slug
        assert lessonfile.load_yaml(exercise.source_yaml) == exercise.spec()


def test_a_text_that_cannot_be_pasted_is_written_by_ruamels_round_trip():
    """A document-start line cannot sit inside the front matter as it is: the file is then
    produced by ruamel.yaml's round trip, which keeps the comments and the flow-style lines."""
    text = "--- # the quiz\n# Teacher note: easy\n" + starters.starter("quiz").text
    written = yamltext.lesson_file(
        title="Quiz", slug="quiz", published=False, body="Hi\n", exercise_text=text
    )
    assert "# Teacher note: easy" in written
    assert "choices: [An IPv4 address, An IPv6 address]" in written
    parsed = lessonfile.parse_lesson(written)
    assert parsed.exercise == yamltext.load(text) and parsed.published is False
