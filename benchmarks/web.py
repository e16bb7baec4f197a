"""Web tier benchmarks (issue 8, item 4): throughput of pages as ratios to ``/healthz`` on one
gunicorn server, and SQL queries per page. Run by ``python -m benchmarks`` (``make bench``) after
the simulator's; ``python -m benchmarks.web`` runs this part alone.

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

The load generator is ``wrk`` (one C process with a Lua script for cookies, CSRF and htmx headers)
when it is installed (``scripts/install-test-deps.sh`` installs it), else a Python client of one
process per connection; the report names the one used. It shares the machine's CPUs with gunicorn
and PostgreSQL, as loopback benchmarks do.

Queries per page are counted in-process (Django's test client against the benchmark database and
cache, a logged-in learner, the second request of each page: steady state). No page is cached:
every lesson page is rendered for its request (only what is the same for every learner, the
rendered Markdown and a form exercise's starting diagram, is kept in ``{% cache %}`` fragments).

Targets (the exit status is 1 when one is missed): lesson page >= 0.40 of /healthz's requests/s,
command POST >= 0.25, and every answer 200.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.stack import HOST, Client, Stack, StackError, postgres_answers, running_stack

RESULTS = Path(__file__).parent / "results"
COURSE = "linux-networking"
TERMINAL_LESSON = "addresses-and-packets"  # a terminal exercise with hosts A and B
ROUTES_LESSON = "routers-and-the-routing-table"  # a routes form beside a diagram
COMMAND = ("A", "ip addr")
WARMUP_COMMANDS = ("ip addr", "ip route", "ping -c 1 192.165.1.11")  # the page learners' terminal
PAGE_LEARNERS = 16
COMMAND_LEARNERS = 40
SECONDS = 8  # per kind and round
ROUNDS = 3
CONNECTIONS = 16
WORKSPACE_LIMIT = 500  # lessons.services.terminal.MAX_WORKSPACE_COMMANDS
TARGETS = {"lesson": 0.40, "command": 0.25}
IN_PROCESS_REPEAT = 40  # requests per page timed in-process

# -- the load generators -------------------------------------------------------------------------

WRK_SCRIPT = r"""
-- One request kind; learners' cookies round-robin (each thread starts at its own offset).
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  users = {}
  for line in io.lines(os.getenv("NETLEARN_USERS")) do
    local cookie, token = line:match("([^\t]*)\t([^\t]*)")
    users[#users + 1] = {cookie = cookie, token = token}
  end
  method, path = os.getenv("NETLEARN_METHOD"), os.getenv("NETLEARN_PATH")
  body = os.getenv("NETLEARN_BODY")
  origin = os.getenv("NETLEARN_ORIGIN")
  index = id * 7
  ok, bad = 0, 0
end

function request()
  index = index % #users + 1
  local user = users[index]
  local headers = {["X-Forwarded-Proto"] = "https", ["X-Forwarded-For"] = "127.0.0.1"}
  if user.cookie ~= "" then headers["Cookie"] = user.cookie end
  if method == "POST" then
    headers["X-CSRFToken"] = user.token
    headers["Origin"] = origin
    headers["Referer"] = origin .. path
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["HX-Request"] = "true"
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", path, headers, nil)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_bad = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
  end
  io.write(string.format("NETLEARN ok=%d bad=%d errors=%d p50_us=%d p99_us=%d\n",
    total_ok, total_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _wrk(stack: Stack, kind: dict, users_file: Path, script: Path, seconds: int) -> dict:
    env = {
        **os.environ,
        "NETLEARN_USERS": str(users_file),
        "NETLEARN_METHOD": kind["method"],
        "NETLEARN_PATH": kind["path"],
        "NETLEARN_BODY": kind.get("body", ""),
        "NETLEARN_ORIGIN": f"https://{HOST}:{stack.port}",
    }
    threads = min(2, CONNECTIONS)
    argv = ["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(script), stack.base_url + kind["path"]]  # fmt: skip
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("NETLEARN ")), None)
    if out.returncode != 0 or line is None:
        raise StackError(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    fields = dict(item.split("=") for item in line.split()[1:])
    ok, bad = int(fields["ok"]), int(fields["bad"])
    return {
        "requests_per_second": round(ok / seconds, 1),
        "ok": ok,
        "not_200": bad,
        "socket_errors": int(fields["errors"]),
        "p50_ms": round(int(fields["p50_us"]) / 1000, 2),
        "p99_ms": round(int(fields["p99_us"]) / 1000, 2),
    }


def _python_worker(args: tuple) -> tuple[int, int, int, list[float]]:
    """One connection's loop (a process of its own, so the client is not one GIL)."""
    port, kind, users, offset, deadline = args
    ok = bad = errors = 0
    latencies: list[float] = []
    index = offset
    while time.time() < deadline:
        index = (index + 1) % len(users)
        client = Client(port, timeout=10)
        client.cookies = dict(users[index])
        try:
            if kind["method"] == "POST":
                response = client.post(kind["path"], kind["data"], htmx=True)
            else:
                response = client.get(kind["path"])
        except OSError:
            errors += 1
            continue
        latencies.append(response.seconds)
        if response.status == 200:
            ok += 1
        else:
            bad += 1
    return ok, bad, errors, latencies


def _python_client(stack: Stack, kind: dict, users: list[dict], seconds: int) -> dict:
    deadline = time.time() + seconds
    jobs = [(stack.port, kind, users, i * 7, deadline) for i in range(CONNECTIONS)]
    with multiprocessing.get_context("fork").Pool(CONNECTIONS) as pool:
        parts = pool.map(_python_worker, jobs)
    ok = sum(p[0] for p in parts)
    latencies = sorted(x for p in parts for x in p[3]) or [0.0]
    return {
        "requests_per_second": round(ok / seconds, 1),
        "ok": ok,
        "not_200": sum(p[1] for p in parts),
        "socket_errors": sum(p[2] for p in parts),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
    }


# -- queries and CPU time per page, in-process ---------------------------------------------------

# Run in a subprocess with the stack's environment (its settings, database and cache).
_IN_PROCESS = """
import json, os, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

course, terminal, routes = sys.argv[1:4]
REPEAT = int(sys.argv[4])
lesson_url = f"/courses/{course}/{terminal}/"
pages = {
    "healthz": ("get", "/healthz", None),
    "home": ("get", "/", None),
    "progress page": ("get", "/progress/", None),
    "lesson page (terminal)": ("get", lesson_url, None),
    "lesson page (routes)": ("get", f"/courses/{course}/{routes}/", None),
    "command POST (htmx)": ("post", lesson_url + "command/", {"host": "A", "line": "ip addr"}),
    "check POST (htmx)": ("post", lesson_url + "check/", {}),
}
user = get_user_model().objects.get(username=os.environ["BENCH_QUERY_USER"])
client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
client.force_login(user)


def send(method, url, data):
    if method == "get":
        return client.get(url)
    return client.post(url, data, HTTP_HX_REQUEST="true")


counts, cpu_ms = {}, {}
for name, (method, url, data) in pages.items():
    send(method, url, data)  # the first visit creates the workspace, progress...
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = send(method, url, data)
    assert response.status_code == 200, (name, response.status_code)
    counts[name] = len(queries)
    start = time.process_time()
    for _ in range(REPEAT):
        send(method, url, data)
    cpu_ms[name] = round((time.process_time() - start) / REPEAT * 1000, 2)
print(json.dumps({"queries": counts, "cpu_ms": cpu_ms}))
"""


def in_process(stack: Stack, username: str) -> dict[str, dict]:
    """SQL queries of one request to each page, and the web process's CPU time per request
    (Django alone, without HTTP and gunicorn)."""
    out = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, COURSE, TERMINAL_LESSON, ROUTES_LESSON,
         str(IN_PROCESS_REPEAT)],
        cwd=Path(__file__).resolve().parents[1],
        env={**stack.env, "DJANGO_SETTINGS_MODULE": "netlearn.settings",
             "BENCH_QUERY_USER": username},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if out.returncode != 0:
        raise StackError(f"in-process measurement failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the run -------------------------------------------------------------------------------------


def _login_all(stack: Stack, usernames: list[str]) -> list[Client]:
    with ThreadPoolExecutor(max_workers=4) as pool:  # PBKDF2 on the server: use both CPUs
        return list(pool.map(stack.login, usernames))


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def run(
    *,
    seconds: int = SECONDS,
    rounds: int = ROUNDS,
    client: str | None = None,
    page_learners: int = PAGE_LEARNERS,
    command_learners: int = COMMAND_LEARNERS,
) -> dict:
    client = client or ("wrk" if shutil.which("wrk") else "python")
    lesson_path = f"/courses/{COURSE}/{TERMINAL_LESSON}/"
    kinds = {
        "healthz": {"method": "GET", "path": "/healthz", "learners": "page"},
        "lesson": {"method": "GET", "path": lesson_path, "learners": "page"},
        "routes lesson": {"method": "GET", "path": f"/courses/{COURSE}/{ROUTES_LESSON}/",
                          "learners": "page"},
        "command": {"method": "POST", "path": lesson_path + "command/", "learners": "command",
                    "data": {"host": COMMAND[0], "line": COMMAND[1]},
                    "body": f"host={COMMAND[0]}&line={COMMAND[1].replace(' ', '+')}"},
    }  # fmt: skip
    machine_before = _machine()
    learners = page_learners + command_learners + 1
    env = {"RATELIMIT_ENABLED": "0", "LOG_LEVEL": "WARNING"}
    with running_stack(learners=learners, env=env) as stack, tempfile.TemporaryDirectory() as tmp:
        page_names = stack.usernames[:page_learners]
        command_names = stack.usernames[page_learners : page_learners + command_learners]
        query_user = stack.usernames[-1]
        page_clients = _login_all(stack, page_names)
        command_clients = _login_all(stack, command_names)
        for browser in page_clients:  # a learner coming back to a terminal they used
            for line in WARMUP_COMMANDS:
                browser.post(lesson_path + "command/", {"host": "A", "line": line}, htmx=True)
        for browser in command_clients:
            browser.get(lesson_path)
        groups = {"page": page_clients, "command": command_clients}
        files = {}
        for name, group in groups.items():
            files[name] = Path(tmp) / f"{name}.tsv"
            files[name].write_text(
                "".join(
                    "; ".join(f"{k}={v}" for k, v in c.cookies.items())
                    + f"\t{c.cookies.get('csrftoken', '')}\n"
                    for c in group
                )
            )
        script = Path(tmp) / "netlearn.lua"
        script.write_text(WRK_SCRIPT)

        def measure(kind: dict, length: int) -> dict:
            if client == "wrk":
                return _wrk(stack, kind, files[kind["learners"]], script, length)
            users = [dict(c.cookies) for c in groups[kind["learners"]]]
            return _python_client(stack, kind, users, length)

        for kind in kinds.values():  # warm every worker's caches and connections
            measure(kind, 2)
        samples: dict[str, list[dict]] = {name: [] for name in kinds}
        for _ in range(rounds):
            for name, kind in kinds.items():
                samples[name].append(measure(kind, seconds))
        with stack.psql() as conn:
            longest = conn.execute(
                "SELECT coalesce(max(position), 0) FROM lessons_terminalentry"
            ).fetchone()[0]
        measured = in_process(stack, query_user)
        workers = stack.workers
    return _summarise(samples, measured, longest, client, workers, seconds, rounds,
                      machine_before)  # fmt: skip


def _median(runs: list[dict], key: str, digits: int) -> float:
    return round(statistics.median(run[key] for run in runs), digits)


def _summarise(samples, measured, longest, client, workers, seconds, rounds, machine_before):
    per_round = []
    for index in range(rounds):
        base = samples["healthz"][index]["requests_per_second"] or 1
        per_round.append(
            {name: round(samples[name][index]["requests_per_second"] / base, 3)
             for name in samples if name != "healthz"}
        )  # fmt: skip
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
    }  # fmt: skip
    all_200 = all(t["not_200"] == 0 and t["socket_errors"] == 0 for t in throughput.values())
    checks = {name: {"ratio": ratios[name], "target": target, "ok": ratios[name] >= target}
              for name, target in TARGETS.items()}  # fmt: skip
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {**machine_before, "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "client": client,
        "gunicorn_workers": workers,
        "connections": CONNECTIONS,
        "seconds": seconds,
        "rounds": rounds,
        "rate_limit": "off (RATELIMIT_ENABLED=0)",
        "throughput": throughput,
        "ratios": ratios,
        "ratios_per_round": per_round,
        "targets": checks,
        "all_200": all_200,
        "longest_terminal_log": longest,
        "queries": measured["queries"],
        "cpu_ms_in_process": measured["cpu_ms"],
        "ok": all(c["ok"] for c in checks.values()) and all_200 and longest < WORKSPACE_LIMIT,
    }


# -- the report ----------------------------------------------------------------------------------

LABELS = {
    "healthz": "`GET /healthz`",
    "lesson": f"`GET` terminal lesson page (`{TERMINAL_LESSON}`)",
    "routes lesson": f"`GET` routes lesson page (`{ROUTES_LESSON}`)",
    "command": f"`POST` command over htmx (`{COMMAND[1]}`)",
}


# Earlier runs, by hand: what each change bought (appended to the report).
HISTORY = Path(__file__).with_name("web_history.md")


def markdown(data: dict) -> str:
    machine, t = data["machine"], data["throughput"]
    client = (
        "wrk (C, one process, Lua script for cookies/CSRF/htmx headers)"
        if data["client"] == "wrk"
        else "a Python client (one process per connection; wrk was not installed, and the "
        "client's own CPU use lowers /healthz's number most, which flatters the ratios)"
    )

    def target(name: str) -> str:
        check = data["targets"].get(name)
        if check is None:
            return " | "
        return f">= {check['target']:.2f} | {'met' if check['ok'] else 'MISSED'}"

    rows = []
    for name, label in LABELS.items():
        ratio = "1" if name == "healthz" else f"{data['ratios'][name]:.3f}"
        rounds = " / ".join(f"{x:g}" for x in t[name]["rounds"])
        rows.append(
            f"| {label} | {t[name]['requests_per_second']:g} | {rounds} | {ratio} | "
            f"{target(name)} | {t[name]['p50_ms']:g} / {t[name]['p99_ms']:g} ms |"
        )
    cpu = data["cpu_ms_in_process"]
    queries = [
        f"| {name} | {count} | {cpu[name]:g} ms |"
        for name, count in data["queries"].items()
        if name != "healthz"
    ]
    budget = {
        name: f"{1 / target:.1f}x" for name, target in TARGETS.items()
    }  # a ratio r to /healthz: the request may cost at most 1/r of a /healthz request
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
            f"{client}; {data['connections']} connections, {data['seconds']} s per kind, "
            f"{data['rounds']} interleaved rounds; requests/s and latencies are medians over "
            "the rounds, a ratio is the median of the per-round ratios to /healthz.",
            "",
            "| request | requests/s | per round | ratio to /healthz | target | | "
            "latency p50 / p99 |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Every answer 200: {'yes' if data['all_200'] else 'NO'}. Command learners "
            f"round-robin; the longest terminal log after the run: {data['longest_terminal_log']} "
            f"commands (limit {WORKSPACE_LIMIT}). The lesson page's learners each have "
            f"{len(WARMUP_COMMANDS)} commands in their terminal.",
            "",
            "SQL queries and CPU time per request in-process (Django's test client on the "
            "benchmark's settings, database and cache, so sessions come from Redis when it runs; "
            "a logged-in learner, from the second visit on; CPU time of the web process alone, "
            f"the mean of {IN_PROCESS_REPEAT} requests, without HTTP, gunicorn or "
            "PostgreSQL's own CPU):",
            "",
            "| request | SQL queries | CPU per request |",
            "|---|---|---|",
            f"| `/healthz` | 0 | {cpu['healthz']:g} ms |",
            *queries,
            "",
            "**No page is cached in these numbers.** Every lesson page is rendered for its "
            "request from the database; only what is the same for every learner (the rendered "
            "Markdown, a form exercise's starting diagram) is kept, in `{% cache %}` fragments "
            "keyed by their content.",
            "",
            "Reading the ratios: the client, gunicorn and the kernel spend about the same per "
            "request on every kind, and /healthz is little else; a lesson page at 0.40 of its "
            f"throughput may cost at most {budget['lesson']} a /healthz request end to end, a "
            f"command at 0.25 at most {budget['command']}. In Django alone the lesson page costs "
            f"{cpu['lesson page (terminal)'] / cpu['healthz']:.0f}x /healthz and a command "
            f"{cpu['command POST (htmx)'] / cpu['healthz']:.0f}x, before PostgreSQL's share.",
            "",
            HISTORY.read_text() if HISTORY.is_file() else "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=SECONDS, help="per kind and round")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--client", choices=["wrk", "python"], default=None,
                        help="load generator (default: wrk when installed)")  # fmt: skip
    parser.add_argument("--page-learners", type=int, default=PAGE_LEARNERS)
    parser.add_argument("--command-learners", type=int, default=COMMAND_LEARNERS)
    parser.add_argument("--results", type=Path, default=RESULTS, help="where web.md/json go")
    args = parser.parse_args(argv)
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
    text = markdown(data)
    (args.results / "web.md").write_text(text)
    print(text)
    return 0 if data["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
