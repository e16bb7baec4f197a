"""Importing never changes existing content silently: what would change is previewed and waits
for confirmation, and another instructor's course is never imported over."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from exercise_specs import make_course, spec

from instructors.models import PendingImport
from lessons import lessonfile
from lessons.models import Course, Lesson

pytestmark = pytest.mark.django_db

IMPORT = reverse("instructors:import")
CONFIRM = reverse("instructors:import_confirm")


def _lesson(title: str, slug: str, body: str = "Text.\n", exercise=None) -> str:
    return lessonfile.serialise_lesson(
        lessonfile.LessonFile(title=title, slug=slug, body=body, exercise=exercise)
    )


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


FIRST = {
    "k8s/course.yaml": "title: Kubernetes\n",
    "k8s/01-pods.md": _lesson("Pods", "pods"),
    "k8s/02-old.md": _lesson("Old", "old"),
}
SECOND = {
    "k8s/course.yaml": "title: Kubernetes networking\n",
    "k8s/01-pods.md": _lesson("Pods", "pods", "Pods share a network namespace.\n", spec("quiz")),
    "k8s/02-services.md": _lesson("Services", "services"),
}


def _upload(client: Client, files: dict[str, str], name: str = "k8s.zip"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, _zip(files))})


def _state() -> dict:
    course = Course.objects.get(slug="k8s")
    return {
        "title": course.title,
        "lessons": sorted(
            (lesson.slug, lesson.title, lesson.body, lesson.archived_at is None)
            for lesson in course.lessons.all()
        ),
    }


@pytest.fixture
def imported(instructor, instructor_client):
    """The course k8s, imported from a zip by the instructor (who therefore owns it)."""
    response = _upload(instructor_client, FIRST)
    assert response.status_code == 302
    course = Course.objects.get(slug="k8s")
    assert course.owner == instructor
    return course


def test_a_new_course_is_imported_at_once_and_belongs_to_the_importer(imported):
    assert not PendingImport.objects.exists()
    assert [lesson.slug for lesson in imported.lessons.order_by("order")] == ["pods", "old"]


def test_importing_over_an_existing_course_previews_the_changes_and_changes_nothing(
    imported, instructor_client
):
    before = _state()
    page = _upload(instructor_client, SECOND)
    html = page.content.decode()
    assert page.status_code == 200 and "Confirm the import of k8s.zip" in html
    assert "renamed from “Kubernetes” to “Kubernetes networking”" in html
    assert "Added" in html and "Services" in html
    assert "Archived (learners no longer see it)" in html and "Old" in html
    assert "text changed" in html and "exercise added" in html
    assert _state() == before  # nothing yet


def test_confirming_applies_the_previewed_changes(imported, instructor_client):
    _upload(instructor_client, SECOND)
    response = instructor_client.post(CONFIRM, {"action": "apply"}, follow=True)
    assert "Imported k8s.zip" in response.content.decode()
    state = _state()
    assert state["title"] == "Kubernetes networking"
    assert ("old", "Old", "Text.\n", False) in state["lessons"]  # archived, not deleted
    assert ("services", "Services", "Text.\n", True) in state["lessons"]
    assert not PendingImport.objects.exists()
    again = instructor_client.post(CONFIRM, {"action": "apply"}, follow=True)
    assert "no longer waiting" in again.content.decode()


def test_cancelling_changes_nothing(imported, instructor_client):
    before = _state()
    _upload(instructor_client, SECOND)
    response = instructor_client.post(CONFIRM, {"action": "cancel"}, follow=True)
    assert "cancelled: nothing changed" in response.content.decode()
    assert _state() == before and not PendingImport.objects.exists()


def test_a_change_since_the_preview_is_previewed_again_not_applied(imported, instructor_client):
    _upload(instructor_client, SECOND)
    Course.objects.filter(slug="k8s").update(title="Renamed meanwhile")
    response = instructor_client.post(CONFIRM, {"action": "apply"})
    html = response.content.decode()
    assert "The content changed since the preview" in html
    assert "renamed from “Renamed meanwhile”" in html
    assert Course.objects.get(slug="k8s").title == "Renamed meanwhile"
    instructor_client.post(CONFIRM, {"action": "apply"})  # confirmed, this time
    assert Course.objects.get(slug="k8s").title == "Kubernetes networking"


def test_importing_over_another_instructors_course_is_refused(imported, django_user_model):
    other = django_user_model.objects.create_user("otto")
    other.groups.add(Group.objects.get(name="instructors"))
    client = Client()
    client.force_login(other)
    before = _state()
    response = _upload(client, SECOND)
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported" in html
    assert "k8s: a course with this slug already exists and you are not one of its authors" in html
    assert _state() == before and not PendingImport.objects.exists()
    # Their own copy under another folder name is a new course of theirs.
    renamed = {name.replace("k8s/", "my-k8s/"): text for name, text in SECOND.items()}
    assert _upload(client, renamed).status_code == 302
    assert Course.objects.get(slug="my-k8s").owner == other


def test_the_shipped_course_is_not_imported_over_by_an_instructor(instructor_client):
    make_course("linux-networking")
    files = {"linux-networking/course.yaml": "title: Mine\n"}
    html = _upload(instructor_client, files).content.decode()
    assert "you are not one of its authors" in html
    assert Course.objects.get(slug="linux-networking").title == "Linux-Networking"


def test_a_confirmation_only_ever_applies_ones_own_upload(
    imported, instructor_client, django_user_model
):
    _upload(instructor_client, SECOND)
    other = django_user_model.objects.create_user("otto")
    other.groups.add(Group.objects.get(name="instructors"))
    client = Client()
    client.force_login(other)
    response = client.post(CONFIRM, {"action": "apply"}, follow=True)
    assert "no longer waiting" in response.content.decode()
    assert Course.objects.get(slug="k8s").title == "Kubernetes"
    assert PendingImport.objects.count() == 1


def test_a_lesson_file_over_an_existing_lesson_is_previewed(imported, instructor_client):
    upload = SimpleUploadedFile("01-pods.md", _lesson("Pods v2", "pods").encode())
    page = instructor_client.post(IMPORT, {"file": upload, "course": imported.pk})
    assert "title “Pods” → “Pods v2”" in page.content.decode()
    assert Lesson.objects.get(slug="pods").title == "Pods"
    response = instructor_client.post(CONFIRM, {"action": "apply"})
    lesson = Lesson.objects.get(slug="pods")
    assert lesson.title == "Pods v2"
    assert response.url == reverse("instructors:lesson_edit", args=[lesson.pk])


def test_a_new_lesson_file_is_imported_at_once(imported, instructor_client):
    upload = SimpleUploadedFile("03-nodes.md", _lesson("Nodes", "nodes").encode())
    response = instructor_client.post(IMPORT, {"file": upload, "course": imported.pk})
    assert response.status_code == 302
    assert imported.lessons.filter(slug="nodes").exists()


def test_a_lesson_file_cannot_go_into_another_instructors_course(
    instructor_client, django_user_model
):
    other = django_user_model.objects.create_user("otto")
    theirs = make_course("theirs")
    theirs.owner = other
    theirs.save()
    upload = SimpleUploadedFile("01-x.md", _lesson("X", "x").encode())
    response = instructor_client.post(IMPORT, {"file": upload, "course": theirs.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not Lesson.objects.exists()
