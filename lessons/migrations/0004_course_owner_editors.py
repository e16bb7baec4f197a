"""Courses get an owner and editors (instructors/tenancy.py).

No course recorded who created it, so no owner can be inferred. Until now every instructor could
author every course: the data migration keeps that for the instructors who exist when it runs
(each becomes an editor of each existing course), so nobody loses access to work they had; the
owner stays empty (staff and the editors author the course; staff can hand it to an owner in the
admin). Content loaded afterwards by loadlessons (the shipped course) has no owner and no editors:
staff author it, and ``createinstructor --editor-of SLUG`` adds an editor.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INSTRUCTORS_GROUP = "instructors"


def existing_instructors_edit_existing_courses(apps, schema_editor):
    Course = apps.get_model("lessons", "Course")
    User = apps.get_model("auth", "User")
    instructors = list(User.objects.filter(groups__name=INSTRUCTORS_GROUP).distinct())
    if not instructors:
        return
    for course in Course.objects.all():
        course.editors.add(*instructors)


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0003_terminal_entries"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="editors",
            field=models.ManyToManyField(
                blank=True, related_name="courses_edited", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="course",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="courses_owned",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(existing_instructors_edit_existing_courses, migrations.RunPython.noop),
    ]
