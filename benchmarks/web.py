"""Web tier benchmarks: throughput of pages as ratios to ``/healthz`` on one gunicorn server, and
SQL queries per page. Run by ``python -m benchmarks`` (``make bench``) after the simulator's;
``python -m benchmarks.web`` runs this part alone.

One production-like stack (``benchmarks/stack.py``: gunicorn with ``deploy/gunicorn.conf.py``,
DEBUG off, PostgreSQL, Redis when it answers) serves every measurement, so the ratios compare
pages under the same workers, settings and machine. Each kind of request is sent for a fixed
duration with the same concurrency, in interleaved rounds (healthz, lesson page, command,
healthz, ...), so that load from other processes on the machine hits every kind alike; the
ratios are medians of the per-round ratios.

- ``GET /healthz``: the process answering, no database: the ceiling of this server.
- ``GET`` a terminal lesson page, logged in (learners round-robin, each with a few commands in
  their terminal, as a learner who comes back), and a routes lesson page (its form and diagram).
- ``POST`` a terminal command over htmx (``ip addr``), logged in: learners round-robin, so no
  terminal nears its 500-command limit (checked in the database afterwards).

Rate limiting is per learner (120 commands a minute); a throughput benchmark sends far more per
learner, so the server runs with ``RATELIMIT_ENABLED=0``; everything else is as deployed.

The load generator (``benchmarks/web_clients.py``) is ``wrk`` when it is installed
(``scripts/install-test-deps.sh`` installs it), else a Python client; the report names the one
used. Queries and CPU time per page are measured in-process (``benchmarks/web_inprocess.py``).

No page is cached: every lesson page is rendered for its request (only what is the same for
every learner, the rendered Markdown and a form exercise's starting diagram, is kept in
``{% cache %}`` fragments).

Targets, floors rather than goals (the exit status is 1 when one is missed): lesson page >= 0.20
of /healthz's requests/s, command POST >= 0.18, with at least 24 distinct learners on each, every
answer 200, and no terminal at its limit.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import web_clients, web_report
from benchmarks.measure import machine
from benchmarks.stack import HOST, Client, Stack, StackError, postgres_answers, running_stack

RESULTS = Path(__file__).parent / "results"
COURSE = "linux-networking"
TERMINAL_LESSON = "addresses-and-packets"  # a terminal exercise with hosts A and B
ROUTES_LESSON = "routers-and-the-routing-table"  # a routes form beside a diagram
COMMAND = ("A", "ip addr")
WARMUP_COMMANDS = ("ip addr", "ip route", "ping -c 1 192.165.1.11")  # the page learners' terminal
PAGE_LEARNERS = 24
COMMAND_LEARNERS = 40
MIN_LEARNERS = 24  # distinct learners per kind: a single learner's cache is not a class's
SECONDS = 8  # per kind and round
ROUNDS = 3
WORKSPACE_LIMIT = 500  # commands a terminal keeps before it refuses more (lessons' limit)
TARGETS = {"lesson": 0.20, "command": 0.18}
IN_PROCESS_REPEAT = 40  # requests per page timed in-process
LABELS = {
    "healthz": "`GET /healthz`",
    "lesson": f"`GET` terminal lesson page (`{TERMINAL_LESSON}`)",
    "routes lesson": f"`GET` routes lesson page (`{ROUTES_LESSON}`)",
    "command": f"`POST` command over htmx (`{COMMAND[1]}`)",
}


def kinds() -> dict[str, dict]:
    """The kinds of request measured: method, path, which learners send them, the form."""
    lesson_path = f"/courses/{COURSE}/{TERMINAL_LESSON}/"
    return {
        "healthz": {"method": "GET", "path": "/healthz", "learners": "page"},
        "lesson": {"method": "GET", "path": lesson_path, "learners": "page"},
        "routes lesson": {
            "method": "GET",
            "path": f"/courses/{COURSE}/{ROUTES_LESSON}/",
            "learners": "page",
        },
        "command": {
            "method": "POST",
            "path": lesson_path + "command/",
            "learners": "command",
            "data": {"host": COMMAND[0], "line": COMMAND[1]},
            "body": f"host={COMMAND[0]}&line={COMMAND[1].replace(' ', '+')}",
        },
    }


def in_process(stack: Stack, username: str) -> dict[str, dict]:
    """SQL queries of one request to each page, and the web process's CPU time per request
    (Django alone, without HTTP and gunicorn)."""
    argv = [sys.executable, "-m", "benchmarks.web_inprocess", "--user", username,
            "--course", COURSE, "--terminal-lesson", TERMINAL_LESSON,
            "--routes-lesson", ROUTES_LESSON, "--repeat", str(IN_PROCESS_REPEAT)]  # fmt: skip
    out = subprocess.run(
        argv,
        cwd=Path(__file__).resolve().parents[1],
        env={**stack.env, "DJANGO_SETTINGS_MODULE": "netlearn.settings"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    if out.returncode != 0:
        raise StackError(f"in-process measurement failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _login_all(stack: Stack, usernames: list[str]) -> list[Client]:
    with ThreadPoolExecutor(max_workers=4) as pool:  # PBKDF2 on the server: use both CPUs
        return list(pool.map(stack.login, usernames))


def _cookie_file(path: Path, group: list[Client]) -> Path:
    """One line per learner for wrk's script: their cookies, a tab, their CSRF token."""
    path.write_text(
        "".join(
            "; ".join(f"{k}={v}" for k, v in c.cookies.items())
            + f"\t{c.cookies.get('csrftoken', '')}\n"
            for c in group
        )
    )
    return path


def _prepare_learners(stack: Stack, page_learners: int, command_learners: int) -> dict:
    """Log the learners in: the page learners come back to a terminal they used (a few commands
    in it), the command learners have opened the lesson once."""
    lesson_path = kinds()["lesson"]["path"]
    names = stack.usernames
    page_clients = _login_all(stack, names[:page_learners])
    command_clients = _login_all(stack, names[page_learners : page_learners + command_learners])
    for browser in page_clients:
        for line in WARMUP_COMMANDS:
            browser.post(lesson_path + "command/", {"host": "A", "line": line}, htmx=True)
    for browser in command_clients:
        browser.get(lesson_path)
    return {"page": page_clients, "command": command_clients}


def run(
    *,
    seconds: int = SECONDS,
    rounds: int = ROUNDS,
    client: str | None = None,
    page_learners: int = PAGE_LEARNERS,
    command_learners: int = COMMAND_LEARNERS,
) -> dict:
    client = client or ("wrk" if shutil.which("wrk") else "python")
    machine_before = machine()
    learners = page_learners + command_learners + 1  # the last: the in-process measurement's
    env = {"RATELIMIT_ENABLED": "0", "LOG_LEVEL": "WARNING"}
    with running_stack(learners=learners, env=env) as stack, tempfile.TemporaryDirectory() as tmp:
        groups = _prepare_learners(stack, page_learners, command_learners)
        files = {name: _cookie_file(Path(tmp) / f"{name}.tsv", g) for name, g in groups.items()}
        script = Path(tmp) / "netlearn.lua"
        script.write_text(web_clients.WRK_SCRIPT)

        def measure(kind: dict, length: int) -> dict:
            if client == "wrk":
                return web_clients.wrk(stack, kind, files[kind["learners"]], script, length)
            users = [dict(c.cookies) for c in groups[kind["learners"]]]
            return web_clients.python_client(stack, kind, users, length)

        for kind in kinds().values():  # warm every worker's caches and connections
            measure(kind, 2)
        samples: dict[str, list[dict]] = {name: [] for name in kinds()}
        for _ in range(rounds):
            for name, kind in kinds().items():
                samples[name].append(measure(kind, seconds))
        longest = stack.terminal_logs()["longest"]
        measured = in_process(stack, stack.usernames[-1])
        workers = stack.workers
    data = summarise(samples, rounds)
    data.update(
        machine={**machine_before, "load_average_after": machine()["load_average"]},
        client=client,
        gunicorn_workers=workers,
        connections=web_clients.CONNECTIONS,
        seconds=seconds,
        rounds=rounds,
        longest_terminal_log=longest,
        learners={"page": page_learners, "command": command_learners},
        queries=measured["queries"],
        cpu_ms_in_process=measured["cpu_ms"],
    )
    data["enough_learners"] = min(page_learners, command_learners) >= MIN_LEARNERS
    data["ok"] = (
        all(c["ok"] for c in data["targets"].values())
        and data["all_200"]
        and data["enough_learners"]
        and longest < WORKSPACE_LIMIT
    )
    return data


def _median(runs: list[dict], key: str, digits: int) -> float:
    return round(statistics.median(run[key] for run in runs), digits)


def summarise(samples: dict[str, list[dict]], rounds: int) -> dict:
    """Requests/s, latencies and ratios to /healthz (medians over the rounds), and targets."""
    per_round = []
    for index in range(rounds):
        base = samples["healthz"][index]["requests_per_second"] or 1
        per_round.append(
            {
                name: round(samples[name][index]["requests_per_second"] / base, 3)
                for name in samples
                if name != "healthz"
            }
        )
    ratios = {
        name: round(statistics.median(r[name] for r in per_round), 3) for name in per_round[0]
    }
    throughput = {
        name: {
            "requests_per_second": _median(runs, "requests_per_second", 1),
            "rounds": [s["requests_per_second"] for s in runs],
            "not_200": sum(s["not_200"] for s in runs),
            "socket_errors": sum(s["socket_errors"] for s in runs),
            "p50_ms": _median(runs, "p50_ms", 2),
            "p99_ms": _median(runs, "p99_ms", 2),
        }
        for name, runs in samples.items()
    }
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "rate_limit": "off (RATELIMIT_ENABLED=0)",
        "throughput": throughput,
        "ratios": ratios,
        "ratios_per_round": per_round,
        "targets": {
            name: {"ratio": ratios[name], "target": target, "ok": ratios[name] >= target}
            for name, target in TARGETS.items()
        },
        "all_200": all(t["not_200"] == 0 and t["socket_errors"] == 0 for t in throughput.values()),
        "labels": LABELS,
        "min_learners": MIN_LEARNERS,
        "workspace_limit": WORKSPACE_LIMIT,
        "warmup_commands": len(WARMUP_COMMANDS),
    }


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.web",
        description=__doc__.split("\n\n")[0].replace("``", ""),
        epilog=f"Targets (floors): lesson page >= {TARGETS['lesson']} and command POST >= "
        f"{TARGETS['command']} of /healthz, with {MIN_LEARNERS}+ learners each. Needs PostgreSQL "
        f"on {HOST}:5432 (skipped without it).",
    )
    p.add_argument("--seconds", type=int, default=SECONDS, help="per kind and round")
    p.add_argument("--rounds", type=int, default=ROUNDS)
    p.add_argument(
        "--client",
        choices=["wrk", "python"],
        default=None,
        help="load generator (default: wrk when installed)",
    )
    p.add_argument("--page-learners", type=int, default=PAGE_LEARNERS)
    p.add_argument("--command-learners", type=int, default=COMMAND_LEARNERS)
    p.add_argument("--results", type=Path, default=RESULTS, help="where web.md/json go")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not postgres_answers():
        print(f"web benchmarks skipped: PostgreSQL does not answer on {HOST}:5432")
        return 0
    data = run(
        seconds=args.seconds,
        rounds=args.rounds,
        client=args.client,
        page_learners=args.page_learners,
        command_learners=args.command_learners,
    )
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "web.json").write_text(json.dumps(data, indent=2) + "\n")
    text = web_report.markdown(data)
    (args.results / "web.md").write_text(text)
    print(text)
    return 0 if data["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
