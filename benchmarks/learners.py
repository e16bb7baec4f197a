"""The learners of the load test (``benchmarks/load.py``): what they type and when.

A learner arrives at a seeded random moment of the arrival window (a class coming in), logs in,
opens a terminal lesson of the shipped course, and then, until the end of the run, types a
command, pressing "Check my work" about every ten commands and reloading the lesson page now and
then; between two requests they think for a seeded random time whose mean is ``think`` seconds.
About every twenty commands they send two at the same moment, a ping and the next command, as
from two open tabs (two requests of one learner must not lose either command).
"""

from __future__ import annotations

import http.client
import ipaddress
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.stack import Client, Response, Stack
from lessons.lessonfile import lesson_files, parse_course, parse_lesson, slug_from_file_name

CONTENT = Path(__file__).resolve().parents[1] / "lessons" / "content"
MAX_COMMANDS_PER_LEARNER = 450  # stay clear of the workspace's 500-command limit


@dataclass(frozen=True, slots=True)
class Habits:
    """How a learner works: the same for the whole class, each learner's draws seeded apart."""

    think: float = 3.0  # mean seconds between two requests of one learner
    check_every: int = 10  # commands between two checks, on average
    page_every: int = 25  # commands between two reloads of the lesson page, on average
    tabs_every: int = 20  # commands between two sent at once from two tabs; 0: never

    def pause(self, rng: random.Random) -> float:
        """A think time: uniform between half and one and a half times the mean (bounded, so
        a run's length does not depend on a long tail of draws)."""
        return rng.uniform(0.5 * self.think, 1.5 * self.think)


# -- what the learners type ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TerminalLesson:
    course: str
    slug: str
    hosts: tuple[str, ...]
    solution: tuple[tuple[str, str], ...]  # (host, command) in the solution's order
    addresses: tuple[str, ...]  # interface addresses of the scenario: ping targets

    @property
    def url(self) -> str:
        return f"/courses/{self.course}/{self.slug}/"


def _is_address(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _addresses(exercise: dict) -> tuple[str, ...]:
    """Interface addresses of the scenario and the goals' targets (the addresses a learner sets
    up may not exist yet: a ping that fails is still a stored command)."""
    found = {
        str(iface["address"]).split("/")[0]
        for host in exercise["scenario"]["hosts"].values()
        for iface in (host.get("interfaces") or {}).values()
        if isinstance(iface, dict) and iface.get("address")
    }
    found |= {
        str(goal["to"])
        for goal in exercise.get("goals", [])
        if goal.get("check") == "reachable" and _is_address(str(goal.get("to")))
    }
    return tuple(sorted(found))


def terminal_lessons(root: Path = CONTENT) -> list[TerminalLesson]:
    """The published terminal exercises of the shipped course, in course order."""
    found = []
    for course_dir in sorted(p for p in root.iterdir() if (p / "course.yaml").is_file()):
        course = parse_course((course_dir / "course.yaml").read_text(), slug=course_dir.name)
        if not course.published:
            continue
        files, _ = lesson_files(course_dir)
        for path in files:
            lesson = parse_lesson(path.read_text(), default_slug=slug_from_file_name(path.name))
            exercise = lesson.exercise or {}
            if not lesson.published or exercise.get("kind") != "terminal":
                continue
            solution = tuple(
                (host, line)
                for host, lines in exercise["solution"]["commands"].items()
                for line in lines
            )
            hosts = tuple(exercise["scenario"]["hosts"])
            found.append(
                TerminalLesson(course_dir.name, lesson.slug, hosts, solution, _addresses(exercise))
            )
    if not found:
        raise SystemExit(f"no published terminal exercise under {root}")
    return found


def next_command(lesson: TerminalLesson, rng: random.Random, step: int) -> tuple[str, str]:
    """A learner's next (host, line): a solution line one time in three, in order, else a
    read-only look around (ip addr, ip route, a ping to an address of the scenario)."""
    if lesson.solution and rng.random() < 1 / 3:
        return lesson.solution[step % len(lesson.solution)]
    host = rng.choice(lesson.hosts)
    choice = rng.randrange(3)
    if choice == 0 or not lesson.addresses:
        return host, "ip addr"
    if choice == 1:
        return host, "ip route"
    return host, f"ping -c 1 {rng.choice(lesson.addresses)}"


# -- the learners --------------------------------------------------------------------------------


@dataclass(slots=True)
class Sample:
    kind: str  # login, page, command, check
    status: int  # 0: no answer (connection error, timeout)
    seconds: float
    at: float  # time.monotonic() when the request was sent
    error: str = ""


def _every(rng: random.Random, mean: int) -> int | float:
    """Commands until the next occasional action (about ``mean``; never when it is 0)."""
    return rng.randint(max(1, mean // 2), mean * 3 // 2) if mean else float("inf")


@dataclass
class Learner:
    username: str
    lesson: TerminalLesson
    seed: int
    habits: Habits
    samples: list[Sample] = field(default_factory=list)
    commands_ok: int = 0
    pairs: int = 0  # times two commands were sent at once

    def _do(self, kind: str, call: Callable[[], Response]) -> int:
        at = time.monotonic()
        try:
            response = call()
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out
            self.samples.append(Sample(kind, 0, time.monotonic() - at, at, repr(exc)))
            return 0
        self.samples.append(Sample(kind, response.status, response.seconds, at))
        return response.status

    def _arrive(self, stack: Stack) -> Client | None:
        """Log in and open the lesson page; None when the log-in got no usable answer."""
        at = time.monotonic()
        try:
            client = stack.login(self.username)
        except Exception as exc:  # reported as a failed log-in
            self.samples.append(Sample("login", 0, time.monotonic() - at, at, repr(exc)))
            return None
        self.samples.append(Sample("login", 200, time.monotonic() - at, at))
        self._do("page", lambda: client.get(self.lesson.url))
        return client

    def run(self, stack: Stack, arrive_at: float, deadline: float) -> None:
        """The learner's whole visit: arrive at ``arrive_at``, work until ``deadline`` (both
        ``time.monotonic()`` values)."""
        rng = random.Random(self.seed)
        time.sleep(max(0.0, arrive_at - time.monotonic()))
        client = self._arrive(stack)
        if client is None:
            return
        step = 0
        next_check = _every(rng, self.habits.check_every)
        next_page = _every(rng, self.habits.page_every)
        next_tabs = _every(rng, self.habits.tabs_every)
        while self._think(rng, deadline) and self.commands_ok < MAX_COMMANDS_PER_LEARNER:
            host, line = next_command(self.lesson, rng, step)
            step += 1
            next_check, next_page, next_tabs = next_check - 1, next_page - 1, next_tabs - 1
            if next_tabs <= 0:
                # Two tabs at once: a ping (whose path the diagram keeps) and the next command.
                ping = (rng.choice(self.lesson.hosts), f"ping -c 1 {self._target(rng)}")
                statuses = self._at_once(client, [ping, (host, line)])
                self.pairs += 1
                next_tabs = _every(rng, self.habits.tabs_every)
            else:
                statuses = [self._command(client, host, line)]
            self.commands_ok += statuses.count(200)
            if next_check <= 0 and self._think(rng, deadline):
                self._do("check", lambda: client.post(self.lesson.url + "check/", htmx=True))
                next_check = _every(rng, self.habits.check_every)
            if next_page <= 0 and self._think(rng, deadline):
                self._do("page", lambda: client.get(self.lesson.url))
                next_page = _every(rng, self.habits.page_every)

    def _think(self, rng: random.Random, deadline: float) -> bool:
        """Pause before the next request; False when the run ends first. The pause is drawn
        even then, so the sequence of draws does not depend on timing."""
        pause = self.habits.pause(rng)
        time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
        return time.monotonic() < deadline

    def _target(self, rng: random.Random) -> str:
        return rng.choice(self.lesson.addresses) if self.lesson.addresses else "127.0.0.1"

    def _command(self, client: Client, host: str, line: str) -> int:
        url, data = self.lesson.url + "command/", {"host": host, "line": line}
        return self._do("command", lambda: client.post(url, data, htmx=True))

    def _at_once(self, client: Client, commands: list[tuple[str, str]]) -> list[int]:
        """Send ``commands`` at the same moment from one session, as two open tabs can."""
        statuses = [0] * len(commands)
        go = threading.Barrier(len(commands))

        def tab(i: int, host: str, line: str) -> None:
            go.wait()
            statuses[i] = self._command(client, host, line)

        tabs = [
            threading.Thread(target=tab, args=(i, host, line))
            for i, (host, line) in enumerate(commands)
        ]
        for thread in tabs:
            thread.start()
        for thread in tabs:
            thread.join()
        return statuses
