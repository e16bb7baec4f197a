"""Exercises keep their author's YAML text (``Exercise.source_yaml``).

Existing rows get the text the editor showed until now: their stored exercise, dumped once, with
``source_hash`` = their ``content_hash`` (the text is that exercise). From then on the editor keeps
what its author types (instructors/exercisetext.py).
"""

from django.db import migrations, models


def fill_source_yaml(apps, schema_editor):
    from lessons import exercises, lessonfile

    Exercise = apps.get_model("lessons", "Exercise")
    for exercise in Exercise.objects.all().iterator():
        try:
            spec = exercises.spec_from_fields(
                kind=exercise.kind,
                prompt=exercise.prompt,
                scenario=exercise.scenario,
                goals=exercise.goals,
                solution=exercise.solution,
                hints=exercise.hints,
                extra=exercise.extra,
            )
        except (LookupError, TypeError, ValueError):  # an unknown kind: the editor dumps it later
            continue
        Exercise.objects.filter(pk=exercise.pk).update(
            source_yaml=lessonfile.dump_yaml(spec), source_hash=exercise.content_hash
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0005_kind_choices_from_registry"),
    ]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="source_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="exercise",
            name="source_yaml",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(fill_source_yaml, migrations.RunPython.noop),
    ]
