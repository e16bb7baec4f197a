"""A learner's workspace: terminal commands, `clear`, "Reset", and the form kinds' saved rows.

A command is one transaction (``run_command``): the workspace row is locked
(``select_for_update``; on SQLite, whose writers take the database's lock when their transaction
begins, see settings.py), the simulator runs the line on the learner's network, the command is
stored as one ``TerminalEntry`` row, and the state (``TerminalState``) is saved only when the
command changed it. Two tabs of one learner therefore take turns and lose nothing.

Learner-facing errors are ``WorkspaceError`` (a sentence to show).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone

from lessons import exercises as ex
from lessons import kinds, terminallog
from lessons.diagram import packet_path
from lessons.models import (
    Exercise,
    TerminalEntry,
    TerminalState,
    Workspace,
)
from lessons.services import progress
from lessons.terminallog import MAX_STORED_OUTPUT, TRUNCATED
from netlearn.sim import Network, ScenarioError, SimError
from netlearn.sim.limits import MAX_LINE
from netlearn.sim.shell.execution import OVER_BUDGET_STATUS

logger = logging.getLogger(__name__)

MAX_WORKSPACE_COMMANDS = 500  # commands kept in one workspace before "Reset" is needed
MAX_FORM_STATE = 256 * 1024  # characters of JSON in a form workspace
# Bytes of JSON a terminal's state may hold (its network, as the database row stores it): a
# command that would grow it further is refused, so no learner can grow the row without bound.
MAX_WORKSPACE_STATE = 256 * 1024
# A command touches the learner's progress (in progress, last activity) when it is the first in
# its terminal or the terminal was idle this long: last activity is shown to the minute, and a
# learner typing commands would otherwise pay an UPDATE of their progress row on every one.
PROGRESS_TOUCH_INTERVAL = timedelta(seconds=60)
TRIM_EVERY = 16  # commands between two trims of a log's outputs to MAX_LOG_OUTPUT
PACKET_COMMANDS = {"ping", "traceroute"}  # commands whose Result.trace is a packet path


class WorkspaceError(Exception):
    """A command or form input that cannot be taken; the message is for the learner."""


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    host: str
    command: str
    output: str
    status: int
    # The exercise changed since the learner's last command: their commands were run again on
    # the new version's scenario (the log shows the new outputs).
    replayed: bool = False
    # The terminal's network after the command, and the packets' path it drew (ping,
    # traceroute), for the diagram.
    network: Network | None = None
    path: dict | None = None
    # False when the diagram on the learner's screen is still right: the command left the
    # network as it was and no packet path was drawn (``ip addr``, ``cat``...).
    redraw: bool = True

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


def run_command(*, learner, exercise: Exercise, host: str, line: str) -> CommandOutcome:
    """Run one command line on ``host`` in the learner's terminal for ``exercise``.

    The command is stored as the log's next TerminalEntry; the state is written only when the
    command changed it (the network, the drawn path, the progress touch): ``ip addr`` adds a
    row and writes nothing else. Raises ``WorkspaceError`` for a line that cannot be run (the
    learner's work is kept as it was)."""
    if not kinds.get_kind(exercise.kind).terminal:
        raise WorkspaceError("This exercise has no terminal.")
    line = line.rstrip("\r\n")
    if "\n" in line or "\r" in line:
        raise WorkspaceError("Type one command at a time.")
    if len(line) > MAX_LINE:
        raise WorkspaceError(f"A command line can be at most {MAX_LINE} characters long.")
    with transaction.atomic():
        outcome = _run_locked(learner=learner, exercise=exercise, host=host, line=line)
    if isinstance(outcome, str):  # refused; a replay's new outputs are kept all the same
        raise WorkspaceError(outcome)
    return outcome


def _run_locked(*, learner, exercise: Exercise, host: str, line: str) -> CommandOutcome | str:
    """``run_command``'s transaction: the outcome, or why the line was not run."""
    workspace = _locked_workspace(learner=learner, exercise=exercise)
    state = workspace.terminal
    net, replayed = _bring_to_current_version(workspace, exercise)
    if host not in net.hosts:
        return f"There is no host named {host!r} in this exercise."
    if not line.strip():  # a blank line: a new prompt, nothing to run or keep
        return CommandOutcome(
            host=host, command=line, output="", status=0, replayed=replayed, network=net
        )
    position = _last_position(workspace) + 1
    if position > MAX_WORKSPACE_COMMANDS:
        return (
            f"This terminal has reached its limit of {MAX_WORKSPACE_COMMANDS} commands. "
            "Reset the exercise to start over."
        )
    try:
        result = net.run(host, line)
    except SimError as exc:  # a simulator limit (too many commands, ...)
        return str(exc)
    if result.status == OVER_BUDGET_STATUS:  # the simulator stopped it: who, for the operator
        logger.warning(
            "command budget: %s's command %r in %s ran past its time budget",
            learner,
            line[:80],
            exercise.lesson.slug,
        )
    current = workspace.terminal  # after a replay, the new version's
    now = timezone.now()
    touch = position == 1 or _touch_due(current.progress_touched_at, now)
    after = dataclasses.replace(
        current,
        network=net.to_dict(),
        path=path_of(line, result.trace),
        progress_touched_at=now if touch else current.progress_touched_at,
    )
    entry = _log_entry(host, line, result.output, result.status)
    if _grows_past_limit(current, after):
        logger.warning(
            "workspace limit: %s's command %r in %s would grow the state past %d bytes",
            learner,
            line[:80],
            exercise.lesson.slug,
            MAX_WORKSPACE_STATE,
        )
        refusal = f"bash: {_command_name(line)}: resource limit exceeded\n"
        entry = _log_entry(host, line, refusal, 1)
        # the state as it was (but for the progress touch), and the network it holds
        after = dataclasses.replace(current, progress_touched_at=after.progress_touched_at)
        net = _network_of(current, exercise)
    TerminalEntry.objects.create(workspace=workspace, position=position, **entry)
    if position % TRIM_EVERY == 0:
        _trim_outputs(workspace)
    if touch:
        progress.touch(learner=learner, lesson=exercise.lesson, now=now)
    changed = not _same_network(current.network, after.network) or current.path != after.path
    if changed or touch:
        workspace.terminal = after
        workspace.save(update_fields=["state", "updated_at"])
    redraw = replayed or changed or state.path is not None
    return CommandOutcome(**entry, replayed=replayed, network=net, path=after.path, redraw=redraw)


def _locked_workspace(*, learner, exercise: Exercise) -> Workspace:
    """The learner's workspace for ``exercise``, created with the starting network if they have
    none, locked until the transaction ends, with its version's number
    (``exercise_version_number``)."""
    rows = Workspace.objects.select_for_update(of=("self",)).annotate(
        exercise_version_number=F("exercise_version__version")
    )
    workspace = rows.filter(learner=learner, exercise=exercise).first()
    if workspace is None:
        workspace, _ = Workspace.objects.select_for_update().get_or_create(
            learner=learner,
            exercise=exercise,
            # a callable: the starting network is built only when the workspace is created
            defaults={
                "exercise_version_id": _current_version_id(exercise),
                "state": lambda: fresh_state(exercise),
            },
        )
        workspace.exercise_version_number = workspace.exercise_version.version
    return workspace


def _current_version_id(exercise: Exercise) -> int:
    return exercise.versions.filter(version=exercise.version).values_list("pk", flat=True).get()


def _bring_to_current_version(workspace: Workspace, exercise: Exercise) -> tuple[Network, bool]:
    """The workspace's network, and whether its log was run again: a workspace of an older
    version of the exercise gets the new version's starting network with every command of its
    log run again (their new outputs stored), as if the learner had typed them on it."""
    if workspace.exercise_version_number == exercise.version:
        net = _network_of(workspace.terminal, None)
        if net is not None:
            return net, False
    net, log = current_network(workspace, exercise)
    TerminalEntry.objects.filter(workspace=workspace).delete()
    TerminalEntry.objects.bulk_create(
        TerminalEntry(workspace=workspace, position=position, **entry)
        for position, entry in enumerate(terminallog.within_output_budget(log), 1)
    )
    state = workspace.terminal
    start = min(state.log_start, len(log))
    workspace.terminal = TerminalState(net.to_dict(), start, None, state.progress_touched_at)
    workspace.exercise_version_id = _current_version_id(exercise)
    workspace.exercise_version_number = exercise.version
    workspace.save(update_fields=["state", "exercise_version", "updated_at"])
    return net, True


def _network_of(state: TerminalState, exercise: Exercise | None) -> Network | None:
    """The network a state holds; else (an unreadable state) the exercise's starting one."""
    if state.network is not None:
        try:
            return Network.from_dict(state.network)
        except (ScenarioError, SimError, KeyError, TypeError, ValueError):
            pass  # an unreadable state (an older simulator): rebuilt from the log
    return None if exercise is None else ex.starting_network(exercise.spec())


def current_network(workspace: Workspace, exercise: Exercise) -> tuple[Network, list[dict]]:
    """(network, log) of a terminal workspace at the exercise's current version: the saved
    network when it is that version's, else the log run again on its starting network (with
    the new outputs). Reads only; for grading and for bringing a workspace up to date."""
    version = getattr(workspace, "exercise_version_number", None)
    if version is None:
        version = workspace.exercise_version.version
    if version == exercise.version:
        net = _network_of(workspace.terminal, None)
        if net is not None:
            return net, workspace.log
    net = ex.starting_network(exercise.spec())
    log = []
    for entry in workspace.log:
        host, line = entry.get("host"), entry.get("command")
        if host in net.hosts and isinstance(line, str):
            result = net.run(host, line)
            log.append(_log_entry(host, line, result.output, result.status))
    return net, log


def _last_position(workspace: Workspace) -> int:
    """The position of the log's last command (0: none), read under the workspace's lock, so
    it sees the command of the tab that held the lock before."""
    last = workspace.entries.order_by("-position").values_list("position", flat=True).first()
    return last or 0


def _log_entry(host: str, line: str, output: str, status: int) -> dict:
    """A command and its output as the log keeps them: the output cut at ``MAX_STORED_OUTPUT``,
    and NUL characters as U+FFFD in both (PostgreSQL's text columns refuse NUL; a browser
    shows a NUL in a page as U+FFFD anyway)."""
    if len(output) > MAX_STORED_OUTPUT:
        output = output[:MAX_STORED_OUTPUT] + TRUNCATED
    return {
        "host": host,
        "command": line.replace("\x00", "\ufffd"),
        "output": output.replace("\x00", "\ufffd"),
        "status": status,
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


def _same_network(before: Any, after: dict | None) -> bool:
    """Whether two saved networks draw the same diagram: equal but for the count of commands
    run (the simulator's limit, which every command moves)."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return before == after
    return {**before, "commands_run": None} == {**after, "commands_run": None}


def _touch_due(touched: datetime | None, now: datetime) -> bool:
    """Whether a command must touch the learner's progress: none did in this terminal, or not
    within ``PROGRESS_TOUCH_INTERVAL``."""
    return touched is None or not timedelta(0) <= now - touched < PROGRESS_TOUCH_INTERVAL


def _state_bytes(state: TerminalState) -> int:
    """The size of the state as its database row stores it (UTF-8 JSON)."""
    return len(json.dumps(state.to_json(), ensure_ascii=False).encode())


def _grows_past_limit(before: TerminalState, after: TerminalState) -> bool:
    """Whether ``after`` is over ``MAX_WORKSPACE_STATE`` and larger than ``before`` (a state
    already over it may still shrink)."""
    size = _state_bytes(after)
    return size > MAX_WORKSPACE_STATE and size > _state_bytes(before)


def _command_name(line: str) -> str:
    words = line.split()
    return words[0] if words else line


def path_of(line: str, trace: Any) -> dict | None:
    """The packet path of a ping/traceroute the learner just ran, from its Result.trace (the
    authoring preview's terminal draws it too)."""
    try:
        words = shlex.split(line)
    except ValueError:
        return None
    while words and words[0] == "sudo":
        words = words[1:]
    if trace is None or not words or words[0] not in PACKET_COMMANDS:
        return None
    try:
        return packet_path(words[0], trace)
    except (SimError, TypeError, ValueError):
        return None


def clear_terminal(*, learner, exercise: Exercise) -> None:
    """`clear`: empty the learner's screen for good (a reload shows it empty too). The network
    and the command history stay, so a new version of the exercise can still replay them."""
    with transaction.atomic():
        workspace = (
            Workspace.objects.select_for_update().filter(learner=learner, exercise=exercise).first()
        )
        if workspace is None:
            return
        state = workspace.terminal
        workspace.terminal = dataclasses.replace(
            state, log_start=_last_position(workspace), path=None
        )
        workspace.save(update_fields=["state", "updated_at"])


def reset_workspace(*, learner, exercise: Exercise) -> Workspace:
    """Start the exercise over: the starting network, an empty log, no form rows. Attempts and
    progress are kept."""
    version = exercise.current_version()
    state = fresh_state(exercise)
    with transaction.atomic():
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
    with transaction.atomic():
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
