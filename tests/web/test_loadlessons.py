"""`manage.py loadlessons`: idempotent, validating, and safe for learners' progress."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from exercise_specs import spec

from lessons import lessonfile
from lessons.models import (
    Attempt,
    Course,
    Exercise,
    ExerciseVersion,
    Lesson,
    Progress,
    ProgressStatus,
)
from lessons.services.grading import attempt_grade

pytestmark = pytest.mark.django_db


def write_lesson(folder: Path, name: str, *, title: str, exercise: dict | None, body="Text.\n"):
    slug = lessonfile.slug_from_file_name(name)
    text = lessonfile.serialise_lesson(
        lessonfile.LessonFile(title=title, slug=slug, body=body, exercise=exercise)
    )
    (folder / name).write_text(text)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    course = tmp_path / "networking"
    course.mkdir()
    (course / "course.yaml").write_text("title: Networking\ndescription: Basics.\n")
    write_lesson(course, "01-routes.md", title="Routes", exercise=spec("terminal"))
    write_lesson(course, "02-quiz.md", title="Quiz", exercise=spec("quiz"))
    return tmp_path


def load(*roots: Path, skip_invalid: bool = False) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    args = [str(r) for r in roots] + (["--skip-invalid"] if skip_invalid else [])
    call_command("loadlessons", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_loads_courses_and_lessons_in_file_order(root):
    out, _ = load(root)
    course = Course.objects.get(slug="networking")
    assert (course.title, course.description) == ("Networking", "Basics.")
    assert [(lesson.order, lesson.slug) for lesson in course.lessons.order_by("order")] == [
        (1, "routes"),
        (2, "quiz"),
    ]
    routes = Lesson.objects.get(slug="routes")
    assert routes.source_path == "networking/01-routes.md"
    assert routes.exercise.kind == "terminal"
    assert routes.exercise.spec() == spec("terminal")
    assert "Courses: 1 created, 0 updated, 0 unchanged" in out
    assert "Lessons: 2 created, 0 updated, 0 unchanged, 0 archived" in out


def test_loading_twice_changes_nothing(root):
    load(root)
    before = {
        lesson.slug: (lesson.updated_at, lesson.exercise.updated_at)
        for lesson in Lesson.objects.all()
    }
    out, _ = load(root)
    assert "Lessons: 0 created, 0 updated, 2 unchanged" in out
    assert "Courses: 0 created, 0 updated, 1 unchanged" in out
    after = {
        lesson.slug: (lesson.updated_at, lesson.exercise.updated_at)
        for lesson in Lesson.objects.all()
    }
    assert after == before
    assert ExerciseVersion.objects.count() == 2


def test_a_changed_text_updates_the_lesson_but_not_the_exercise_version(root):
    load(root)
    write_lesson(
        root / "networking", "01-routes.md", title="Routes", exercise=spec("terminal"), body="New"
    )
    out, _ = load(root)
    assert "Lessons: 0 created, 1 updated, 1 unchanged" in out
    lesson = Lesson.objects.get(slug="routes")
    assert lesson.body == "New\n"
    assert lesson.exercise.version == 1


def test_a_changed_exercise_gets_a_new_version_and_learners_keep_their_progress(root, learner):
    load(root)
    quiz = Exercise.objects.get(lesson__slug="quiz")
    attempt = attempt_grade(learner=learner, exercise=quiz, submission={"answers": [1, 0]})
    changed = spec("quiz")
    changed["questions"][0]["explain"] = "Private ranges: 10/8, 172.16/12, 192.168/16."
    write_lesson(root / "networking", "02-quiz.md", title="Quiz", exercise=changed)

    out, _ = load(root)

    assert "Exercises: 0 created, 1 updated, 1 unchanged" in out
    quiz.refresh_from_db()
    assert quiz.version == 2
    assert quiz.questions[0]["explain"].startswith("Private ranges")
    attempt.refresh_from_db()
    assert attempt.exercise_version.version == 1
    assert (
        attempt.exercise_version.questions[0]["explain"] == spec("quiz")["questions"][0]["explain"]
    )
    progress = Progress.objects.get(learner=learner)
    assert (progress.status, progress.attempts, progress.best_score) == (
        ProgressStatus.COMPLETED,
        1,
        100,
    )
    assert Attempt.objects.count() == 1


def test_invalid_content_fails_naming_file_and_field_and_loads_nothing(root):
    broken = spec("terminal")
    del broken["goals"][0]["to"]
    write_lesson(root / "networking", "03-broken.md", title="Broken", exercise=broken)
    with pytest.raises(CommandError) as info:
        load(root)
    message = str(info.value)
    assert f"{root / 'networking' / '03-broken.md'}: exercise.goals[0].to:" in message
    assert "the reachable check needs 'to'" in message
    assert not Course.objects.exists()
    assert not Lesson.objects.exists()


def test_skip_invalid_loads_the_rest_and_reports_what_it_skipped(root):
    (root / "networking" / "03-broken.md").write_text("---\ntitle: Broken\nlevel: 3\n---\n")
    out, err = load(root, skip_invalid=True)
    assert "skipped: " in err
    assert "03-broken.md: level: unknown key" in err
    assert set(Lesson.objects.values_list("slug", flat=True)) == {"routes", "quiz"}
    assert "Lessons: 2 created" in out


def test_an_invalid_lesson_that_is_skipped_is_not_archived(root):
    load(root)
    (root / "networking" / "02-quiz.md").write_text("---\ntitle: [broken\n---\n")
    load(root, skip_invalid=True)
    assert not Lesson.objects.get(slug="quiz").is_archived


def test_a_removed_lesson_file_archives_the_lesson_and_keeps_learner_data(root, learner):
    load(root)
    quiz = Exercise.objects.get(lesson__slug="quiz")
    attempt_grade(learner=learner, exercise=quiz, submission={"answers": [1, 0]})
    (root / "networking" / "02-quiz.md").unlink()
    out, _ = load(root)
    assert "1 archived" in out
    lesson = Lesson.objects.get(slug="quiz")
    assert lesson.is_archived
    assert Attempt.objects.filter(exercise=quiz).count() == 1
    write_lesson(root / "networking", "02-quiz.md", title="Quiz", exercise=spec("quiz"))
    load(root)
    lesson.refresh_from_db()
    assert not lesson.is_archived


def test_lessons_authored_in_the_browser_are_left_alone(root):
    load(root)
    course = Course.objects.get()
    Lesson.objects.create(course=course, slug="mine", title="Written in the browser", order=9)
    load(root)
    assert not Lesson.objects.get(slug="mine").is_archived


def test_a_lesson_slug_used_twice_in_a_course_is_an_error(root):
    folder = root / "networking"
    (folder / "03-again.md").write_text("---\ntitle: Again\nslug: quiz\n---\n")
    with pytest.raises(CommandError, match="the slug 'quiz' is also used by 02-quiz.md"):
        load(root)


def test_a_missing_root_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="not a directory"):
        load(tmp_path / "nowhere")


def test_several_roots_load_together(root, tmp_path_factory):
    other = tmp_path_factory.mktemp("more")
    (other / "extra").mkdir()
    (other / "extra" / "course.yaml").write_text("title: Extra\n")
    write_lesson(other / "extra", "01-more.md", title="More", exercise=spec("dns"))
    load(root, other)
    assert list(Course.objects.values_list("slug", "order")) == [("networking", 1), ("extra", 2)]


def test_a_folder_without_course_yaml_is_skipped_with_a_warning(root):
    (root / "drafts").mkdir()
    (root / "drafts" / "01-idea.md").write_text("---\ntitle: Idea\n---\n")
    _, err = load(root)
    assert "no course.yaml" in err
    assert not Lesson.objects.filter(slug="idea").exists()
