"""``python -m benchmarks.load`` (``make loadtest``): a class of learners working in the terminal
exercises against gunicorn, PostgreSQL and Redis on loopback (``benchmarks/stack.py``).

The learners (``benchmarks/learners.py``; a thread each, with its own account, cookies and
workspace) arrive spread over the first ``--arrive`` seconds, as a class coming in: each logs in
and opens a terminal lesson of the shipped course (dealt round-robin). From then until ``--seconds``
after the arrival window, each types a command about every ``--think`` seconds (seeded random think
times around that mean), presses "Check my work" about every ten commands, reloads the lesson page
now and then, and about every twenty commands sends two commands at once from two tabs. Rate
limits stay on, as deployed (a learner thinking 3 s sends 20 commands a minute; the limit is 120).
After the run the commands kept in each learner's terminal are counted (through the ORM) and
compared with the commands that were answered 200.

Targets (the exit status is 1 when one is missed): no 5xx, every request answered, every command
answered 200 stored, command p95 < 150 ms, check p95 < 300 ms, no terminal at its limit. Learners
per core: the learners served within those targets divided by the machine's CPUs (0 when one is
missed). The run stops by itself: at most ``--arrive + --seconds`` plus one request timeout.

The load generator runs on the same machine as gunicorn and PostgreSQL and shares its CPUs with
them; the latencies are those a client on loopback sees, queueing in gunicorn's backlog included.
Only loopback is ever contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import load_report
from benchmarks.learners import Habits, Learner, Sample, terminal_lessons
from benchmarks.measure import CpuSnapshot, latency_summary
from benchmarks.stack import Stack, running_stack

RESULTS = Path(__file__).parent / "results"
REQUEST_TIMEOUT = 60  # benchmarks.stack.Client's: the longest a request can keep a learner busy
WORKSPACE_LIMIT = 500  # commands a terminal keeps before it refuses more (lessons' limit)
TARGET_MS = {"command": 150, "check": 300}  # p95
KINDS = ("command", "check", "page", "login")


@dataclass(frozen=True, slots=True)
class Plan:
    """What ``make loadtest`` runs; every field is a command-line option."""

    learners: int = 200
    seconds: float = 60.0  # everybody working, after the arrival window
    arrive: float = 60.0  # log-ins spread over this many seconds
    habits: Habits = field(default_factory=Habits)
    seed: int = 8
    workers: int | None = None  # gunicorn workers; None: deploy/gunicorn.conf.py's default

    def command_line(self) -> str:
        if self == Plan():
            return "make loadtest"
        h = self.habits
        return (
            "flock /tmp/netlearn-bench.lock .venv/bin/python -m benchmarks.load "
            f"--learners {self.learners} --seconds {self.seconds:g} --arrive {self.arrive:g} "
            f"--think {h.think:g} --check-every {h.check_every} --page-every {h.page_every} "
            f"--tabs-every {h.tabs_every} --seed {self.seed}"
            + (f" --workers {self.workers}" if self.workers else "")
        )


def _run_class(crowd: list[Learner], plan: Plan, stack: Stack) -> dict[str, float]:
    """Every learner's visit, each in its thread; the run's timeline (monotonic seconds)."""
    rng = random.Random(plan.seed)
    start = time.monotonic() + 0.2
    deadline = start + plan.arrive + plan.seconds
    threads = [
        threading.Thread(
            target=learner.run,
            args=(stack, start + rng.uniform(0, plan.arrive), deadline),
            daemon=True,  # a learner stuck past the bound below does not keep the process alive
        )
        for learner in crowd
    ]
    for thread in threads:
        thread.start()
    bound = deadline + 2 * REQUEST_TIMEOUT + 10  # log-in and first page of a late arrival
    for thread in threads:
        thread.join(timeout=max(0.0, bound - time.monotonic()))
    stragglers = sum(thread.is_alive() for thread in threads)
    return {"start": start, "class_in": start + plan.arrive, "deadline": deadline,
            "end": time.monotonic(), "stragglers": stragglers}  # fmt: skip


def run(plan: Plan) -> dict:
    """Run the class and return the results (``load_report.markdown`` says what they hold)."""
    lessons = terminal_lessons()
    load_before = os.getloadavg()
    with running_stack(learners=plan.learners, workers=plan.workers) as stack:
        crowd = [
            Learner(name, lessons[i % len(lessons)], plan.seed * 100_003 + i, plan.habits)
            for i, name in enumerate(stack.usernames)
        ]
        cpu_start = CpuSnapshot.take(stack)
        timeline = _run_class(crowd, plan, stack)
        cpu = cpu_start.until(CpuSnapshot.take(stack))
        logs = stack.terminal_logs()
        server = {
            "postgresql": stack.postgres_version(),
            "redis": stack.redis_url is not None,
            "gunicorn_workers": stack.workers,
            "log": stack.log_path.read_text(errors="replace"),
        }
    data = results(crowd, plan, timeline, logs, server)
    data["machine"].update(
        load_average_before=[round(x, 2) for x in load_before],
        load_average_after=[round(x, 2) for x in os.getloadavg()],
        cpu_seconds=cpu,
    )
    return data


def _kinds(samples: list[Sample], since: float = 0.0) -> dict[str, dict]:
    return {
        kind: latency_summary(
            [s.seconds for s in samples if s.kind == kind and s.at >= since],
            [s.status for s in samples if s.kind == kind and s.at >= since],
        )
        for kind in KINDS
    }


def _commands(crowd: list[Learner], logs: dict) -> dict:
    """Commands answered 200 against commands stored, per learner and in all."""
    stored = {learner.username: logs["per_learner"].get(learner.username, 0) for learner in crowd}
    return {
        "answered_200": sum(learner.commands_ok for learner in crowd),
        "stored": sum(stored.values()),
        "mismatched": {
            learner.username: {
                "answered_200": learner.commands_ok,
                "stored": stored[learner.username],
            }
            for learner in crowd
            if learner.commands_ok != stored[learner.username]
        },
        "longest_terminal": logs["longest"],
        "two_tab_pairs": sum(learner.pairs for learner in crowd),
    }


def _targets(kinds: dict, commands: dict, status_5xx: int, no_answer: int) -> dict[str, bool]:
    return {
        "no_5xx": status_5xx == 0,
        "every_request_answered": no_answer == 0,
        "commands_stored_equal_answered": not commands["mismatched"],
        "command_p95": 0 < kinds["command"]["p95_ms"] < TARGET_MS["command"],
        "check_p95": 0 < kinds["check"]["p95_ms"] < TARGET_MS["check"],
        "no_terminal_full": commands["longest_terminal"] < WORKSPACE_LIMIT,
    }


def results(crowd: list[Learner], plan: Plan, timeline: dict, logs: dict, server: dict) -> dict:
    """The run's numbers and targets, from the learners' samples and the stored terminal logs."""
    samples = [s for learner in crowd for s in learner.samples]
    kinds = _kinds(samples)
    commands = _commands(crowd, logs)
    status_5xx = sum(1 for s in samples if s.status >= 500)
    no_answer = sum(1 for s in samples if s.status == 0) + timeline["stragglers"]
    targets = _targets(kinds, commands, status_5xx, no_answer)
    cpus = os.cpu_count() or 1
    served = plan.learners if all(targets.values()) else 0
    elapsed = timeline["end"] - timeline["start"]
    log = server["log"]
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": plan.command_line(),
        "parameters": {**asdict(plan), "lessons": sorted({lr.lesson.slug for lr in crowd})},
        "machine": {
            "cpus": cpus,
            "platform": platform.platform(),
            "python": platform.python_version(),
            "shared": "load generator, gunicorn and PostgreSQL share the same CPUs",
        },
        "server": {k: v for k, v in server.items() if k != "log"},
        "kinds": kinds,
        "class_in": _kinds(samples, since=timeline["class_in"]),
        "run_seconds": round(elapsed, 1),
        "requests_per_second": round(len(samples) / elapsed, 1),
        "status_5xx": status_5xx,
        "status_429": sum(1 for s in samples if s.status == 429),
        "no_answer": no_answer,
        "stragglers": timeline["stragglers"],
        "errors": sorted({s.error for s in samples if s.error})[:10],
        "server_log": {
            "tracebacks": log.count("Traceback (most recent call last)"),
            "worker_timeouts": log.count("WORKER TIMEOUT"),
        },
        "commands": commands,
        "target_ms": {f"{kind}_p95": ms for kind, ms in TARGET_MS.items()},
        "targets": targets,
        "learners_served": served,
        "learners_per_core": round(served / cpus, 1),
        "ok": all(targets.values()),
    }


def parser() -> argparse.ArgumentParser:
    plan, habits = Plan(), Habits()
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description=__doc__.split("\n\n")[0].replace("``", ""),
        epilog="Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust); Redis on "
        "127.0.0.1:6379 is used when it answers. Writes RESULTS/load.md and load.json.",
    )
    options = (
        ("--learners", int, plan.learners, "learners, each with an account of their own"),
        ("--seconds", float, plan.seconds, "seconds of the whole class working, after arriving"),
        ("--arrive", float, plan.arrive, "log-ins spread over this many seconds"),
        ("--think", float, habits.think, "mean seconds between one learner's requests"),
        ("--check-every", int, habits.check_every, "commands between two checks, on average"),
        ("--page-every", int, habits.page_every, "commands between two lesson page reloads"),
        ("--tabs-every", int, habits.tabs_every, "commands between two sent at once (0: never)"),
        ("--seed", int, plan.seed, "seed of the arrivals, think times and commands"),
        ("--workers", int, plan.workers, "gunicorn workers (None: 2 x CPUs + 1)"),
        ("--results", Path, RESULTS, "folder for load.md and load.json"),
    )
    for flag, kind, default, text in options:
        p.add_argument(flag, type=kind, default=default, help=f"{text} (default: %(default)s)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.learners < 1 or args.seconds < 0 or args.arrive < 0 or args.think <= 0:
        parser().error("--learners must be >= 1, --think > 0, --seconds and --arrive >= 0")
    habits = Habits(args.think, args.check_every, args.page_every, args.tabs_every)
    plan = Plan(args.learners, args.seconds, args.arrive, habits, args.seed, args.workers)
    data = run(plan)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "load.json").write_text(json.dumps(data, indent=2) + "\n")
    text = load_report.markdown(data)
    (args.results / "load.md").write_text(text)
    print(text)
    return 0 if data["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
