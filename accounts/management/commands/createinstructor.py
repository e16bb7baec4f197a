"""``python manage.py createinstructor USERNAME [--password P] [--editor-of SLUG ...]``: make (or
promote) an instructor.

Instructors are members of the group ``instructors``. Without ``--password`` the command asks for
one (twice) on a terminal; ``--noinput`` with no password leaves an existing password untouched.
``--editor-of`` makes them an editor of a course (the shipped course belongs to no instructor:
see instructors/tenancy.py); ``make run`` gives the demo instructor the shipped course this way.
"""

from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from netlearn.context_processors import INSTRUCTORS_GROUP


class Command(BaseCommand):
    help = "Create an instructor account, or add an existing user to the instructors group."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="the password (otherwise asked for)")
        parser.add_argument("--noinput", action="store_true", help="never prompt")
        parser.add_argument(
            "--editor-of",
            action="append",
            default=[],
            metavar="SLUG",
            help="make the instructor an editor of this course (repeatable); "
            "an unknown slug is an error",
        )

    def handle(self, *args, username: str, password: str | None, noinput: bool, **options) -> None:
        from lessons.models import Course

        slugs = options["editor_of"]
        courses = list(Course.objects.filter(slug__in=slugs))
        if unknown := sorted(set(slugs) - {course.slug for course in courses}):
            raise CommandError(f"No course with the slug {', '.join(unknown)}.")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        if password is None and not noinput:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords didn't match.")
        if password:
            user.set_password(password)
        elif created:
            raise CommandError("A new instructor needs a password: pass --password.")
        user.save()
        group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
        user.groups.add(group)
        for course in courses:
            course.editors.add(user)
            self.stdout.write(f"{username} is an editor of {course.slug}")
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} instructor {username}"))
