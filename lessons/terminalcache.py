"""The learner's terminal workspace row, kept in the shared cache and read along with the user.

A terminal command that leaves the network as it was (``ip addr``, ``ping``, ``dig``: most of
them) needs the workspace row, runs the simulator on it and appends one log row
(``services._run_unchanged``). Reading the row from PostgreSQL was one of the command's two
database round trips; under load each costs the web process and the database about 0.7 ms of CPU
apiece. Here the row is kept in the cache under the learner and the lesson's URL, and fetched in
the round trip that already reads the user (``netlearn.generations.ride_along_this_request``).

Why a stale copy is harmless: the append stores the command only if the workspace's
``updated_at`` is still the one the command ran on (every write of a terminal's state moves it),
in the same statement that locks the row. A copy that no longer matches costs one wasted attempt:
the command then runs on the row read from the database, as without this cache, and that row is
kept for the next command. So writers need not know about this cache; the ones on the learner's
own path (a command that changed the network, a drawn path, `clear`, a reset) refresh or drop it
to spare that attempt. A copy names its exercise, and is used only for that exercise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache

from lessons import pagecache
from lessons.models import Workspace
from netlearn import generations

logger = logging.getLogger(__name__)

KEY_VERSION = 1
TIMEOUT = 3600  # seconds: a learner away for an hour reads their row from the database again


def enabled() -> bool:
    """Only with a cache every process shares, as the lesson page cache."""
    return pagecache.enabled()


@dataclass(frozen=True)
class Slot:
    """Where one learner's row for one lesson is kept (``for_lesson``)."""

    course_slug: str
    lesson_slug: str

    def key(self, learner_id: object) -> str:
        return f"lessons:terminal:v{KEY_VERSION}:{learner_id}:{self.course_slug}:{self.lesson_slug}"

    def ride_along(self) -> None:
        """Fetch this slot with the user, in this request (call before ``request.user``)."""
        if enabled():
            generations.ride_along_this_request(self.key)

    def kept(self, learner_id: object, exercise_id: int) -> Workspace | None | bool:
        """The kept row as a Workspace (with ``exercise_version_number``); None when none is
        kept; False when the slot was not read along in this request."""
        found = generations.read_along(self.key(learner_id))
        if found is None:
            return False
        stored = next(iter(found.values()), None)
        if not (isinstance(stored, tuple) and len(stored) == 2):
            return None
        values, version_number = stored
        if not isinstance(values, dict) or values.get("exercise_id") != exercise_id:
            return None
        try:
            return Workspace.from_values(values, version_number)
        except (KeyError, TypeError, ValueError):
            return None

    def keep(self, workspace: Workspace, version_number: int) -> None:
        """Keep ``workspace`` as it is now in the database (its ``updated_at`` included): only
        when this slot was read along in this request, so the next request will read it too
        (without the user cache nothing rides along, and a copy would cost a round trip for
        nothing)."""
        key = self.key(workspace.learner_id)
        if not enabled() or generations.read_along(key) is None:
            return
        try:
            cache.set(key, (workspace.field_values(), version_number), timeout=TIMEOUT)
        except Exception:  # noqa: BLE001 - the cache is down: commands read the database
            logger.warning("terminal cache unavailable", exc_info=True)

    def forget(self, learner_id: object) -> None:
        if not enabled():
            return
        try:
            cache.delete(self.key(learner_id))
        except Exception:  # noqa: BLE001 - a stale copy is harmless (see the module)
            logger.warning("terminal cache unavailable", exc_info=True)
