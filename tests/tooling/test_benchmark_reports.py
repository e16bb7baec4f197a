"""The load test's and the web benchmark's arithmetic and reports, without a server: what the
targets and "learners per core" say for given samples, and what the reports print."""

from __future__ import annotations

import random

import pytest

from benchmarks import load, load_report, web, web_report
from benchmarks.learners import Habits, Learner, Sample, TerminalLesson, terminal_lessons

LESSON = TerminalLesson("c", "l", ("A", "B"), (("A", "ip addr add 10.0.0.1/24 dev eth0"),), ())
SERVER = {"postgresql": "15", "redis": True, "gunicorn_workers": 5, "log": ""}
TIMELINE = {"start": 0.0, "class_in": 60.0, "deadline": 120.0, "end": 120.0, "stragglers": 0}


def learner(name: str, *, command_ms: float = 40, check_ms: float = 90, status: int = 200):
    one = Learner(name, LESSON, seed=1, habits=Habits())
    one.samples = [
        Sample("login", 200, 0.3, 1.0),
        Sample("page", 200, 0.05, 1.5),
        *[Sample("command", status, command_ms / 1000, 61.0 + i) for i in range(20)],
        Sample("check", 200, check_ms / 1000, 90.0),
    ]
    one.commands_ok = 20 if status == 200 else 0
    return one


def results(crowd, *, stored: int = 20, longest: int = 20):
    logs = {"per_learner": {lr.username: stored for lr in crowd}, "longest": longest}
    plan = load.Plan(learners=len(crowd))
    data = load.results(crowd, plan, TIMELINE, logs, SERVER)
    data["machine"].update(
        load_average_before=[1.0], load_average_after=[1.0], cpu_seconds=CPU_SECONDS
    )
    return data


CPU_SECONDS = {
    "load_generator": 5.0,
    "gunicorn": 100.0,
    "postgresql": 20.0,
    "other_processes": 3.0,
    "busy_percent": 53.3,
}


def test_a_class_served_within_every_target_counts_every_learner_per_core(monkeypatch):
    monkeypatch.setattr(load.os, "cpu_count", lambda: 2)
    data = results([learner(f"l{i}") for i in range(10)])
    assert data["ok"] is True
    assert data["learners_served"] == 10 and data["learners_per_core"] == 5
    report = load_report.markdown(data)
    assert "**Learners per core: 5**" in report
    assert "| command p95 < 150 ms | 40.0 ms | met |" in report
    assert "| check p95 < 300 ms | 90.0 ms | met |" in report
    assert "the machine was 53.3% busy" in report


def test_a_slow_command_p95_serves_nobody(monkeypatch):
    monkeypatch.setattr(load.os, "cpu_count", lambda: 2)
    crowd = [learner(f"l{i}") for i in range(18)] + [
        learner(f"s{i}", command_ms=400) for i in (1, 2)
    ]
    data = results(crowd)
    assert data["targets"]["command_p95"] is False and data["ok"] is False
    assert data["learners_per_core"] == 0
    assert "| command p95 < 150 ms | 400.0 ms | MISSED |" in load_report.markdown(data)


def test_a_lost_command_or_a_5xx_misses_its_target():
    data = results([learner("a")], stored=19)
    assert data["commands"]["mismatched"] == {"a": {"answered_200": 20, "stored": 19}}
    assert data["targets"]["commands_stored_equal_answered"] is False
    data = results([learner("a", status=502)], stored=0)
    assert data["status_5xx"] == 20 and data["targets"]["no_5xx"] is False


def test_a_run_without_checks_cannot_claim_the_check_target():
    one = learner("a")
    one.samples = [s for s in one.samples if s.kind != "check"]
    data = results([one])
    assert data["targets"]["check_p95"] is False
    assert "| check p95 < 300 ms | none sent | MISSED |" in load_report.markdown(data)


def test_the_default_plan_is_make_loadtest_and_others_say_how_to_run_again():
    assert load.Plan().command_line() == "make loadtest"
    other = load.Plan(learners=40, seconds=20, habits=Habits(think=2)).command_line()
    assert "--learners 40 --seconds 20 --arrive 60 --think 2 " in other


def test_think_times_are_seeded_and_average_the_mean():
    habits = Habits(think=3)
    draws = [habits.pause(random.Random(7)) for _ in range(2)]
    assert draws[0] == draws[1]
    rng = random.Random(1)
    pauses = [habits.pause(rng) for _ in range(5000)]
    assert min(pauses) >= 1.5 and max(pauses) <= 4.5
    assert sum(pauses) / len(pauses) == pytest.approx(3, abs=0.05)


def test_the_learners_type_in_the_shipped_terminal_lessons():
    lessons = terminal_lessons()
    assert lessons and all(lesson.solution and lesson.hosts for lesson in lessons)
    assert all(lesson.url.startswith("/courses/") for lesson in lessons)


def web_data() -> dict:
    samples = {
        name: [{"requests_per_second": rps, "not_200": 0, "socket_errors": 0,
                "p50_ms": 5.0, "p99_ms": 20.0}]
        for name, rps in {"healthz": 1000, "lesson": 300, "routes lesson": 250,
                          "command": 150}.items()
    }  # fmt: skip
    data = web.summarise(samples, rounds=1)
    cpu = {"healthz": 0.5, "home": 2, "progress page": 3, "lesson page (terminal)": 4,
           "lesson page (routes)": 4, "command POST (htmx)": 6, "check POST (htmx)": 8}  # fmt: skip
    data.update(
        machine={"python": "3.11", "platform": "Linux", "cpus": 2, "load_average": [1.0],
                 "load_average_after": [1.0]},
        client="wrk", gunicorn_workers=5, connections=16, seconds=8, rounds=1,
        longest_terminal_log=30, learners={"page": 24, "command": 40}, enough_learners=True,
        queries=dict.fromkeys(cpu, 3), cpu_ms_in_process=cpu,
    )  # fmt: skip
    return data


def test_the_web_targets_are_floors_on_the_ratio_to_healthz():
    data = web_data()
    assert data["ratios"] == {"lesson": 0.3, "routes lesson": 0.25, "command": 0.15}
    assert data["targets"]["lesson"] == {"ratio": 0.3, "target": 0.20, "ok": True}
    assert data["targets"]["command"] == {"ratio": 0.15, "target": 0.18, "ok": False}
    report = web_report.markdown(data)
    assert "| 0.300 | >= 0.20 | met |" in report
    assert "| 0.150 | >= 0.18 | MISSED |" in report
    assert "at least 24 each: met" in report


def test_the_web_report_says_no_page_is_cached():
    report = web_report.markdown(web_data())
    assert "No page is cached in these numbers." in report
    assert "served from a cache" not in report
