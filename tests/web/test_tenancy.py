"""Instructors see their own: courses (owner and editors), classes (owner and co-instructors) and
the learners in them; the shipped course belongs to nobody; sharing is by username.

The 404 on every object URL for another instructor is in test_url_permissions.py.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from exercise_specs import make_course, make_lesson

from instructors import services as instructor_services
from instructors.models import Classroom
from lessons import services
from lessons.models import Course, Lesson

pytestmark = pytest.mark.django_db


def _instructor(django_user_model, username: str):
    user = django_user_model.objects.create_user(username)
    user.groups.add(Group.objects.get_or_create(name="instructors")[0])
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(django_user_model):
    return _instructor(django_user_model, "alice")


@pytest.fixture
def bob(django_user_model):
    return _instructor(django_user_model, "bob")


def _owned(owner, slug: str) -> Course:
    course = make_course(slug)
    course.owner = owner
    course.save()
    return course


def _html(response) -> str:
    return response.content.decode()


# -- list pages ------------------------------------------------------------------------------------


def test_the_author_page_lists_only_ones_own_courses(alice, bob):
    _owned(alice, "alices-course")
    _owned(bob, "bobs-course")
    make_course("shipped")  # no owner: staff and its editors only
    page = _html(_client(alice).get(reverse("instructors:dashboard")))
    assert "Alices-Course" in page
    assert "Bobs-Course" not in page and "Shipped" not in page


def test_a_new_course_belongs_to_its_creator(alice, bob):
    response = _client(alice).post(
        reverse("instructors:course_create"), {"title": "Alice's course", "published": "on"}
    )
    course = Course.objects.get(title="Alice's course")
    assert response.status_code == 302 and course.owner == alice
    assert _client(bob).get(reverse("instructors:course", args=[course.pk])).status_code == 404


def test_the_classes_page_lists_only_ones_own_classes(alice, bob):
    course = _owned(alice, "shared-course")
    instructor_services.create_classroom(instructor=alice, course=course, name="Alice's class")
    instructor_services.create_classroom(instructor=bob, course=course, name="Bob's class")
    page = _html(_client(bob).get(reverse("instructors:classes")))
    assert "Bob&#x27;s class" in page and "Alice&#x27;s class" not in page


def test_a_class_is_opened_on_a_published_course_only_when_it_is_not_ones_own(alice, bob):
    published = _owned(alice, "published-course")
    hidden = _owned(alice, "hidden-course")
    hidden.published = False
    hidden.save()
    client = _client(bob)
    page = _html(client.get(reverse("instructors:classes")))
    assert "Published-Course" in page and "Hidden-Course" not in page
    refused = client.post(reverse("instructors:classes"), {"name": "X", "course": hidden.pk})
    assert refused.status_code == 200 and not Classroom.objects.exists()
    client.post(reverse("instructors:classes"), {"name": "Mine", "course": published.pk})
    assert Classroom.objects.get().instructor == bob


def test_the_lesson_editor_offers_only_ones_own_courses(alice, bob):
    mine = _owned(bob, "bobs-course")
    theirs = _owned(alice, "alices-course")
    lesson = make_lesson("quiz", course=mine, slug="quiz")
    client = _client(bob)
    page = _html(client.get(reverse("instructors:lesson_create")))
    assert "Bobs-Course" in page and "Alices-Course" not in page
    moved = client.post(
        reverse("instructors:lesson_edit", args=[lesson.pk]),
        {"title": "Quiz", "course": theirs.pk, "slug": "quiz", "body": "x"},
    )
    assert moved.status_code == 200 and "Select a valid choice" in _html(moved)
    assert Lesson.objects.get(pk=lesson.pk).course == mine


def test_autosave_never_links_a_draft_to_another_instructors_lesson(alice, bob):
    theirs = make_lesson("quiz", course=_owned(alice, "alices-course"), slug="quiz")
    response = _client(bob).post(
        reverse("instructors:lesson_autosave"),
        {"lesson": theirs.pk, "course": theirs.course_id, "title": "T", "body": "b"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    draft = bob.lesson_drafts.get()
    assert draft.lesson is None and draft.course is None


# -- gradebook and learners ------------------------------------------------------------------------


@pytest.fixture
def two_classes(alice, bob, learner, other_learner):
    """Alice's course; Alice's class has ada, Bob's class (on the same course) has grace; both
    learners worked in it."""
    course = _owned(alice, "networking")
    lesson = make_lesson("quiz", course=course, slug="quiz")
    for user in (learner, other_learner):
        services.start_lesson(learner=user, lesson=lesson)
    mine = instructor_services.create_classroom(instructor=alice, course=course, name="A")
    theirs = instructor_services.create_classroom(instructor=bob, course=course, name="B")
    instructor_services.join_classroom(learner=learner, classroom=mine)
    instructor_services.join_classroom(learner=other_learner, classroom=theirs)
    return course, lesson, mine, theirs


def test_a_teacher_sees_only_their_classes_learners_in_the_gradebook(two_classes, bob):
    course, *_ = two_classes
    page = _html(_client(bob).get(reverse("instructors:gradebook"), {"course": course.pk}))
    assert "grace" in page and "ada" not in page
    csv = _html(_client(bob).get(reverse("instructors:gradebook_csv"), {"course": course.pk}))
    assert "grace" in csv and "ada" not in csv


def test_the_courses_author_sees_everyone_who_worked_in_it(two_classes, alice):
    course, *_ = two_classes
    page = _html(_client(alice).get(reverse("instructors:gradebook"), {"course": course.pk}))
    assert "grace" in page and "ada" in page


def test_another_instructors_class_is_not_a_gradebook_filter(two_classes, bob):
    course, _, alices_class, _ = two_classes
    query = {"course": course.pk, "class": alices_class.pk}
    page = _html(_client(bob).get(reverse("instructors:gradebook"), query))
    assert "ada" not in page


def test_the_gradebook_offers_only_courses_one_authors_or_teaches(alice, bob):
    _owned(alice, "alices-course")
    taught = _owned(alice, "taught-course")
    instructor_services.create_classroom(instructor=bob, course=taught, name="B")
    page = _html(_client(bob).get(reverse("instructors:gradebook")))
    assert "Taught-Course" in page and "Alices-Course" not in page


def test_a_teacher_sees_their_learner_but_not_in_someone_elses_course(
    two_classes, alice, bob, other_learner
):
    course, lesson, *_ = two_classes
    elsewhere = make_lesson("quiz", course=_owned(alice, "private-course"), slug="private")
    services.start_lesson(learner=other_learner, lesson=elsewhere)
    client = _client(bob)
    url = reverse("instructors:learner", args=[other_learner.pk])
    assert client.get(url, {"course": course.pk}).status_code == 200
    page = _html(client.get(url, {"course": elsewhere.course_id}))
    assert "Private-Course" not in page
    reset = reverse("instructors:learner_reset", args=[other_learner.pk, elsewhere.pk])
    assert client.post(reset).status_code == 404


# -- sharing ---------------------------------------------------------------------------------------


def test_the_owner_invites_a_co_instructor_who_then_sees_the_class(alice, bob, learner):
    classroom = instructor_services.create_classroom(
        instructor=alice, course=_owned(alice, "c"), name="Monday"
    )
    url = reverse("instructors:class", args=[classroom.pk])
    assert _client(bob).get(url).status_code == 404
    share = reverse("instructors:class_instructors", args=[classroom.pk])
    response = _client(alice).post(share, {"username": "bob"}, follow=True)
    assert "bob added." in _html(response)
    assert _client(bob).get(url).status_code == 200
    # A co-instructor teaches the class but does not share it further.
    assert _client(bob).post(share, {"username": "alice"}).status_code == 403
    _client(alice).post(share, {"remove": bob.pk})
    assert _client(bob).get(url).status_code == 404


def test_an_editor_authors_the_course_but_does_not_share_it(alice, bob, django_user_model):
    course = _owned(alice, "c")
    lesson = make_lesson("quiz", course=course, slug="quiz")
    edit = reverse("instructors:lesson_edit", args=[lesson.pk])
    assert _client(bob).get(edit).status_code == 404
    share = reverse("instructors:course_editors", args=[course.pk])
    _client(alice).post(share, {"username": "bob"})
    assert list(course.editors.all()) == [bob]
    assert _client(bob).get(edit).status_code == 200
    assert "Alices-Course" not in _html(_client(bob).get(reverse("instructors:dashboard")))
    _instructor(django_user_model, "carol")
    assert _client(bob).post(share, {"username": "carol"}).status_code == 403
    assert list(course.editors.all()) == [bob]


def test_a_removed_editor_no_longer_finds_their_draft_of_the_course(alice, bob):
    course = _owned(alice, "c")
    course.editors.add(bob)
    lesson = make_lesson("quiz", course=course, slug="quiz")
    bob.lesson_drafts.create(lesson=lesson, course=course, title="Bob's edit")
    dashboard = reverse("instructors:dashboard")
    assert "Bob&#x27;s edit" in _html(_client(bob).get(dashboard))
    _client(alice).post(reverse("instructors:course_editors", args=[course.pk]), {"remove": bob.pk})
    assert "Bob&#x27;s edit" not in _html(_client(bob).get(dashboard))
    assert _client(bob).get(reverse("instructors:lesson_edit", args=[lesson.pk])).status_code == 404


@pytest.mark.parametrize("username", ["ada", "nobody", "alice"])
def test_only_another_instructor_can_be_invited(alice, learner, username):
    course = _owned(alice, "c")
    share = reverse("instructors:course_editors", args=[course.pk])
    page = _html(_client(alice).post(share, {"username": username}, follow=True))
    assert not course.editors.exists()
    if username == "alice":
        assert "alice is the owner already." in page
    else:  # a learner's name gets the same answer as an unknown one
        assert "No instructor has the username" in page


# -- the shipped course ----------------------------------------------------------------------------


def test_a_course_without_owner_is_authored_by_staff_and_its_editors_only(
    alice, bob, django_user_model
):
    shipped = make_course("shipped")
    lesson = make_lesson("quiz", course=shipped, slug="quiz")
    edit = reverse("instructors:lesson_edit", args=[lesson.pk])
    assert _client(alice).get(edit).status_code == 404
    staff = _instructor(django_user_model, "sam")
    staff.is_staff = True
    staff.save()
    staff_page = _html(_client(staff).get(reverse("instructors:course", args=[shipped.pk])))
    assert "belongs to no instructor" in staff_page
    _client(staff).post(
        reverse("instructors:course_editors", args=[shipped.pk]), {"username": "alice"}
    )
    assert _client(alice).get(edit).status_code == 200
    assert _client(bob).get(edit).status_code == 404


def test_createinstructor_makes_an_editor_of_the_shipped_course(db):
    shipped = make_course("linux-networking")
    out = io.StringIO()
    call_command(
        "createinstructor", "demo", "--password", "pw-demo-123", "--noinput",
        "--editor-of", "linux-networking", stdout=out,
    )  # fmt: skip
    assert [user.username for user in shipped.editors.all()] == ["demo"]
    with pytest.raises(CommandError, match="No course with the slug nope"):
        call_command("createinstructor", "demo", "--noinput", "--editor-of", "nope")


def test_existing_instructors_keep_editing_existing_courses_after_the_migration(
    transactional_db,
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("lessons", "0003_terminal_entries")]
    after = [("lessons", "0004_course_owner_editors")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    user_model = apps.get_model("auth", "User")
    group = apps.get_model("auth", "Group").objects.create(name="instructors")
    teacher = user_model.objects.create(username="teacher")
    teacher.groups.add(group)
    user_model.objects.create(username="learner")
    apps.get_model("lessons", "Course").objects.create(slug="old", title="Old")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    course = apps.get_model("lessons", "Course").objects.get(slug="old")
    assert [user.username for user in course.editors.all()] == ["teacher"]
    assert course.owner is None
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
