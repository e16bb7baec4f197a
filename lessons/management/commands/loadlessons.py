"""``python manage.py loadlessons [ROOT ...]``: load course folders of lesson files.

Idempotent (a second run changes nothing), validates every exercise with the simulator before
writing anything, and never touches learners' progress or attempts. See DESIGN.md, "Lessons and
exercises", and lessons/services/content.py (``load_content``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lessons.services import content

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "content"


class Command(BaseCommand):
    help = (
        "Load courses from content roots (default lessons/content): <course>/course.yaml and "
        "<course>/NN-slug.md lesson files. Invalid content fails the command and loads nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "roots", nargs="*", type=Path, help="content roots (default: lessons/content)"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="load the valid lessons, report the invalid ones and exit 0 "
            "(for development while parts of the simulator are missing)",
        )

    def handle(self, *args, roots: list[Path], skip_invalid: bool, **options) -> None:
        roots = roots or [getattr(settings, "LESSONS_CONTENT_ROOT", DEFAULT_ROOT)]
        try:
            report = content.load_content(roots=[Path(r) for r in roots], skip_invalid=skip_invalid)
        except content.ContentInvalid as exc:
            count = len(exc.problems)
            raise CommandError(
                f"invalid lesson content, nothing was loaded ({count} "
                f"problem{'' if count == 1 else 's'}):\n"
                + "\n".join(f"  {problem}" for problem in exc.problems)
            ) from None
        # The editor shows each exercise as its file wrote it (flow style, comments); a text an
        # author typed since is kept while its exercise is unchanged (instructors/exercisetext).
        from instructors.exercisetext import keep_from_folders

        keep_from_folders([Path(r) for r in roots], replace_typed=False)
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        for problem in report.problems:
            self.stderr.write(self.style.WARNING(f"skipped: {problem}"))
        self.stdout.write(report.summary())
