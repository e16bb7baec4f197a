"""``python manage.py prepare``: ``migrate`` then ``loadlessons``, one process at a time.

Every web container runs this at start (deploy/entrypoint.sh). When several start at once
(``docker compose up --scale web=3``, a Kubernetes rollout) they would otherwise migrate the same
PostgreSQL database concurrently and fail on each other's tables; a session-level advisory lock
makes the second wait for the first, then find nothing left to do. SQLite serves one machine and
needs no lock.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any fixed 64-bit number, the same in every process: "netlearn" in ASCII.
LOCK_ID = int.from_bytes(b"netlearn", "big") & 0x7FFF_FFFF_FFFF_FFFF


class Command(BaseCommand):
    help = "Migrate the database and load the shipped course; safe to run from many processes."

    def handle(self, *args, **options) -> None:
        locked = connection.vendor == "postgresql"
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
        try:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            call_command("loadlessons", verbosity=options["verbosity"])
        finally:
            if locked:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
