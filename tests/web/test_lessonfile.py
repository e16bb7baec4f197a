"""The lesson file format: front matter + Markdown, course.yaml; errors name file and field."""

from __future__ import annotations

import pytest
from exercise_specs import spec

from lessons import lessonfile
from lessons.lessonfile import LessonFile, LessonFileError

LESSON = """---
title: Routing between networks
exercise:
  kind: route-free
---
# Routing

A router joins networks.
"""


def test_it_reads_the_front_matter_and_the_markdown_body():
    lesson = lessonfile.parse_lesson(LESSON, default_slug="routing")
    assert lesson.title == "Routing between networks"
    assert lesson.slug == "routing"
    assert lesson.published is True
    assert lesson.body == "# Routing\n\nA router joins networks.\n"
    assert lesson.exercise == {"kind": "route-free"}


def test_a_slug_in_the_front_matter_wins_over_the_file_name():
    text = "---\ntitle: T\nslug: my-lesson\n---\nBody\n"
    assert lessonfile.parse_lesson(text, default_slug="other").slug == "my-lesson"


def test_a_goals_on_key_stays_the_word_on():
    text = "---\ntitle: T\nexercise:\n  goals:\n    - {check: route, on: A, to: 10.0.0.1}\n---\n"
    goal = lessonfile.parse_lesson(text, default_slug="t").exercise["goals"][0]
    assert goal == {"check": "route", "on": "A", "to": "10.0.0.1"}


def test_true_and_false_are_still_booleans():
    text = "---\ntitle: T\npublished: false\nexercise: {goals: [{enabled: true}]}\n---\n"
    lesson = lessonfile.parse_lesson(text, default_slug="t")
    assert lesson.published is False
    assert lesson.exercise["goals"][0]["enabled"] is True


def test_windows_line_endings_are_read():
    lesson = lessonfile.parse_lesson("---\r\ntitle: T\r\n---\r\nBody\r\n", default_slug="t")
    assert (lesson.title, lesson.body) == ("T", "Body\n")


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("no front matter", "", "starts with a front matter block"),
        ("---\ntitle: T\n", "", "no closing '---'"),
        ("---\ntitle: [unclosed\n---\n", "line 2", "invalid YAML"),
        ("---\nslug: x\n---\n", "title", "needs a title"),
        ("---\ntitle: T\nslug: Not A Slug\n---\n", "slug", "lower-case"),
        ("---\ntitle: T\nauthor: me\n---\n", "author", "unknown key"),
        ("---\ntitle: T\npublished: maybe\n---\n", "published", "true or false"),
        ("---\ntitle: T\nexercise: [1]\n---\n", "exercise", "must be a mapping"),
    ],
)
def test_errors_name_the_file_and_the_field(text, field, message):
    with pytest.raises(LessonFileError) as info:
        lessonfile.parse_lesson(text, path="content/c/01-x.md", default_slug="x")
    assert info.value.path == "content/c/01-x.md"
    assert info.value.field == field
    assert message in info.value.message
    assert str(info.value).startswith("content/c/01-x.md: ")


def test_a_lesson_survives_serialising_and_reading_back():
    exercise = spec("routes")
    exercise["goals"][0]["on"] = "A"
    original = LessonFile(
        title="Routes: both ways",
        slug="both-ways",
        body="# Both ways\n\nMultiple\nlines: with: colons\n",
        published=False,
        exercise=exercise,
    )
    text = lessonfile.serialise_lesson(original)
    assert text.startswith("---\ntitle: 'Routes: both ways'\n")
    assert lessonfile.parse_lesson(text) == original


def test_a_quiz_survives_serialising_and_reading_back():
    original = LessonFile(title="Quiz", slug="quiz", body="", exercise=spec("quiz"))
    assert lessonfile.parse_lesson(lessonfile.serialise_lesson(original)) == original


def test_it_reads_course_yaml():
    course = lessonfile.parse_course(
        "title: Linux networking\ndescription: |\n  From switches to proxies.\norder: 2\n",
        slug="linux-networking",
    )
    assert course.title == "Linux networking"
    assert course.description == "From switches to proxies."
    assert course.order == 2
    assert course.published is True
    assert lessonfile.parse_course(lessonfile.serialise_course(course), slug=course.slug) == course


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("description: x\n", "title"),
        ("title: T\nlevel: 1\n", "level"),
        ("title: T\norder: x\n", "order"),
    ],
)
def test_course_yaml_errors_name_the_field(text, field):
    with pytest.raises(LessonFileError) as info:
        lessonfile.parse_course(text, path="c/course.yaml", slug="c")
    assert (info.value.path, info.value.field) == ("c/course.yaml", field)


def test_a_course_folder_name_must_be_a_slug():
    with pytest.raises(LessonFileError, match="folder name"):
        lessonfile.parse_course("title: T\n", slug="My Course")


def test_lesson_files_are_ordered_by_name_and_others_set_aside(tmp_path):
    for name in ("10-last.md", "02-second.md", "01-first.md", "README.md", "notes.txt"):
        (tmp_path / name).write_text("x")
    lessons, others = lessonfile.lesson_files(tmp_path)
    assert [p.name for p in lessons] == ["01-first.md", "02-second.md", "10-last.md"]
    assert [p.name for p in others] == ["README.md"]
    assert lessonfile.slug_from_file_name("02-second.md") == "second"
