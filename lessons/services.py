"""Every write to lessons' data: running commands in a workspace, grading, content loading.

Learner-facing errors are ``WorkspaceError`` (a sentence to show) and
``lessons.exercises.SubmissionError`` (one message per bad form row); invalid content is
``ContentInvalid`` (problems naming the file and field).

Progress never goes backwards: ``attempts`` and ``best_score`` are updated in SQL (``F()``,
``Greatest``) on a row locked with ``select_for_update``, ``completed`` stays completed, and the
Attempt and the Progress update commit together. SQLite has no row locks (and its in-memory test
database fails rather than waits on a lock), so there writes are also serialised in the process.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Coalesce, Greatest, Length
from django.utils import timezone

from lessons import exercises as ex
from lessons import kinds, lessonfile, pagecache, terminallog
from lessons.models import (
    Attempt,
    Course,
    Exercise,
    ExerciseVersion,
    Lesson,
    Progress,
    ProgressStatus,
    TerminalEntry,
    Workspace,
)
from lessons.terminalcache import Slot
from lessons.terminallog import MAX_STORED_OUTPUT, TRUNCATED
from netlearn.sim import Network, ScenarioError, SimError
from netlearn.sim.limits import MAX_LINE

MAX_WORKSPACE_COMMANDS = 500  # commands kept in one workspace before "Reset" is needed
MAX_FORM_STATE = 256 * 1024  # characters of JSON in a form workspace
# A command touches the learner's progress (in progress, last activity) when it is the first in
# its terminal or the terminal was idle this long: last activity is shown to the minute, and a
# learner typing commands would otherwise pay an UPDATE of their progress row on every one.
PROGRESS_TOUCH_INTERVAL = timedelta(seconds=60)
PROGRESS_TOUCHED = "progress_touched_at"  # the terminal state's key for the last touch
TRIM_EVERY = 16  # commands between two trims of a log's outputs to MAX_LOG_OUTPUT

_sqlite_lock = threading.RLock()


class WorkspaceError(Exception):
    """A command or form input that cannot be taken; the message is for the learner."""


class ContentInvalid(Exception):
    """Lesson content failed validation; ``problems`` are "file: field: message" lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _sqlite_writers() -> AbstractContextManager:
    """SQLite's process-wide writers' lock (SQLite has no row locks); nothing on PostgreSQL."""
    return _sqlite_lock if connection.vendor == "sqlite" else nullcontext()


@contextmanager
def _write_transaction() -> Iterator[None]:
    with _sqlite_writers(), transaction.atomic():
        yield


# -- progress ------------------------------------------------------------------------------------


def _locked_progress(*, learner, lesson: Lesson) -> Progress:
    progress, _ = Progress.objects.select_for_update().get_or_create(learner=learner, lesson=lesson)
    return progress


def _touch_progress(*, learner, lesson: Lesson, now: datetime) -> None:
    """Activity on a lesson: not started -> in progress; first/last activity times. An UPDATE,
    which sends no signal: the caller replaces the learner's page generation (run_command's
    workspace save does).

    One UPDATE (which locks the row) when the learner's row exists, as it does from their
    first command on; the row is created, under a lock, only the first time."""
    touch = {
        "status": Case(
            When(status=ProgressStatus.NOT_STARTED, then=Value(ProgressStatus.IN_PROGRESS)),
            default=F("status"),
        ),
        "first_activity_at": Coalesce(F("first_activity_at"), Value(now, DateTimeField())),
        "last_activity_at": Value(now, DateTimeField()),
    }
    if Progress.objects.filter(learner=learner, lesson=lesson).update(**touch):
        return
    progress = _locked_progress(learner=learner, lesson=lesson)
    Progress.objects.filter(pk=progress.pk).update(**touch)


def start_lesson(*, learner, lesson: Lesson) -> Progress:
    """Mark a lesson as in progress (the learner did something in it)."""
    with _write_transaction():
        pagecache.learner_changed(learner.pk)  # an UPDATE, which sends no signal
        _touch_progress(learner=learner, lesson=lesson, now=timezone.now())
    return Progress.objects.get(learner=learner, lesson=lesson)


# -- terminal workspaces -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    host: str
    command: str
    output: str
    status: int
    workspace: Workspace
    # The exercise changed since the learner's last command: their commands were run again on
    # the new version's scenario (the log shows the new outputs).
    replayed: bool = False
    # The simulator's structured detail of the command (ping/traceroute: the packets' path),
    # for the diagram; not stored.
    trace: Any = None
    # The terminal's network after the command (what the workspace now holds), for the diagram.
    network: Network | None = None
    # False when the diagram on the learner's screen is still right: the command left the
    # network as it was and no packet path was drawn (``ip addr``, ``cat``...).
    redraw: bool = True
    # The command's place in the log (TerminalEntry.position); 0 when nothing was stored.
    position: int = 0

    @property
    def entry(self) -> dict:
        return {
            "host": self.host,
            "command": self.command,
            "output": self.output,
            "status": self.status,
        }


def fresh_state(exercise: Exercise) -> dict:
    """A workspace's state before the learner did anything (a terminal's log is its
    TerminalEntry rows, none yet)."""
    return kinds.get_kind(exercise.kind).fresh_state(exercise.spec())


def _log_entry(host: str, line: str, result) -> dict:
    """A command and its output as the log keeps them: the output cut at ``MAX_STORED_OUTPUT``,
    and NUL characters as U+FFFD in both (PostgreSQL's text columns refuse NUL; a browser
    shows a NUL in a page as U+FFFD anyway)."""
    output = result.output
    if len(output) > MAX_STORED_OUTPUT:
        output = output[:MAX_STORED_OUTPUT] + TRUNCATED
    return {
        "host": host,
        "command": line.replace("\x00", "\ufffd"),
        "output": output.replace("\x00", "\ufffd"),
        "status": result.status,
    }


def _trim_outputs(workspace: Workspace) -> None:
    """Empty the stored outputs beyond the log's budget (lessons/terminallog.py); run every
    ``TRIM_EVERY`` commands, so a log holds at most that many outputs more than the budget."""
    lengths = (
        TerminalEntry.objects.filter(workspace=workspace)
        .exclude(output="")
        .order_by("-position")
        .values_list("pk", Length("output"))
    )
    beyond = terminallog.outputs_beyond_budget(list(lengths))
    if beyond:
        TerminalEntry.objects.filter(pk__in=beyond).update(output="")


def _store_log(workspace: Workspace, log: list[dict]) -> None:
    """Replace a workspace's whole log (after a replay on a new exercise version)."""
    TerminalEntry.objects.filter(workspace=workspace).delete()
    TerminalEntry.objects.bulk_create(
        TerminalEntry(workspace=workspace, position=position, **entry)
        for position, entry in enumerate(terminallog.within_output_budget(log), 1)
    )


def _terminal(workspace: Workspace, exercise: Exercise, version_id: int) -> tuple:
    """(network, replayed log or None) of a terminal workspace, brought to the exercise version
    ``version_id``: the saved network when it belongs to that version (the log is not read),
    else the log run again on the version's starting network, with its new outputs (the caller
    stores them when it writes)."""
    state = workspace.state if isinstance(workspace.state, dict) else {}
    if workspace.exercise_version_id == version_id and "network" in state:
        try:
            return Network.from_dict(state["network"]), None
        except (ScenarioError, SimError, KeyError, TypeError, ValueError):
            pass  # an unreadable state (an older simulator): rebuild it from the log
    net = ex.starting_network(exercise.spec())
    new_log = []
    for entry in workspace.log:
        host, line = entry.get("host"), entry.get("command")
        if host in net.hosts and isinstance(line, str):
            new_log.append(_log_entry(host, line, net.run(host, line)))
    return net, new_log


def _same_network(before: Any, after: dict) -> bool:
    """Whether two saved networks draw the same diagram: equal but for the count of commands
    run (the simulator's limit, which every command moves)."""
    if not isinstance(before, dict):
        return False
    return {**before, "commands_run": None} == {**after, "commands_run": None}


def _touch_due(state: dict, now: datetime) -> bool:
    """Whether this terminal's command must touch the learner's progress: no command of it has
    (its state keeps when one last did), or not within ``PROGRESS_TOUCH_INTERVAL``."""
    try:
        touched = datetime.fromisoformat(state[PROGRESS_TOUCHED])
    except (KeyError, TypeError, ValueError):
        return True
    return not timedelta(0) <= now - touched < PROGRESS_TOUCH_INTERVAL


def _current_version_id(exercise: Exercise) -> int:
    """The primary key of the exercise's current version (without reading its content)."""
    return exercise.versions.filter(version=exercise.version).values_list("pk", flat=True).get()


_WORKSPACE_COLUMNS = [(field.attname, field.column) for field in Workspace._meta.concrete_fields]
_TERMINAL_ROW_SQL = f"""
    SELECT {", ".join(f"w.{column}" for _, column in _WORKSPACE_COLUMNS)}, v.version
    FROM lessons_workspace w JOIN lessons_exerciseversion v ON v.id = w.exercise_version_id
    WHERE w.learner_id = %s AND w.exercise_id = %s
"""
_LAST_POSITION_SQL = "SELECT max(position) FROM lessons_terminalentry WHERE workspace_id = %s"
# The log's next command in one statement, for a command that left the network as it was,
# outside a transaction: the workspace is locked for this one statement, and the entry stored
# only if the workspace is still as the command saw it (``updated_at``: every write of a
# terminal's state moves it). The position is read from the statement's snapshot, which may
# predate waiting for the lock: a command stored meanwhile makes this insert fail on the unique
# position, and the caller falls back. Nothing is stored when the log holds the most it may.
_APPEND_UNCHANGED_SQL = """
    WITH w AS (SELECT id FROM lessons_workspace WHERE id = %s AND updated_at = %s {lock}),
         n AS (SELECT coalesce(max(position), 0) AS last
               FROM lessons_terminalentry WHERE workspace_id = %s)
    INSERT INTO lessons_terminalentry (workspace_id, position, host, command, output, status)
    SELECT w.id, n.last + 1, %s, %s, %s, %s FROM w, n WHERE n.last < %s
    RETURNING position
"""
# The same under the workspace's lock, held by the caller's transaction: its position is read
# in a statement of its own, so it sees the command of the tab that held the lock before.
_APPEND_SQL = """
    INSERT INTO lessons_terminalentry (workspace_id, position, host, command, output, status)
    SELECT %s, coalesce(max(position), 0) + 1, %s, %s, %s, %s
    FROM lessons_terminalentry WHERE workspace_id = %s
    HAVING coalesce(max(position), 0) < %s
    RETURNING position
"""


def _terminal_row(*, learner, exercise: Exercise, lock: bool) -> Workspace | None:
    """The learner's workspace with its version's number (``exercise_version_number``), locked
    when ``lock`` (PostgreSQL; SQLite has no row locks, there ``_write_transaction``'s
    process-wide lock serialises the writers).

    Plain SQL, as ``_last_position`` and the appends: every command runs these, and building
    them through the ORM cost about as much CPU as the rest of the command."""
    suffix = " FOR UPDATE OF w" if lock and connection.vendor == "postgresql" else ""
    params = [getattr(learner, "pk", learner), getattr(exercise, "pk", exercise)]
    with connection.cursor() as cursor:
        cursor.execute(_TERMINAL_ROW_SQL + suffix, params)
        row = cursor.fetchone()
    return None if row is None else _workspace_from_row(row)


def _workspace_from_row(row: tuple) -> Workspace:
    """The Workspace of a ``_TERMINAL_ROW_SQL`` row, as the ORM builds one (the state decoded,
    SQLite's datetime text parsed), with ``exercise_version_number``. Not a RawQuerySet: its
    setup for each query (model init order, converters) cost a command more CPU than the
    query's round trip."""
    *fields, version_number = row
    values = dict(zip((name for name, _ in _WORKSPACE_COLUMNS), fields, strict=True))
    values["state"] = Workspace._meta.get_field("state").from_db_value(
        values["state"], None, connection
    )
    if connection.vendor == "sqlite":  # PostgreSQL's driver returns datetimes already
        for name in ("created_at", "updated_at"):
            values[name] = connection.ops.convert_datetimefield_value(
                values[name], None, connection
            )
    return Workspace.from_values(values, version_number)


def _last_position(workspace: Workspace) -> int:
    """The position of the log's last command (0: none), read once the workspace is locked: as a
    subquery of the locking SELECT it would come from the snapshot taken before waiting for the
    lock, and miss the command of the tab that held it."""
    with connection.cursor() as cursor:
        cursor.execute(_LAST_POSITION_SQL, [workspace.pk])
        return cursor.fetchone()[0] or 0


def _append_entry(workspace: Workspace, entry: dict, *, unchanged: bool = False) -> int | None:
    """Store ``entry`` as the log's next command (every ``TRIM_EVERY`` commands the log's
    outputs are trimmed); its position, or None when the log is full or (``unchanged``: outside
    a transaction, see ``_APPEND_UNCHANGED_SQL``) when the workspace changed since it was read."""
    values = [entry["host"], entry["command"], entry["output"], entry["status"]]
    if unchanged:
        lock = "FOR UPDATE" if connection.vendor == "postgresql" else ""
        seen = connection.ops.adapt_datetimefield_value(workspace.updated_at)
        sql = _APPEND_UNCHANGED_SQL.format(lock=lock)
        params = [workspace.pk, seen, workspace.pk, *values, MAX_WORKSPACE_COMMANDS]
    else:
        sql, params = _APPEND_SQL, [workspace.pk, *values, workspace.pk, MAX_WORKSPACE_COMMANDS]
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError:  # another tab's command took this position
        if not unchanged:
            raise  # under the lock no other tab can: a real error
        return None
    if row is None:
        return None
    if row[0] % TRIM_EVERY == 0:
        _trim_outputs(workspace)
    return row[0]


def _run_unchanged(
    *, learner, exercise: Exercise, host: str, line: str, slot: Slot | None
) -> CommandOutcome | None:
    """Most commands leave the network as it was (``ip addr``, ``ping``, ``dig``...). Those
    are run on the workspace as read, without a transaction, and stored by one statement
    (``_append_entry``): no BEGIN, no COMMIT, no state written. None when the command
    needs ``run_command``'s locked path: it changed the network, a path is drawn, the progress
    is due a touch, the exercise changed, the log is full or another tab wrote meanwhile (that
    path runs it again, on the workspace as it then is).

    The workspace is the copy ``slot`` kept in the cache when there is one (no database read:
    lessons/terminalcache.py); when that copy turns out stale, the row read from the database,
    which is then kept."""
    # SQLite: its in-memory test database fails rather than waits on a table another thread is
    # writing; the process-wide writers' lock covers the read too.
    with _sqlite_writers():
        learner_id = getattr(learner, "pk", learner)
        kept = slot.kept(learner_id, exercise.pk) if slot is not None else False
        if kept:
            outcome = _run_unchanged_on(kept, exercise=exercise, host=host, line=line)
            if outcome is not None:
                return outcome
        workspace = _terminal_row(learner=learner, exercise=exercise, lock=False)
        if workspace is None:
            return None
        if isinstance(kept, Workspace) and kept.updated_at == workspace.updated_at:
            # The copy was current: the command needs the locked path (it changed the network,
            # a path is drawn...), and running it again on the same row would only repeat that.
            return None
        if slot is not None:
            slot.keep(workspace, workspace.exercise_version_number)
        return _run_unchanged_on(workspace, exercise=exercise, host=host, line=line)


def _run_unchanged_on(
    workspace: Workspace, *, exercise: Exercise, host: str, line: str
) -> CommandOutcome | None:
    if workspace.exercise_version_number != exercise.version:
        return None
    state = workspace.state
    if not isinstance(state, dict) or "path" in state or not line.strip():
        return None
    if _touch_due(state, timezone.now()):
        return None
    try:
        net = Network.from_dict(state["network"])
        if host not in net.hosts:
            return None
        result = net.run(host, line)
    except (ScenarioError, SimError, KeyError, TypeError, ValueError):
        return None
    if not _same_network(state["network"], net.to_dict()):
        return None
    entry = _log_entry(host, line, result)
    position = _append_entry(workspace, entry, unchanged=True)
    if position is None:
        return None
    pagecache.learner_changed(workspace.learner_id)
    return CommandOutcome(
        **entry,
        workspace=workspace,
        trace=result.trace,
        network=net,
        redraw=False,
        position=position,
    )


def run_command(
    *, learner, exercise: Exercise, host: str, line: str, slot: Slot | None = None
) -> CommandOutcome:
    """Run one command line on ``host`` in the learner's terminal for ``exercise``; the
    command is stored as the log's next TerminalEntry, and the workspace's state is written
    only when the command changed what it holds (the network, the drawn path, the progress
    touch): ``ip addr`` or ``ping`` add a row and write nothing else. ``slot``: where the
    view keeps the learner's row in the cache (lessons/terminalcache.py), refreshed here."""
    if not kinds.get_kind(exercise.kind).terminal:
        raise WorkspaceError("This exercise has no terminal.")
    line = line.rstrip("\r\n")
    if "\n" in line or "\r" in line:
        raise WorkspaceError("Type one command at a time.")
    if len(line) > MAX_LINE:
        raise WorkspaceError(f"A command line can be at most {MAX_LINE} characters long.")
    unchanged = _run_unchanged(learner=learner, exercise=exercise, host=host, line=line, slot=slot)
    if unchanged is not None:
        return unchanged
    error = ""
    entry: dict = {"host": host, "command": line, "output": "", "status": 0}
    trace = None
    saved = ["state", "exercise_version", "updated_at"]
    redraw = True
    position = 0
    with _write_transaction():
        # The workspace, locked, with its version's number: when that is the exercise's current
        # version (every command but the first after a change), no need to look the version up.
        workspace = _terminal_row(learner=learner, exercise=exercise, lock=True)
        created = False
        if workspace is not None and workspace.exercise_version_number == exercise.version:
            version_id = workspace.exercise_version_id
        else:
            version_id = _current_version_id(exercise)
        if workspace is None:
            workspace, created = Workspace.objects.select_for_update().get_or_create(
                learner=learner,
                exercise=exercise,
                # a callable: the starting network is built only when the workspace is created
                defaults={
                    "exercise_version_id": version_id,
                    "state": lambda: fresh_state(exercise),
                },
            )
        net, replayed_log = _terminal(workspace, exercise, version_id)
        replayed = replayed_log is not None and not created
        if replayed_log is not None:  # keep the new outputs even if this line is refused
            _store_log(workspace, replayed_log)
            workspace.state = _terminal_state(net.to_dict(), workspace.state, len(replayed_log))
            workspace.exercise_version_id = version_id
            workspace.save(update_fields=saved)
        if host not in net.hosts:
            error = f"There is no host named {host!r} in this exercise."
        elif not line.strip():
            pass  # a blank line: a new prompt, nothing to run or keep
        else:
            try:
                result = net.run(host, line)
            except SimError as exc:  # a simulator limit (too many commands, ...)
                error = str(exc)
            else:
                entry, trace = _log_entry(host, line, result), result.trace
                position = _append_entry(workspace, entry) or 0
                if not position:  # the log is full: the command is not kept
                    error = (
                        f"This terminal has reached its limit of {MAX_WORKSPACE_COMMANDS} "
                        "commands. Reset the exercise to start over."
                    )
            if position:
                previous = workspace.state if isinstance(workspace.state, dict) else {}
                network = net.to_dict()
                changed = not _same_network(previous.get("network"), network)
                redraw = replayed or "path" in previous or changed
                now = timezone.now()
                touch = position == 1 or _touch_due(previous, now)
                if touch:
                    _touch_progress(learner=learner, lesson=exercise.lesson, now=now)
                if redraw or touch:
                    state = _terminal_state(network, previous, position)
                    if touch:
                        state[PROGRESS_TOUCHED] = now.isoformat()
                    workspace.state = state
                    workspace.save(update_fields=saved)  # its signal replaces the page
                else:  # the state holds this network already: only the log grew
                    pagecache.learner_changed(learner.pk)
    if slot is not None:  # as the database now holds it, for the next command
        slot.keep(workspace, exercise.version)
    if error:
        raise WorkspaceError(error)
    return CommandOutcome(
        **entry,
        workspace=workspace,
        replayed=replayed,
        trace=trace,
        network=net,
        redraw=redraw,
        position=position,
    )


def remember_path(
    *, workspace: Workspace, path: dict, position: int, slot: Slot | None = None
) -> None:
    """Keep the packets' path of the command that left ``workspace`` in its state (a ping, a
    traceroute) beside the network, for the diagram; the next command's state drops it.

    Only while that command (at ``position`` in the log) is still the last one: if another
    tab's command was stored meanwhile, writing the state this request saw would undo that
    command (a lost update)."""
    with _write_transaction():
        current = _terminal_row(
            learner=workspace.learner_id, exercise=workspace.exercise_id, lock=True
        )
        if current is None or not isinstance(current.state, dict):
            return
        if _last_position(current) != position:
            return  # another command came after this one: its state wins, without a path
        current.state, current.updated_at = {**current.state, "path": path}, timezone.now()
        Workspace.objects.filter(pk=current.pk).update(
            state=current.state, updated_at=current.updated_at
        )
        pagecache.learner_changed(current.learner_id)
    if slot is not None:
        slot.keep(current, current.exercise_version_number)


def _terminal_state(network: dict, previous: Any, count: int) -> dict:
    """A terminal workspace's new state for ``network`` (``Network.to_dict()``; no path drawn)
    with ``count`` commands in its log: the screen stays cleared where it was cleared, and the
    progress touch is remembered."""
    state = {"network": network}
    previous = previous if isinstance(previous, dict) else {}
    start = previous.get("log_start")
    if isinstance(start, int) and start > 0:
        state["log_start"] = min(start, count)
    if PROGRESS_TOUCHED in previous:
        state[PROGRESS_TOUCHED] = previous[PROGRESS_TOUCHED]
    return state


def clear_terminal(*, learner, exercise: Exercise) -> None:
    """`clear`: empty the learner's screen for good (a reload shows it empty too). The network
    and the command history stay, so a new version of the exercise can still replay them."""
    with _write_transaction():
        workspace = _terminal_row(learner=learner, exercise=exercise, lock=True)
        if workspace is None or not isinstance(workspace.state, dict):
            return
        state = {k: v for k, v in workspace.state.items() if k != "path"}
        state["log_start"] = _last_position(workspace)
        workspace.state = state
        workspace.save(update_fields=["state", "updated_at"])


def reset_workspace(*, learner, exercise: Exercise) -> Workspace:
    """Start the exercise over: the starting network, an empty log, no form rows. Attempts and
    progress are kept."""
    version = exercise.current_version()
    state = fresh_state(exercise)
    with _write_transaction():
        workspace, _ = Workspace.objects.select_for_update().get_or_create(
            learner=learner,
            exercise=exercise,
            defaults={"exercise_version": version, "state": state},
        )
        TerminalEntry.objects.filter(workspace=workspace).delete()
        workspace.state = state
        workspace.exercise_version = version
        workspace.save()
    return workspace


def save_form_rows(*, learner, exercise: Exercise, rows: dict) -> Workspace:
    """Keep a learner's form input (``{"routes": ...}``, ``{"records": ...}``,
    ``{"answers": [...]}``) so that it is there when they come back."""
    key = kinds.get_kind(exercise.kind).submission_key
    if key is None:
        raise WorkspaceError("This exercise has no form.")
    if not isinstance(rows, dict) or set(rows) - {key}:
        raise WorkspaceError(f"Expected the {key} of this exercise.")
    if len(json.dumps(rows)) > MAX_FORM_STATE:
        raise WorkspaceError("This form is too large.")
    version = exercise.current_version()
    with _write_transaction():
        workspace, created = Workspace.objects.select_for_update().get_or_create(
            learner=learner,
            exercise=exercise,
            defaults={"exercise_version": version, "state": rows},
        )
        if not created:
            workspace.state = rows
            workspace.exercise_version = version
            workspace.save()
    return workspace


# -- grading -------------------------------------------------------------------------------------


def attempt_grade(*, learner, exercise: Exercise, submission: Any = None) -> Attempt:
    """Grade the learner's work: their terminal workspace (``submission`` is ignored), or the
    form ``submission`` (routes, records, answers: see lessons/exercises.py).

    Stores an Attempt with one result per goal and updates Progress in one transaction.
    Raises ``SubmissionError`` (no attempt is counted) when a form row cannot be applied; the
    rows are kept in the workspace either way.
    """
    spec = exercise.spec()
    version = exercise.current_version()
    if kinds.get_kind(exercise.kind).terminal:
        workspace = Workspace.objects.filter(learner=learner, exercise=exercise).first()
        if workspace is None:
            net, log = ex.starting_network(spec), []
        else:
            net, replayed_log = _terminal(workspace, exercise, version.pk)
            log = replayed_log if replayed_log is not None else workspace.log
        submitted: dict = {"commands": [{"host": e["host"], "command": e["command"]} for e in log]}
        grade = ex.grade(spec, network=net)
    else:
        submitted = submission if isinstance(submission, dict) else {}
        save_form_rows(learner=learner, exercise=exercise, rows=submitted)
        grade = ex.grade(spec, submission=submitted)

    results = [r.as_dict() for r in grade.results]
    score, passed = grade.score, grade.passed
    now = timezone.now()
    with _write_transaction():
        progress = _locked_progress(learner=learner, lesson=exercise.lesson)
        attempt = Attempt.objects.create(
            learner=learner,
            exercise=exercise,
            exercise_version=version,
            submitted=submitted,
            results=results,
            score=score,
            passed=passed,
            created_at=now,
        )
        completed = Value(ProgressStatus.COMPLETED)
        # An UPDATE sends no signal: the Attempt's post_save above replaced the learner's page
        # generation in this transaction.
        Progress.objects.filter(pk=progress.pk).update(
            attempts=F("attempts") + 1,
            best_score=Greatest(F("best_score"), Value(score)),
            status=completed
            if passed
            else Case(
                When(status=ProgressStatus.COMPLETED, then=completed),
                default=Value(ProgressStatus.IN_PROGRESS),
            ),
            completed_at=Coalesce(F("completed_at"), Value(now, DateTimeField()))
            if passed
            else F("completed_at"),
            first_activity_at=Coalesce(F("first_activity_at"), Value(now, DateTimeField())),
            last_activity_at=Value(now, DateTimeField()),
        )
    return attempt


# -- authoring and loading -----------------------------------------------------------------------


def save_exercise(*, lesson: Lesson, spec: dict | None) -> str:
    """Create, update or remove a lesson's exercise from its lesson-file mapping.

    The mapping is validated with the simulator (raises ``ExerciseInvalid``). A changed exercise
    gets a new version; earlier attempts keep theirs. Returns "created", "updated", "unchanged"
    or "removed". An exercise with attempts cannot be removed (``ContentInvalid``).
    """
    return _store_exercise(lesson, None if spec is None else ex.normalise_spec(spec))


def _store_exercise(lesson: Lesson, clean: dict | None) -> str:
    existing = Exercise.objects.filter(lesson=lesson).first()
    if clean is None:
        if existing is None:
            return "unchanged"
        if existing.attempts.exists():
            raise ContentInvalid(
                [f"{lesson.title}: exercise: learners have attempts on it; archive the lesson"]
            )
        existing.delete()
        return "removed"
    fields = ex.fields_from_spec(clean)
    digest = ex.content_hash(clean)
    if existing is not None and existing.content_hash == digest:
        return "unchanged"
    with transaction.atomic():
        if existing is None:
            exercise = Exercise.objects.create(lesson=lesson, content_hash=digest, **fields)
            status = "created"
        else:
            exercise = existing
            for name, value in fields.items():
                setattr(exercise, name, value)
            exercise.content_hash = digest
            latest = exercise.versions.order_by("-version").values_list("version", flat=True)
            exercise.version = max(existing.version, latest.first() or 0) + 1
            exercise.save()
            status = "updated"
        ExerciseVersion.objects.create(
            exercise=exercise, version=exercise.version, content_hash=digest, **fields
        )
    return status


def archive_lesson(*, lesson: Lesson) -> Lesson:
    """ "Delete" a lesson: learners no longer see it; attempts and progress are kept."""
    if lesson.archived_at is None:
        lesson.archived_at = timezone.now()
        lesson.save(update_fields=["archived_at", "updated_at"])
    return lesson


def restore_lesson(*, lesson: Lesson) -> Lesson:
    if lesson.archived_at is not None:
        lesson.archived_at = None
        lesson.save(update_fields=["archived_at", "updated_at"])
    return lesson


def _lesson_hash(parsed: lessonfile.LessonFile, order: int) -> str:
    return ex.content_hash(
        {
            "title": parsed.title,
            "slug": parsed.slug,
            "body": parsed.body,
            "published": parsed.published,
            "order": order,
            "exercise": parsed.exercise,
        }
    )


def import_lesson(
    *,
    course: Course,
    parsed: lessonfile.LessonFile,
    order: int | None = None,
    source_path: str = "",
) -> tuple[Lesson, str]:
    """Create or update the lesson ``parsed.slug`` of ``course`` from a parsed lesson file.

    Returns (lesson, "created" | "updated" | "unchanged"); learners' progress and attempts are
    never touched. Raises ``ExerciseInvalid`` when the exercise does not validate.
    """
    clean = None if parsed.exercise is None else ex.normalise_spec(parsed.exercise)
    lesson, status, _ = _import_lesson(course, parsed, clean, order, source_path)
    return lesson, status


def _import_lesson(
    course: Course,
    parsed: lessonfile.LessonFile,
    clean: dict | None,
    order: int | None,
    source_path: str,
) -> tuple[Lesson, str, str]:
    """(lesson, its status, its exercise's status) for a lesson whose exercise is validated."""
    with transaction.atomic():
        lesson = Lesson.objects.filter(course=course, slug=parsed.slug).first()
        if order is None:
            order = lesson.order if lesson is not None else _next_order(course)
        digest = _lesson_hash(parsed, order)
        if (
            lesson is not None
            and lesson.content_hash == digest
            and lesson.archived_at is None
            and lesson.source_path == source_path
        ):
            return lesson, "unchanged", "unchanged"
        created = lesson is None
        if created:
            lesson = Lesson(course=course, slug=parsed.slug)
        lesson.title = parsed.title
        lesson.body = parsed.body
        lesson.published = parsed.published
        lesson.order = order
        lesson.source_path = source_path
        lesson.archived_at = None
        lesson.content_hash = digest
        lesson.save()
        exercise_status = _store_exercise(lesson, clean)
    return lesson, "created" if created else "updated", exercise_status


def _next_order(course: Course) -> int:
    last = course.lessons.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@dataclass
class LoadReport:
    courses: Counter = field(default_factory=Counter)
    lessons: Counter = field(default_factory=Counter)
    exercises: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        def line(name: str, counts: Counter, keys: tuple[str, ...]) -> str:
            return f"{name}: " + ", ".join(f"{counts[k]} {k}" for k in keys)

        return "\n".join(
            [
                line("Courses", self.courses, ("created", "updated", "unchanged")),
                line("Lessons", self.lessons, ("created", "updated", "unchanged", "archived")),
                line("Exercises", self.exercises, ("created", "updated", "unchanged", "removed")),
            ]
        )


@dataclass
class _CourseContent:
    folder: Path
    parsed: lessonfile.CourseFile
    # (source path, lesson, its normalised exercise or None)
    lessons: list[tuple[str, lessonfile.LessonFile, dict | None]]
    complete: bool = True  # every lesson file was read (nothing skipped)


def read_content(*, roots: list[Path], report: LoadReport) -> list[_CourseContent]:
    """Read and validate every course under ``roots`` (no database access); problems go to
    ``report.problems`` as "file: field: message"."""
    courses: list[_CourseContent] = []
    seen_courses: dict[str, Path] = {}
    for root in roots:
        if not root.is_dir():
            report.problems.append(f"{root}: not a directory")
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.name.startswith((".", "_")):
                continue
            course_file = folder / "course.yaml"
            if not course_file.is_file():
                if any(folder.glob("*.md")):
                    report.warnings.append(f"{folder}: no course.yaml, folder skipped")
                continue
            if folder.name in seen_courses:
                report.problems.append(
                    f"{folder}: the course {folder.name} is also in {seen_courses[folder.name]}"
                )
                continue
            seen_courses[folder.name] = folder
            try:
                parsed = lessonfile.parse_course(
                    course_file.read_text(encoding="utf-8"),
                    path=str(course_file),
                    slug=folder.name,
                )
            except lessonfile.LessonFileError as exc:
                report.problems.append(str(exc))
                continue
            content = _CourseContent(folder, parsed, [])
            files, others = lessonfile.lesson_files(folder)
            for other in others:
                report.warnings.append(f"{other}: not a lesson file (NN-slug.md), ignored")
            slugs: dict[str, str] = {}
            for path in files:
                try:
                    lesson = lessonfile.parse_lesson(
                        path.read_text(encoding="utf-8"),
                        path=str(path),
                        default_slug=lessonfile.slug_from_file_name(path.name),
                    )
                    if lesson.slug in slugs:
                        raise lessonfile.LessonFileError(
                            f"the slug {lesson.slug!r} is also used by {slugs[lesson.slug]}",
                            path=str(path),
                            field="slug",
                        )
                    slugs[lesson.slug] = path.name
                    clean = None
                    if lesson.exercise is not None:
                        clean = ex.normalise_spec(lesson.exercise)
                except ex.ExerciseInvalid as exc:
                    report.problems += [f"{path}: {p}" for p in exc.problems]
                    content.complete = False
                    continue
                except (lessonfile.LessonFileError, UnicodeDecodeError) as exc:
                    report.problems.append(
                        str(exc)
                        if isinstance(exc, lessonfile.LessonFileError)
                        else f"{path}: {exc}"
                    )
                    content.complete = False
                    continue
                content.lessons.append((f"{folder.name}/{path.name}", lesson, clean))
            courses.append(content)
    return courses


def load_content(*, roots: list[Path], skip_invalid: bool = False) -> LoadReport:
    """Load course folders into the database, idempotently (see DESIGN.md).

    Everything is validated before anything is written: with invalid content nothing changes and
    ``ContentInvalid`` is raised, unless ``skip_invalid`` (then the valid lessons load and the
    report lists the problems). Lessons whose file is gone are archived; progress and attempts
    are never touched.
    """
    report = LoadReport()
    courses = read_content(roots=roots, report=report)
    if report.problems and not skip_invalid:
        raise ContentInvalid(report.problems)
    try:
        _write_content(courses, report)
    except IntegrityError:
        # Another loadlessons (a second container starting) created the same rows first; what
        # it committed is what we were about to write, so a second pass finds it.
        for counts in (report.courses, report.lessons, report.exercises):
            counts.clear()
        _write_content(courses, report)
    return report


def _write_content(courses: list[_CourseContent], report: LoadReport) -> None:
    with transaction.atomic():
        for position, content in enumerate(courses, start=1):
            _load_course(content, position, report)


def _load_course(content: _CourseContent, position: int, report: LoadReport) -> None:
    parsed = content.parsed
    order = parsed.order if parsed.order is not None else position
    digest = ex.content_hash(
        {
            "title": parsed.title,
            "description": parsed.description,
            "order": order,
            "published": parsed.published,
        }
    )
    course = Course.objects.filter(slug=parsed.slug).first()
    if course is None:
        course = Course.objects.create(
            slug=parsed.slug,
            title=parsed.title,
            description=parsed.description,
            order=order,
            published=parsed.published,
            source_path=parsed.slug,
            content_hash=digest,
        )
        report.courses["created"] += 1
    elif course.content_hash != digest or course.source_path != parsed.slug:
        course.title, course.description = parsed.title, parsed.description
        course.order, course.published = order, parsed.published
        course.source_path, course.content_hash = parsed.slug, digest
        course.save()
        report.courses["updated"] += 1
    else:
        report.courses["unchanged"] += 1

    loaded = set()
    for index, (source_path, lesson_file, clean) in enumerate(content.lessons, start=1):
        _lesson, status, exercise_status = _import_lesson(
            course, lesson_file, clean, index, source_path
        )
        report.lessons[status] += 1
        if lesson_file.exercise is not None or exercise_status == "removed":
            report.exercises[exercise_status] += 1
        loaded.add(source_path)
    if content.complete:
        gone = course.lessons.filter(archived_at__isnull=True).exclude(source_path="")
        for lesson in gone.exclude(source_path__in=loaded):
            archive_lesson(lesson=lesson)
            report.lessons["archived"] += 1


def reorder_lessons(*, course: Course, lessons: list[Lesson]) -> None:
    """Put ``lessons`` (all of the course's, or some of them) first, in this order; the others
    keep their relative order after them."""
    if any(lesson.course_id != course.pk for lesson in lessons):
        raise ValueError("every lesson must belong to the course")
    chosen = [lesson.pk for lesson in lessons]
    rest = (
        course.lessons.exclude(pk__in=chosen).order_by("order", "slug").values_list("pk", flat=True)
    )
    with transaction.atomic():
        pagecache.content_changed()  # the UPDATEs below send no signal
        for order, pk in enumerate([*chosen, *rest], start=1):
            Lesson.objects.filter(pk=pk).update(order=order)
