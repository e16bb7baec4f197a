"""Every input is bounded, and going past a bound gives a clear message where the input was typed:
a command line (1 KiB), the commands of one workspace (500), a lesson's Markdown and its
exercise YAML in the editor (128 KiB each; never a 500, never saved half, the text shown back),
YAML bombs and deep nesting, and the same limits in ``loadlessons`` and import."""

from __future__ import annotations

import html
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from exercise_specs import make_course, make_lesson, spec

from instructors.models import LessonDraft
from lessons import lessonfile
from lessons.models import Course, Lesson, Workspace
from lessons.services import terminal as terminal_service
from netlearn.sim.limits import MAX_LINE, MAX_YAML_DEPTH, MAX_YAML_NODES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instructor_edits_new_courses")]

HX = {"HTTP_HX_REQUEST": "true"}
NEW = reverse("instructors:lesson_create")
TOO_LONG_MARKDOWN = "# Long\n\n" + "All work and no play. " * (lessonfile.MAX_MARKDOWN // 20)
BOMB = "kind: terminal\n" + "\n".join(
    [f"l0: &l0 [{', '.join(['lol'] * 9)}]"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
)
DEEP = "kind: terminal\nprompt: " + "[" * 5000 + "]" * 5000 + "\n"


def _text_of(response) -> str:
    return html.unescape(response.content.decode())


# -- the terminal ------------------------------------------------------------------------------


@pytest.fixture
def terminal():
    return make_lesson("terminal", slug="routing")


def _command_url(lesson) -> str:
    return reverse("lesson_command", args=[lesson.course.slug, lesson.slug])


def test_the_limits_are_the_documented_ones():
    assert MAX_LINE == 1024
    assert terminal_service.MAX_WORKSPACE_COMMANDS == 500


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain-post"])
def test_a_command_line_over_1_kib_gets_a_clear_message_and_runs_nothing(
    learner_client, terminal, htmx
):
    line = "echo " + "x" * (MAX_LINE - 4)  # 1025 characters
    response = learner_client.post(
        _command_url(terminal), {"host": "A", "line": line}, **(HX if htmx else {})
    )
    assert response.status_code == 200
    text = _text_of(response)
    assert f"A command line can be at most {MAX_LINE} characters long." in text
    if not htmx:
        assert 'id="command-error"' in response.content.decode()
    assert all(entry["command"] != line for w in Workspace.objects.all() for entry in w.log)


def test_a_command_line_of_exactly_1_kib_runs(learner_client, learner, terminal):
    line = "echo " + "x" * (MAX_LINE - 5)
    response = learner_client.post(_command_url(terminal), {"host": "A", "line": line}, **HX)
    assert response.status_code == 200
    assert "x" * (MAX_LINE - 5) in response.content.decode()
    workspace = Workspace.objects.get(learner=learner, exercise=terminal.exercise)
    assert workspace.log[-1]["command"] == line


def test_the_command_line_input_says_its_limit(learner_client, terminal):
    page = learner_client.get(reverse("lesson", args=[terminal.course.slug, terminal.slug]))
    assert f'maxlength="{MAX_LINE}"' in page.content.decode()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain-post"])
def test_a_full_workspace_asks_for_a_reset(learner_client, learner, terminal, monkeypatch, htmx):
    monkeypatch.setattr(terminal_service, "MAX_WORKSPACE_COMMANDS", 3)
    url = _command_url(terminal)
    for _ in range(3):
        assert learner_client.post(url, {"host": "A", "line": "hostname"}, **HX).status_code == 200
    response = learner_client.post(url, {"host": "A", "line": "ip route"}, **(HX if htmx else {}))
    assert response.status_code == 200
    assert (
        "This terminal has reached its limit of 3 commands. Reset the exercise to start over."
        in _text_of(response)
    )
    workspace = Workspace.objects.get(learner=learner, exercise=terminal.exercise)
    assert [entry["command"] for entry in workspace.log] == ["hostname"] * 3
    reset = reverse("lesson_reset", args=[terminal.course.slug, terminal.slug])
    learner_client.post(reset)
    assert "reached its limit" not in _text_of(
        learner_client.post(url, {"host": "A", "line": "hostname"}, **HX)
    )


def _row_bytes(learner, lesson) -> int:
    """The workspace's state as its database row holds it (UTF-8 JSON)."""
    from django.db.models.functions import Length

    row = Workspace.objects.filter(learner=learner, exercise=lesson.exercise)
    text = Workspace._meta.get_field("state").get_prep_value(row.get().state)
    assert row.annotate(n=Length("state")).get().n == len(text)
    return len(text.encode())


def test_the_workspace_row_has_a_named_bound():
    assert terminal_service.MAX_WORKSPACE_STATE == 256 * 1024


def test_a_command_that_would_grow_the_workspace_past_its_bound_is_refused_like_a_shell(
    learner_client, learner, terminal, monkeypatch, caplog
):
    url = _command_url(terminal)
    learner_client.post(url, {"host": "A", "line": "hostname"}, **HX)
    start = _row_bytes(learner, terminal)
    monkeypatch.setattr(terminal_service, "MAX_WORKSPACE_STATE", start + 200)
    line = "echo 10.0.0.{n} a-rather-long-host-name-{n}.example.com >> /etc/hosts"
    answers = [
        learner_client.post(url, {"host": "A", "line": line.format(n=n)}, **HX) for n in range(8)
    ]
    assert all(answer.status_code == 200 for answer in answers)
    refused = [a for a in answers if "resource limit exceeded" in _text_of(a)]
    assert refused, "the hosts file grew past the bound"
    assert "bash: echo: resource limit exceeded" in _text_of(refused[0])
    assert "status-error" in refused[0].content.decode()
    assert _row_bytes(learner, terminal) <= start + 200, "nothing grew past the bound"
    log = Workspace.objects.get(learner=learner, exercise=terminal.exercise).log
    assert log[-1]["status"] == 1 and "resource limit exceeded" in log[-1]["output"]
    assert any(
        "workspace limit" in r.getMessage() and "ada" in r.getMessage() for r in caplog.records
    )
    # the terminal still works, and what shrinks the state is still taken
    hostname = learner_client.post(url, {"host": "A", "line": "hostname"}, **HX)
    assert hostname.status_code == 200 and "A\n" in _text_of(hostname)


def test_a_doubling_variable_never_grows_the_row_past_its_bound(learner_client, learner, terminal):
    url = _command_url(terminal)
    learner_client.post(url, {"host": "A", "line": "export A=" + "x" * 1000}, **HX)
    for _ in range(6):
        answer = learner_client.post(url, {"host": "A", "line": "export A=$A$A$A$A"}, **HX)
        assert answer.status_code == 200
        assert _row_bytes(learner, terminal) < terminal_service.MAX_WORKSPACE_STATE
    # the simulator's own bound on a variable refuses it first, in bash's words
    assert "bash: export: A: value too long" in _text_of(answer)


# -- the lesson editor -------------------------------------------------------------------------


def _form(course, **fields) -> dict:
    data = {
        "title": "Routing",
        "course": course.pk,
        "body": "Hi",
        "exercise": lessonfile.dump_yaml(spec("terminal")),
    }
    return {**data, **fields}


def _field_error(response, field: str) -> str:
    """The text of the error shown beside ``field`` (right after its textarea)."""
    page = response.content.decode()
    after = page.split(f'id="id_{field}"', 1)[1].split("</textarea>", 1)[1]
    assert after.lstrip().startswith('<div class="invalid-feedback'), after[:200]
    return html.unescape(after.split(">", 1)[1].split("</div>", 1)[0])


def _textarea(response, field: str) -> str:
    page = response.content.decode()
    inside = page.split(f'id="id_{field}"', 1)[1].split(">", 1)[1]
    # An HTML parser drops one newline right after <textarea> (the page writes one, so that a
    # text starting with a blank line keeps it).
    return html.unescape(inside.split("</textarea>", 1)[0]).removeprefix("\n")


def test_markdown_over_the_limit_is_refused_beside_the_field_and_shown_back(instructor_client):
    course = make_course()
    response = instructor_client.post(NEW, _form(course, body=TOO_LONG_MARKDOWN))
    assert response.status_code == 200
    message = _field_error(response, "body")
    assert message.startswith("The content is too long:")
    assert f"at most {lessonfile.MAX_MARKDOWN:,} (128 KiB) are accepted" in message
    assert _textarea(response, "body") == TOO_LONG_MARKDOWN
    assert "lol" not in _textarea(response, "exercise")  # the other field is kept too
    assert "kind: terminal" in _textarea(response, "exercise")
    assert not Lesson.objects.exists() and not LessonDraft.objects.exists()


def test_exercise_yaml_over_the_limit_is_refused_and_not_even_saved_as_a_draft(
    instructor_client,
):
    course = make_course()
    exercise = lessonfile.dump_yaml(spec("terminal")) + "# padding\n" * (
        lessonfile.MAX_EXERCISE_YAML // 10
    )
    response = instructor_client.post(NEW, _form(course, exercise=exercise, published="on"))
    assert response.status_code == 200
    assert _field_error(response, "exercise").startswith("The exercise is too long:")
    assert _textarea(response, "exercise") == exercise
    assert not Lesson.objects.exists() and not LessonDraft.objects.exists()


def test_editing_with_oversized_markdown_leaves_the_lesson_as_it_was(instructor_client):
    lesson = make_lesson("terminal", slug="routing")
    before = (lesson.title, lesson.body)
    url = reverse("instructors:lesson_edit", args=[lesson.pk])
    data = _form(lesson.course, title="Renamed", body=TOO_LONG_MARKDOWN, published="on")
    response = instructor_client.post(url, data)
    assert response.status_code == 200
    assert _field_error(response, "body").startswith("The content is too long:")
    assert _textarea(response, "body") == TOO_LONG_MARKDOWN
    lesson.refresh_from_db()
    assert (lesson.title, lesson.body) == before


@pytest.mark.parametrize(
    ("exercise", "problem"),
    [
        (BOMB, f"more than {MAX_YAML_NODES} values once its aliases are expanded"),
        (DEEP, f"nested more than {MAX_YAML_DEPTH} levels deep"),
        ("kind: &a [terminal, *a]\n", "an alias refers to the collection it is in"),
    ],
    ids=["billion-laughs", "deep-nesting", "recursive-alias"],
)
def test_yaml_bombs_get_a_message_beside_the_exercise_never_a_500(
    instructor_client, exercise, problem
):
    course = make_course()
    response = instructor_client.post(NEW, _form(course, exercise=exercise))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert problem in _field_error(response, "exercise")
    else:  # kept as an unpublished draft lesson, with the YAML error as the reason
        lesson = Lesson.objects.get()
        assert not lesson.published
    report = instructor_client.post(
        reverse("instructors:lesson_validate"), {"exercise": exercise}, **HX
    )
    assert report.status_code == 200
    assert problem in _text_of(report)
    page = instructor_client.post(NEW, _form(course, exercise=exercise, action="validate"))
    assert page.status_code == 200 and problem in _text_of(page)


def test_preview_of_oversized_markdown_says_why_instead_of_rendering(instructor_client):
    url = reverse("instructors:lesson_preview")
    response = instructor_client.post(url, {"body": TOO_LONG_MARKDOWN}, **HX)
    assert response.status_code == 200
    text = _text_of(response)
    assert "No preview: The content is too long:" in text
    assert "All work and no play" not in text
    course = make_course()
    page = instructor_client.post(NEW, _form(course, body=TOO_LONG_MARKDOWN, action="preview"))
    assert page.status_code == 200
    assert "No preview: The content is too long:" in _text_of(page)
    assert _textarea(page, "body") == TOO_LONG_MARKDOWN


def test_validate_of_oversized_exercise_says_why(instructor_client):
    exercise = "kind: terminal\n" + "# padding\n" * (lessonfile.MAX_EXERCISE_YAML // 10)
    response = instructor_client.post(
        reverse("instructors:lesson_validate"), {"exercise": exercise}, **HX
    )
    assert response.status_code == 200
    assert "The exercise is too long:" in _text_of(response)


@pytest.mark.parametrize("field", ["body", "exercise"])
def test_autosave_refuses_oversized_text_and_keeps_the_last_draft(instructor_client, field):
    course = make_course()
    url = reverse("instructors:lesson_autosave")
    first = instructor_client.post(url, {"title": "T", "course": course.pk, "body": "v1"}, **HX)
    assert first.status_code == 200
    draft = LessonDraft.objects.get()
    big = "x" * (lessonfile.MAX_MARKDOWN + 1)
    data = {"title": "T", "course": course.pk, "draft": draft.pk, "body": "v2", field: big}
    response = instructor_client.post(url, data, **HX)
    assert response.status_code == 200
    assert "Not autosaved: The " in _text_of(response) and "is too long" in _text_of(response)
    draft.refresh_from_db()
    assert draft.body == "v1" and draft.exercise_yaml == ""


def test_text_at_the_limit_is_accepted(instructor_client):
    course = make_course()
    body = "x" * lessonfile.MAX_MARKDOWN
    response = instructor_client.post(NEW, _form(course, body=body, published="on"))
    assert response.status_code == 302
    assert Lesson.objects.get().body.rstrip("\n") == body


# -- loadlessons and import --------------------------------------------------------------------


@pytest.fixture
def root(tmp_path):
    course = tmp_path / "networking"
    course.mkdir()
    (course / "course.yaml").write_text("title: Networking\n")
    return tmp_path


def _lesson_text(*, body: str = "Text.\n", exercise: dict | None = None) -> str:
    lesson = lessonfile.LessonFile(title="Routes", slug="routes", body=body, exercise=exercise)
    return lessonfile.serialise_lesson(lesson)


def _load(root) -> None:
    call_command("loadlessons", str(root), stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _lesson_text(body=TOO_LONG_MARKDOWN),
            "the lesson text (Markdown) has",
        ),
        (
            "---\ntitle: Routes\n" + "# pad\n" * (lessonfile.MAX_EXERCISE_YAML // 6) + "---\nX\n",
            "the front matter (the exercise's YAML) has",
        ),
        ("---\n" + "x" * (lessonfile.MAX_LESSON_FILE + 1), "a lesson file has at most"),
        ("---\ntitle: Routes\n" + BOMB.replace("kind: terminal\n", "") + "\n---\nX\n", "values"),
        ("---\ntitle: Routes\nslug: " + "[" * 3000 + "\n---\nX\n", "nested more than"),
    ],
    ids=["markdown", "front-matter", "whole-file", "billion-laughs", "deep-nesting"],
)
def test_loadlessons_names_the_file_and_the_limit(root, text, message):
    path = root / "networking" / "01-routes.md"
    path.write_text(text)
    with pytest.raises(CommandError) as raised:
        _load(root)
    assert f"{path}: " in str(raised.value)
    assert message in str(raised.value)
    assert "at most" in str(raised.value) or "invalid YAML" in str(raised.value)
    assert not Lesson.objects.exists()


def test_loadlessons_refuses_an_oversized_course_yaml(root):
    (root / "networking" / "course.yaml").write_text(
        "title: Networking\n" + "# pad\n" * lessonfile.MAX_COURSE_FILE
    )
    (root / "networking" / "01-routes.md").write_text(_lesson_text())
    with pytest.raises(CommandError, match=f"course.yaml has at most {lessonfile.MAX_COURSE_FILE}"):
        _load(root)
    assert not Course.objects.exists()


def test_import_of_an_oversized_lesson_file_names_the_limit(instructor_client):
    course = make_course()
    upload = SimpleUploadedFile("01-routes.md", _lesson_text(body=TOO_LONG_MARKDOWN).encode())
    response = instructor_client.post(
        reverse("instructors:import"), {"file": upload, "course": course.pk}
    )
    assert response.status_code == 200
    assert f"at most {lessonfile.MAX_MARKDOWN} are accepted" in _text_of(response)
    assert not Lesson.objects.exists()


# -- the routes and DNS forms ------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "prefix"), [("routes", "routes"), ("dns", "records")])
def test_a_form_claiming_thousands_of_rows_is_refused_quickly(learner_client, kind, prefix):
    import time

    from lessons.kinds.rows import MAX_ROWS

    lesson = make_lesson(kind, slug=f"{kind}-rows")
    url = reverse("lesson_check", args=[lesson.course.slug, lesson.slug])
    # CPU time of this process, not wall time: the bound is on the work the request does, which
    # a loaded machine must not turn into a flaky failure.
    started = time.process_time()
    response = learner_client.post(
        url, {f"{prefix}-TOTAL_FORMS": "100000", f"{prefix}-INITIAL_FORMS": "0"}
    )
    assert time.process_time() - started < 3.0
    assert response.status_code == 200
    page = response.content.decode()
    assert f'name="{prefix}-{MAX_ROWS - 1}-' in page
    assert f'name="{prefix}-{MAX_ROWS}-' not in page
    assert f"At most {MAX_ROWS} rows: remove some and check again." in html.unescape(page)


# -- numbers typed in odd digits ("¹".isdigit() is true and int("¹") raises) -------------------


@pytest.mark.parametrize("value", ["¹", "①", "9" * 5000, "-1", "0x1"])
def test_ids_in_odd_digits_are_ignored_not_a_500(instructor_client, value):
    lesson = make_lesson("terminal", slug="routing")
    autosave = instructor_client.post(
        reverse("instructors:lesson_autosave"),
        {"lesson": value, "course": value, "draft": value, "title": "T", "body": "b"},
        **HX,
    )
    assert autosave.status_code == 200
    assert LessonDraft.objects.get().lesson is None
    assert instructor_client.get(f"{NEW}?draft={value}").status_code == 200
    gradebook = reverse("instructors:gradebook") + f"?course={lesson.course_id}&class={value}"
    assert instructor_client.get(gradebook).status_code == 200


@pytest.mark.parametrize("value", ["¹", "①", "٣"])
def test_a_form_row_number_in_odd_digits_is_a_row_error(learner_client, value):
    routes = make_lesson("routes", slug="routes-odd")
    response = learner_client.post(
        reverse("lesson_check", args=[routes.course.slug, routes.slug]),
        {
            "routes-TOTAL_FORMS": "1",
            "routes-INITIAL_FORMS": "0",
            "routes-0-host": "A",
            "routes-0-destination": "192.165.2.0/24",
            "routes-0-gateway": "192.165.1.1",
            "routes-0-metric": value,
        },
    )
    assert response.status_code == 200
    assert "The metric is a whole number" in _text_of(response)
    dns = make_lesson("dns", slug="dns-odd")
    response = learner_client.post(
        reverse("lesson_check", args=[dns.course.slug, dns.slug]),
        {
            "records-TOTAL_FORMS": "1",
            "records-INITIAL_FORMS": "0",
            "records-0-zone": "example.com",
            "records-0-name": "www",
            "records-0-type": "A",
            "records-0-value": "192.165.1.50",
            "records-0-ttl": value,
        },
    )
    assert response.status_code == 200
    assert "The TTL is a whole number of seconds" in _text_of(response)
