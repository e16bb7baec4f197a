"""The web benchmark's report (``benchmarks/results/web.md``) from ``benchmarks.web.run``'s data,
followed by the hand-kept history of earlier runs (``benchmarks/web_history.md``)."""

from __future__ import annotations

from pathlib import Path

# Earlier runs, by hand: what each change bought (appended to the report).
HISTORY = Path(__file__).with_name("web_history.md")


def _client(data: dict) -> str:
    if data["client"] == "wrk":
        return "wrk (C, one process, Lua script for cookies/CSRF/htmx headers)"
    return (
        "a Python client (one process per connection; wrk was not installed, and the "
        "client's own CPU use lowers /healthz's number most, which flatters the ratios)"
    )


def _throughput_rows(data: dict) -> list[str]:
    t = data["throughput"]
    rows = []
    for name, label in data["labels"].items():
        ratio = "1" if name == "healthz" else f"{data['ratios'][name]:.3f}"
        rounds = " / ".join(f"{x:g}" for x in t[name]["rounds"])
        check = data["targets"].get(name)
        target = (
            f">= {check['target']:.2f} | {'met' if check['ok'] else 'MISSED'}" if check else " | "
        )
        rows.append(
            f"| {label} | {t[name]['requests_per_second']:g} | {rounds} | {ratio} | "
            f"{target} | {t[name]['p50_ms']:g} / {t[name]['p99_ms']:g} ms |"
        )
    return rows


def markdown(data: dict) -> str:
    machine, cpu = data["machine"], data["cpu_ms_in_process"]
    queries = [
        f"| {name} | {count} | {cpu[name]:g} ms |"
        for name, count in data["queries"].items()
        if name != "healthz"
    ]
    learners = data["learners"]
    floor = data["min_learners"]
    return "\n".join(
        [
            "# Web benchmarks",
            "",
            f"Run {data['when']} (`make bench`) with Python {machine['python']} on "
            f"{machine['platform']}, {machine['cpus']} CPUs, load average "
            f"{machine['load_average'][0]} before and {machine['load_average_after'][0]} after "
            "(other work on the machine shares the CPUs; the ratios compare requests measured in "
            "the same rounds).",
            "",
            f"One gunicorn server ({data['gunicorn_workers']} sync workers, "
            "`deploy/gunicorn.conf.py`), DEBUG off, PostgreSQL and Redis on loopback "
            "(`benchmarks/stack.py`). Rate limiting off (`RATELIMIT_ENABLED=0`): it is per "
            "learner, and this sends far more than a learner could. Load generator: "
            f"{_client(data)}; {data['connections']} connections, {data['seconds']} s per kind, "
            f"{data['rounds']} interleaved rounds; requests/s and latencies are medians over "
            "the rounds, a ratio is the median of the per-round ratios to /healthz. The targets "
            "are floors, not goals.",
            "",
            "| request | requests/s | per round | ratio to /healthz | target | | "
            "latency p50 / p99 |",
            "|---|---|---|---|---|---|---|",
            *_throughput_rows(data),
            "",
            f"Every answer 200: {'yes' if data['all_200'] else 'NO'}. Distinct learners: "
            f"{learners['page']} on the lesson pages, {learners['command']} sending commands "
            f"(round-robin; at least {floor} each: "
            f"{'met' if data['enough_learners'] else 'MISSED'}); the fullest terminal after the "
            f"run: {data['longest_terminal_log']} commands (limit {data['workspace_limit']}). "
            f"The lesson page's learners each have {data['warmup_commands']} commands in their "
            "terminal.",
            "",
            "SQL queries and CPU time per request in-process (`benchmarks/web_inprocess.py`: "
            "Django's test client on the benchmark's settings, database and cache; a logged-in "
            "learner, from the second visit on; CPU time of the web process alone, without HTTP, "
            "gunicorn or PostgreSQL's own CPU):",
            "",
            "| request | SQL queries | CPU per request |",
            "|---|---|---|",
            f"| `/healthz` | 0 | {cpu['healthz']:g} ms |",
            *queries,
            "",
            "No page is cached in these numbers. Every lesson page is rendered for its request.",
            "",
            "Reading the ratios: the client, gunicorn and the kernel spend about the same per "
            "request on every kind, and /healthz is little else; a ratio r means the request "
            "costs about 1/r of a /healthz request end to end. In Django alone the lesson page "
            f"costs {cpu['lesson page (terminal)'] / cpu['healthz']:.0f}x /healthz and a command "
            f"{cpu['command POST (htmx)'] / cpu['healthz']:.0f}x, before PostgreSQL's share.",
            "",
            HISTORY.read_text() if HISTORY.is_file() else "",
        ]
    )
