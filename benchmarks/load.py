"""``python -m benchmarks.load`` (``make loadtest``): learners typing commands against gunicorn and
PostgreSQL on loopback (issue 8, item 3).

Each learner (a thread with its own cookies) logs in, opens a terminal lesson of the shipped course
(learners are dealt round-robin over those lessons) and, for ``--seconds``, types a command, waits a
think time, types the next, and presses "Check my work" after about every ten commands. Commands
are the exercise's solution lines on their hosts, mixed with read-only ones (``ip addr``, ``ip
route``, ``ping -c 1`` to an address of the scenario). About every twenty commands the learner
sends two at the same moment, a ping and the next command, as from two open tabs (two requests of
one learner must not lose either command). Think times are drawn from a seeded random generator
per learner, between 0.6 s and 1.4 s, so a learner sends at most ~105 commands and ~10 checks a
minute: under the rate limits (120 commands and 30 checks a minute), which stay on.

Log-ins and the first page load happen before the clock starts; the measured window holds the
commands and checks only. After it, the commands stored in the learners' workspaces are counted in
PostgreSQL and compared with the commands that were answered 200.

Targets (the exit status is 1 when one is missed): no 5xx, no request without an answer, and
commands stored == commands answered 200, for every learner.

The load generator runs on the same machine as gunicorn and PostgreSQL and shares its CPUs with
them; the latencies are those a client on loopback sees, queueing in gunicorn's backlog included.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import platform
import random
import resource
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.stack import Client, Stack, running_stack
from lessons.lessonfile import lesson_files, parse_course, parse_lesson, slug_from_file_name

RESULTS = Path(__file__).parent / "results"
CONTENT = Path(__file__).resolve().parents[1] / "lessons" / "content"
LEARNERS = 64
SECONDS = 60
SEED = 8
THINK = (0.6, 1.4)  # seconds between a learner's requests, uniform
CHECK_EVERY = 10  # commands between two checks, on average
TABS_EVERY = 20  # commands between two sent at once from two tabs, on average
MAX_COMMANDS_PER_LEARNER = 450  # stay clear of the workspace's 500-command limit
REQUEST_TIMEOUT = 60


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
            hosts = exercise["scenario"]["hosts"]
            solution = tuple(
                (host, line)
                for host, lines in exercise["solution"]["commands"].items()
                for line in lines
            )
            # Interface addresses of the scenario and the goals' targets (the addresses a
            # learner sets up may not exist yet: a ping that fails is still a stored command).
            addresses = {
                str(iface["address"]).split("/")[0]
                for host in hosts.values()
                for iface in (host.get("interfaces") or {}).values()
                if isinstance(iface, dict) and iface.get("address")
            }
            addresses |= {
                str(goal["to"])
                for goal in exercise.get("goals", [])
                if goal.get("check") == "reachable" and _is_address(str(goal.get("to")))
            }
            addresses = tuple(sorted(addresses))
            found.append(TerminalLesson(course_dir.name, lesson.slug, tuple(hosts), solution,
                                        addresses))  # fmt: skip
    if not found:
        raise SystemExit(f"no published terminal exercise under {root}")
    return found


def _is_address(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


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


@dataclass
class Learner:
    username: str
    lesson: TerminalLesson
    seed: int
    tabs_every: int = 0  # commands between two sent at once; 0: never
    samples: list[Sample] = field(default_factory=list)
    commands_ok: int = 0
    pairs: int = 0  # times two commands were sent at once

    def _do(self, kind: str, call) -> int:
        at = time.monotonic()
        try:
            response = call()
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out
            self.samples.append(Sample(kind, 0, time.monotonic() - at, at, repr(exc)))
            return 0
        self.samples.append(Sample(kind, response.status, response.seconds, at))
        return response.status

    def run(self, stack: Stack, start: threading.Barrier, stop_at: list[float]) -> None:
        rng = random.Random(self.seed)
        client: Client | None = None
        try:
            at = time.monotonic()
            client = stack.login(self.username)
            self.samples.append(Sample("login", 200, time.monotonic() - at, at))
        except Exception as exc:  # noqa: BLE001 - reported as a failed log-in
            self.samples.append(Sample("login", 0, time.monotonic() - at, at, repr(exc)))
        if client is not None:
            self._do("page", lambda: client.get(self.lesson.url))
        start.wait()  # everybody logged in: the clock starts
        if client is None:
            return
        deadline = stop_at[0]
        time.sleep(rng.uniform(0, THINK[1]))  # learners do not all type in the same instant
        step = 0
        next_check = rng.randint(CHECK_EVERY // 2, CHECK_EVERY * 3 // 2)
        next_tabs = self._next_tabs(rng)
        while time.monotonic() < deadline and self.commands_ok < MAX_COMMANDS_PER_LEARNER:
            host, line = next_command(self.lesson, rng, step)
            step += 1
            next_tabs -= 1
            if next_tabs <= 0:
                # Two tabs at once: a ping (whose path the diagram keeps) and the next command.
                ping = (rng.choice(self.lesson.hosts),
                        f"ping -c 1 {rng.choice(self.lesson.addresses)}")  # fmt: skip
                statuses = self._at_once(client, [ping, (host, line)])
                self.pairs += 1
                next_tabs = self._next_tabs(rng)
            else:
                statuses = [self._command(client, host, line)]
            self.commands_ok += statuses.count(200)
            next_check -= 1
            _think(rng, deadline)
            if next_check <= 0 and time.monotonic() < deadline:
                self._do("check", lambda: client.post(self.lesson.url + "check/", htmx=True))
                next_check = rng.randint(CHECK_EVERY // 2, CHECK_EVERY * 3 // 2)
                _think(rng, deadline)

    def _next_tabs(self, rng: random.Random) -> int | float:
        every = self.tabs_every
        return rng.randint(max(1, every // 2), every * 3 // 2) if every else float("inf")

    def _command(self, client: Client, host: str, line: str) -> int:
        return self._do(
            "command",
            lambda: client.post(
                self.lesson.url + "command/", {"host": host, "line": line}, htmx=True
            ),
        )

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


def _think(rng: random.Random, deadline: float) -> None:
    """A learner's pause before the next request (drawn even when cut short by the end of the
    window, so the sequence of draws does not depend on timing)."""
    pause = rng.uniform(*THINK)
    time.sleep(max(0.0, min(pause, deadline - time.monotonic())))


def stored_commands(stack: Stack, usernames: list[str]) -> dict[str, int]:
    """Commands kept in each learner's terminal logs (TerminalEntry rows), from PostgreSQL."""
    counts = dict.fromkeys(usernames, 0)
    with stack.psql() as conn:
        rows = conn.execute(
            "SELECT u.username, count(e.id) FROM lessons_terminalentry e "
            "JOIN lessons_workspace w ON w.id = e.workspace_id "
            "JOIN auth_user u ON u.id = w.learner_id WHERE u.username = ANY(%s) "
            "GROUP BY u.username",
            (usernames,),
        ).fetchall()
    for username, count in rows:
        counts[username] = count
    return counts


# -- statistics ----------------------------------------------------------------------------------


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil
    return sorted_values[int(rank) - 1]


def summarise(samples: list[Sample]) -> dict:
    seconds = sorted(s.seconds for s in samples)

    def ms(value: float) -> float:
        return round(value * 1000, 1)

    return {
        "requests": len(samples),
        "statuses": dict(sorted(Counter(str(s.status) for s in samples).items())),
        "p50_ms": ms(percentile(seconds, 50)),
        "p95_ms": ms(percentile(seconds, 95)),
        "p99_ms": ms(percentile(seconds, 99)),
        "max_ms": ms(seconds[-1]) if seconds else 0.0,
        "mean_ms": ms(sum(seconds) / len(seconds)) if seconds else 0.0,
    }


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def _pid_cpu(pid: int) -> float:
    """CPU seconds used so far by one process (0 when it is gone or there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, ValueError, IndexError):
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except (OSError, ValueError):
        return []


@dataclass(frozen=True, slots=True)
class CpuSnapshot:
    generator: float  # this process
    gunicorn: dict[int, float]  # master and workers, by pid
    postgres: dict[int, float]  # the backends serving the stack's database, by pid
    busy: float  # the whole machine
    total: float

    @classmethod
    def take(cls, stack: Stack) -> CpuSnapshot:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        with stack.psql() as conn:
            backends = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (stack.database,),
            ).fetchall()
        gunicorn = [stack.pid, *_children(stack.pid)]
        return cls(
            usage.ru_utime + usage.ru_stime,
            {pid: _pid_cpu(pid) for pid in gunicorn},
            {pid: _pid_cpu(pid) for (pid,) in backends},
            *_machine_cpu(),
        )

    def until(self, end: CpuSnapshot) -> dict[str, float]:
        """CPU seconds used between this snapshot and ``end``, by whom."""

        def delta(before: dict[int, float], after: dict[int, float]) -> float:
            # A process that started in between counts from zero; one that ended is lost
            # (gunicorn replaces a worker only after GUNICORN_MAX_REQUESTS requests).
            return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

        used = {
            "load_generator": end.generator - self.generator,
            "gunicorn": delta(self.gunicorn, end.gunicorn),
            "postgresql": delta(self.postgres, end.postgres),
        }
        used["other_processes"] = (end.busy - self.busy) - sum(used.values())
        used = {k: round(v, 1) for k, v in used.items()}
        total = end.total - self.total
        used["busy_percent"] = round(100 * (end.busy - self.busy) / total, 1) if total else 0.0
        return used


def _postgres_version(stack: Stack) -> str:
    with stack.psql() as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def run(*, learners: int = LEARNERS, seconds: float = SECONDS, workers: int | None = None,
        seed: int = SEED, tabs_every: int = TABS_EVERY) -> dict:  # fmt: skip
    """Run the load and return the results (see ``markdown`` for what they hold)."""
    lessons = terminal_lessons()
    load_before = os.getloadavg()
    with running_stack(learners=learners, workers=workers) as stack:
        crowd = [
            Learner(name, lessons[i % len(lessons)], seed * 100_003 + i, tabs_every)
            for i, name in enumerate(stack.usernames)
        ]
        stop_at = [0.0]
        window: dict[str, float] = {}

        cpu: dict[str, CpuSnapshot] = {}

        def clock_starts() -> None:  # run by the barrier's last thread, before anybody goes on
            cpu["start"] = CpuSnapshot.take(stack)
            window["start"] = time.monotonic()
            stop_at[0] = window["start"] + seconds

        barrier = threading.Barrier(learners, action=clock_starts)
        threads = [
            threading.Thread(target=learner.run, args=(stack, barrier, stop_at), daemon=True)
            for learner in crowd
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        window["end"] = time.monotonic()
        cpu_used = cpu["start"].until(CpuSnapshot.take(stack))
        stored = stored_commands(stack, stack.usernames)
        log_text = stack.log_path.read_text(errors="replace")
        postgres = _postgres_version(stack)
        redis = stack.redis_url is not None
        workers = stack.workers
    load_after = os.getloadavg()

    samples = [s for learner in crowd for s in learner.samples]
    by_kind = {
        kind: summarise([s for s in samples if s.kind == kind])
        for kind in ("command", "check", "login", "page")
    }
    measured = [s for s in samples if s.kind in ("command", "check")]
    elapsed = window["end"] - window["start"]
    sent_ok = sum(learner.commands_ok for learner in crowd)
    stored_total = sum(stored.values())
    mismatched = {
        learner.username: {"sent_ok": learner.commands_ok, "stored": stored[learner.username]}
        for learner in crowd
        if learner.commands_ok != stored[learner.username]
    }
    status_5xx = sum(1 for s in samples if s.status >= 500)
    no_answer = sum(1 for s in samples if s.status == 0)
    targets = {
        "no_5xx": status_5xx == 0,
        "every_request_answered": no_answer == 0,
        "commands_stored_equal_sent": sent_ok == stored_total and not mismatched,
    }
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "parameters": {
            "learners": learners,
            "seconds": seconds,
            "gunicorn_workers": workers,
            "seed": seed,
            "think_seconds": list(THINK),
            "check_every_commands": CHECK_EVERY,
            "two_tabs_every_commands": tabs_every,
            "lessons": [lesson.slug for lesson in lessons],
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "platform": platform.platform(),
            "python": platform.python_version(),
            "postgresql": postgres,
            "redis": redis,
            "shared": "load generator, gunicorn and PostgreSQL share the same CPUs",
            "cpu_seconds_in_window": cpu_used,
        },
        "kinds": by_kind,
        "measured": {
            "seconds": round(elapsed, 1),
            "requests": len(measured),
            "throughput_rps": round(len(measured) / elapsed, 1) if elapsed else 0.0,
            "commands_per_second": round(by_kind["command"]["requests"] / elapsed, 1)
            if elapsed
            else 0.0,
        },
        "status_5xx": status_5xx,
        "status_429": sum(1 for s in samples if s.status == 429),
        "no_answer": no_answer,
        "errors": sorted({s.error for s in samples if s.error})[:10],
        "server_log": {
            "tracebacks": log_text.count("Traceback (most recent call last)"),
            "worker_timeouts": log_text.count("WORKER TIMEOUT"),
        },
        "commands": {
            "sent_ok": sent_ok,
            "stored": stored_total,
            "mismatched": mismatched,
            "two_tab_pairs": sum(learner.pairs for learner in crowd),
        },
        "targets": targets,
        "ok": all(targets.values()),
    }


# -- the report ----------------------------------------------------------------------------------


def _neighbours_note(cpu: dict, cpus: int, seconds: float) -> str:
    """A warning when other work took a noticeable share of the machine during the window."""
    share = cpu["other_processes"] / (cpus * seconds) if cpus and seconds else 0
    if share < 0.1:
        return ""
    return (
        f" Other work took {share:.0%} of the CPU time available in the window: with the "
        "machine to itself the stack would answer faster."
    )


def markdown(data: dict, command: str) -> str:
    p, m, kinds = data["parameters"], data["machine"], data["kinds"]
    cpu_s = m["cpu_seconds_in_window"]
    commands = data["commands"]

    def mark(ok: bool) -> str:
        return "met" if ok else "MISSED"

    rows = []
    for kind in ("command", "check", "login", "page"):
        k = kinds[kind]
        statuses = ", ".join(f"{code}: {n}" for code, n in k["statuses"].items()) or "-"
        rows.append(
            f"| {kind} | {k['requests']} | {statuses} | {k['p50_ms']} | {k['p95_ms']} | "
            f"{k['p99_ms']} | {k['max_ms']} |"
        )
    targets = data["targets"]
    return "\n".join(
        [
            "# Load test",
            "",
            f"Run {data['when']}: {p['learners']} learners typing commands in the terminal "
            f"exercises of the shipped course for {p['seconds']} s, pressing Check my work about "
            f"every {p['check_every_commands']} commands"
            + (
                f" and sending two commands at once (two tabs) about every "
                f"{p['two_tabs_every_commands']} ({data['commands']['two_tab_pairs']} times)"
                if p["two_tabs_every_commands"]
                else ""
            )
            + f", think time "
            f"{p['think_seconds'][0]}-{p['think_seconds'][1]} s (seed {p['seed']}), against "
            f"gunicorn ({p['gunicorn_workers']} sync workers, deploy/gunicorn.conf.py, DEBUG=0, "
            f"rate limits on) -> PostgreSQL {m['postgresql']}"
            + (", Redis cache and sessions" if m["redis"] else "")
            + ", all on loopback.",
            "",
            f"Machine: {m['cpus']} CPUs ({m['platform']}, Python {m['python']}), load average "
            f"{m['load_average_before'][0]} before and {m['load_average_after'][0]} after. The "
            "load generator (one thread per learner), gunicorn and PostgreSQL share these CPUs, so "
            "the latencies include the generator's own CPU use and queueing in gunicorn's backlog. "
            f"In the measured window the CPUs were {cpu_s['busy_percent']}% busy; CPU seconds "
            f"used: gunicorn {cpu_s['gunicorn']}, PostgreSQL (this database's backends) "
            f"{cpu_s['postgresql']}, the load generator {cpu_s['load_generator']}, other "
            f"processes on the machine {cpu_s['other_processes']}."
            + _neighbours_note(cpu_s, m["cpus"], data["measured"]["seconds"]),
            "",
            f"Reproduce: `{command}`",
            "",
            "| target | measured | |",
            "|---|---|---|",
            f"| no 5xx responses | {data['status_5xx']} | {mark(targets['no_5xx'])} |",
            f"| every request answered | {data['no_answer']} without an answer | "
            f"{mark(targets['every_request_answered'])} |",
            f"| commands stored = commands answered 200 | {commands['stored']} stored, "
            f"{commands['sent_ok']} answered 200 | "
            f"{mark(targets['commands_stored_equal_sent'])} |",
            "",
            f"Measured window {data['measured']['seconds']} s: {data['measured']['requests']} "
            f"commands and checks, {data['measured']['throughput_rps']} requests/s "
            f"({data['measured']['commands_per_second']} commands/s); "
            f"{data['status_429']} answered 429 (rate limited). Server log: "
            f"{data['server_log']['tracebacks']} tracebacks, "
            f"{data['server_log']['worker_timeouts']} worker timeouts.",
            "",
            "| request | count | statuses | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Log-ins and the first lesson page load happen before the measured window (all "
            "learners log in at once: the password hash makes those slow by design).",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--learners", type=int, default=LEARNERS, help="default %(default)s")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="default %(default)s")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: 2 x CPUs + 1)"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="default %(default)s")
    parser.add_argument(
        "--tabs-every",
        type=int,
        default=TABS_EVERY,
        help="commands between two sent at once from two tabs (0: never; default %(default)s)",
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="folder for load.md and load.json"
    )
    args = parser.parse_args(argv)
    data = run(
        learners=args.learners,
        seconds=args.seconds,
        workers=args.workers,
        seed=args.seed,
        tabs_every=args.tabs_every,
    )
    command = "make loadtest"
    defaults = (LEARNERS, SECONDS, None, SEED, TABS_EVERY)
    if (args.learners, args.seconds, args.workers, args.seed, args.tabs_every) != defaults:
        command = (
            "flock /tmp/netlearn-bench.lock .venv/bin/python -m benchmarks.load "
            f"--learners {args.learners} --seconds {args.seconds:g} --seed {args.seed} "
            f"--tabs-every {args.tabs_every}"
            + (f" --workers {args.workers}" if args.workers else "")
        )
    data["command"] = command
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "load.json").write_text(json.dumps(data, indent=2) + "\n")
    text = markdown(data, command)
    (args.results / "load.md").write_text(text)
    print(text)
    return 0 if data["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
