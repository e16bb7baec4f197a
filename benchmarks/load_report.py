"""The load test's report (``benchmarks/results/load.md``) from ``benchmarks.load.run``'s data."""

from __future__ import annotations


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _neighbours_note(cpu: dict, cpus: int, seconds: float) -> str:
    """A warning when other work took a noticeable share of the machine during the run."""
    share = cpu["other_processes"] / (cpus * seconds) if cpus and seconds else 0
    if share < 0.1:
        return ""
    return (
        f" Other work took {share:.0%} of the CPU time available during the run: with the "
        "machine to itself the stack would answer faster."
    )


def _latency_rows(kinds: dict) -> list[str]:
    rows = []
    for kind, k in kinds.items():
        statuses = ", ".join(f"{code}: {n}" for code, n in k["statuses"].items()) or "-"
        rows.append(
            f"| {kind} | {k['requests']} | {statuses} | {k['p50_ms']} | {k['p95_ms']} | "
            f"{k['p99_ms']} | {k['max_ms']} |"
        )
    return rows


def _setup(data: dict) -> list[str]:
    p, h, m, s = data["parameters"], data["parameters"]["habits"], data["machine"], data["server"]
    cpu = m["cpu_seconds"]
    return [
        f"Run {data['when']}: {p['learners']} learners, each with an account and a terminal of "
        f"their own, arriving over {p['arrive']:g} s (log-in, then the lesson page), then "
        f"{p['seconds']:g} s with the whole class working: a command about every {h['think']:g} s "
        f"(seeded think times between {h['think'] / 2:g} and {h['think'] * 1.5:g} s, seed "
        f"{p['seed']}), Check my work about every {h['check_every']} commands, the lesson page "
        f"reloaded about every {h['page_every']} commands"
        + (
            f", two commands at once from two tabs about every {h['tabs_every']} "
            f"({data['commands']['two_tab_pairs']} times)"
            if h["tabs_every"]
            else ""
        )
        + f". The terminal lessons of the shipped course, dealt round-robin. Against gunicorn "
        f"({s['gunicorn_workers']} sync workers, deploy/gunicorn.conf.py, DEBUG=0, rate limits "
        f"on) -> PostgreSQL {s['postgresql']}"
        + (", Redis cache and sessions" if s["redis"] else "")
        + ", all on loopback.",
        "",
        f"Machine: {m['cpus']} CPUs ({m['platform']}, Python {m['python']}), load average "
        f"{m['load_average_before'][0]} before and {m['load_average_after'][0]} after. The "
        "load generator (a thread per learner), gunicorn and PostgreSQL share these CPUs, so "
        "the latencies include the generator's own CPU use and queueing in gunicorn's backlog. "
        f"During the run ({data['run_seconds']} s) the machine was {cpu['busy_percent']}% busy; "
        f"CPU seconds used: gunicorn {cpu['gunicorn']}, PostgreSQL (this database's backends) "
        f"{cpu['postgresql']}, the load generator {cpu['load_generator']}, other processes "
        f"{cpu['other_processes']}." + _neighbours_note(cpu, m["cpus"], data["run_seconds"]),
    ]


def _p95(kind: dict) -> str:
    return f"{kind['p95_ms']} ms" if kind["requests"] else "none sent"


def _targets(data: dict) -> list[str]:
    t, c, kinds, target_ms = data["targets"], data["commands"], data["kinds"], data["target_ms"]
    return [
        "| target | measured | |",
        "|---|---|---|",
        f"| no 5xx responses | {data['status_5xx']} | {_mark(t['no_5xx'])} |",
        f"| every request answered | {data['no_answer']} without an answer | "
        f"{_mark(t['every_request_answered'])} |",
        f"| every command answered 200 is stored | {c['answered_200']} answered 200, "
        f"{c['stored']} stored | {_mark(t['commands_stored_equal_answered'])} |",
        f"| command p95 < {target_ms['command_p95']} ms | {_p95(kinds['command'])} | "
        f"{_mark(t['command_p95'])} |",
        f"| check p95 < {target_ms['check_p95']} ms | {_p95(kinds['check'])} | "
        f"{_mark(t['check_p95'])} |",
        f"| no terminal at its limit | fullest: {c['longest_terminal']} commands | "
        f"{_mark(t['no_terminal_full'])} |",
    ]


def markdown(data: dict) -> str:
    cores = data["machine"]["cpus"]
    return "\n".join(
        [
            "# Load test",
            "",
            *_setup(data),
            "",
            f"Reproduce: `{data['command']}`",
            "",
            *_targets(data),
            "",
            f"**Learners per core: {data['learners_per_core']:g}** ({data['learners_served']} "
            f"learners served within every target on {cores} cores; 0 when a target is missed).",
            "",
            f"{data['requests_per_second']} requests/s over the run; {data['status_429']} "
            f"answered 429 (rate limited). Server log: {data['server_log']['tracebacks']} "
            f"tracebacks, {data['server_log']['worker_timeouts']} worker timeouts.",
            "",
            "The whole run, arrivals included:",
            "",
            "| request | count | statuses | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|",
            *_latency_rows(data["kinds"]),
            "",
            "After the arrival window (the whole class working, no more log-ins):",
            "",
            "| request | count | statuses | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|",
            *_latency_rows({k: v for k, v in data["class_in"].items() if k != "login"}),
            "",
        ]
    )
