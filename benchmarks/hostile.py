"""``python -m benchmarks.hostile``: issue 14's hostile inputs, sent over HTTP to gunicorn +
PostgreSQL + Redis on loopback (``benchmarks/stack.py``) while another client asks ``/healthz``
every 50 ms.

For each input it reports how long the answer took, what the learner or author was told, the
largest workspace row afterwards, and the slowest ``/healthz`` answer while it ran. The targets
(issue 14's "done when"): a learner's input answered within 1 s, an author's within a few
seconds (5 s here), every workspace row under 256 KiB, ``/healthz`` under 100 ms throughout.
Results: ``benchmarks/results/hostile.md`` and ``.json``; the exit status is 1 when a target is
missed.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import threading
import time
from pathlib import Path

from benchmarks.learners import terminal_lessons
from benchmarks.stack import Client, Stack, _run, running_stack

RESULTS = Path(__file__).with_name("results")
LEARNER_SECONDS, AUTHOR_SECONDS, HEALTHZ_MS, ROW_BYTES = 1.0, 5.0, 100.0, 256 * 1024

LEARNER_INPUTS = [
    ("catastrophic regex", "echo " + "a" * 40 + "! | grep -E '^(a|a)*$'"),
    ("a 1,000-character variable", "export A=" + "x" * 1000),
    *[(f"doubling the variable ({n})", "export A=$A$A$A$A$A$A$A$A") for n in (1, 2, 3, 4)],
    ("printf width 999999999", "printf '%0999999999d' 1"),
    ("printf width 9999999999", "printf '%09999999999d' 1"),
]


def _aliased_files_exercise(hosts: int = 64, files: int = 60) -> str:
    """Issue 14's first YAML: one 64 KB text anchored once and aliased on many hosts."""
    text = "kind: terminal\nprompt: Reach H1.\nscenario:\n  segments: [lan]\n  hosts:\n"
    body = "x" * 64 * 1024
    for i in range(hosts):
        text += (
            f"    H{i}:\n      interfaces: {{eth0: {{segment: lan, address: 10.0.0.{i + 1}/24}}}}\n"
        )
        if i == 0:
            text += f"      files: &files {{/etc/motd: '{body}'}}\n"
        else:
            text += "      files: *files\n"
    text += "goals:\n  - {check: reachable, from: H0, to: 10.0.0.2}\n"
    text += "solution:\n  commands: {H0: ['ip link set eth0 up']}\n"
    return text


def aliased_routes_exercise(hosts: int = 63, routes: int = 1000, goals: int = 48) -> str:
    """Issue 14's second YAML: hosts sharing an aliased list of routes, many goals (also
    tests/web/test_budget_http.py's)."""
    lines = "".join(
        f"      - 10.{i // 250}.{i % 250}.0/24 via 192.168.0.254\n" for i in range(routes)
    )
    text = "kind: terminal\nprompt: Reach H1.\nscenario:\n  segments: [lan]\n  hosts:\n"
    text += "    H0:\n      interfaces: {eth0: {segment: lan, address: 192.168.0.1/24}}\n"
    text += "      routes: &routes\n" + lines
    for i in range(1, hosts):
        address = f"192.168.0.{i + 1}/24"
        text += f"    H{i}:\n      interfaces: {{eth0: {{segment: lan, address: {address}}}}}\n"
        text += "      routes: *routes\n"
    text += "goals:\n" + "".join(
        f"  - {{check: unreachable, from: H{k % hosts}, to: 10.9.9.9}}\n" for k in range(goals)
    )
    return text + "solution:\n  commands: {H0: ['ip link set eth0 down']}\n"


AUTHOR_INPUTS = [
    ("64 KB text aliased on 64 hosts", _aliased_files_exercise()),
    ("63 hosts x aliased 1,000 routes x 48 goals", aliased_routes_exercise()),
    ("63 hosts x aliased 10 routes x 48 goals", aliased_routes_exercise(routes=10)),
]


class HealthzWatch:
    """Asks /healthz every 50 ms in a thread; ``worst()`` is the slowest answer since ``reset``."""

    def __init__(self, port: int) -> None:
        self.client = Client(port, timeout=30)
        self.samples: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            response = self.client.get("/healthz")
            self.samples.append(response.seconds * 1000)
            self.failures += response.status != 200
            self._stop.wait(0.05)

    def __enter__(self) -> HealthzWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=35)

    def reset(self) -> None:
        self.samples = []

    def worst(self) -> float:
        return round(max(self.samples, default=0.0), 1)


def _said(body: str) -> str:
    """The first line of what the page says (tags and entities removed), for the report."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    found = re.search(
        r"(bash: [^\n]*|[^\n]*(?:too large|at most|budget|already passes)[^\n]*)", text
    )
    return " ".join((found.group(0) if found else text.strip()[:160]).split())[:200]


def _largest_row(stack: Stack) -> int:
    with stack.psql() as conn:
        row = conn.execute(
            "SELECT coalesce(max(octet_length(state::text)), 0) FROM lessons_workspace"
        ).fetchone()
    return int(row[0])


def _measure(watch: HealthzWatch, send) -> tuple[float, object]:
    watch.reset()
    time.sleep(0.1)  # a /healthz sample before the request
    start = time.perf_counter()
    response = send()
    seconds = time.perf_counter() - start
    time.sleep(0.1)
    return seconds, response


def run() -> dict:
    lesson = terminal_lessons()[0]
    rows = []
    with running_stack(learners=1) as stack:
        python = sys.executable
        _run(
            "create the author",
            [python, "manage.py", "createinstructor", "author", "--password", stack.password,
             "--noinput"],
            stack.env,
        )  # fmt: skip
        learner = stack.login(stack.usernames[0])
        author = stack.login("author")
        # Warm every worker first (templates, the simulator's modules, RE2): the targets are
        # about the inputs, not about a worker's first request.
        for _ in range(stack.workers * 3):
            learner.get(lesson.url)
            learner.post(lesson.url + "command/", {"host": lesson.hosts[0], "line": "hostname"},
                         htmx=True)  # fmt: skip
            author.get("/author/lessons/new/")
        with HealthzWatch(stack.port) as watch:
            for name, line in LEARNER_INPUTS:
                data = {"host": lesson.hosts[0], "line": line}
                seconds, response = _measure(
                    watch, lambda data=data: learner.post(lesson.url + "command/", data, htmx=True)
                )
                rows.append(_row("learner", name, seconds, response, watch, _largest_row(stack)))
            for name, text in AUTHOR_INPUTS:
                seconds, response = _measure(
                    watch,
                    lambda text=text: author.post(
                        "/author/lessons/validate/", {"exercise": text}, htmx=True
                    ),
                )
                rows.append(_row("author", name, seconds, response, watch, _largest_row(stack)))
        log = stack.log_path.read_text(errors="replace")
    ok = all(r["ok"] for r in rows) and watch.failures == 0
    return {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rows": rows,
        "healthz_failures": watch.failures,
        "tracebacks": log.count("Traceback"),
        "worker_timeouts": log.count("WORKER TIMEOUT"),
        "ok": ok and "Traceback" not in log,
    }


def _row(who, name, seconds, response, watch, row_bytes) -> dict:
    limit = LEARNER_SECONDS if who == "learner" else AUTHOR_SECONDS
    healthz = watch.worst()
    ok = (
        response.status == 200
        and seconds <= limit
        and healthz < HEALTHZ_MS
        and row_bytes < ROW_BYTES
    )
    return {
        "who": who, "input": name, "status": response.status, "seconds": round(seconds, 3),
        "said": _said(response.body), "largest_row_bytes": row_bytes,
        "healthz_worst_ms": healthz, "ok": ok,
    }  # fmt: skip


def markdown(data: dict) -> str:
    lines = [
        "# Hostile inputs over HTTP",
        "",
        f"Run {data['when']} (`python -m benchmarks.hostile`): gunicorn + PostgreSQL + Redis on "
        "loopback, a learner in a terminal lesson and an author validating exercises, while "
        "another client asks `/healthz` every 50 ms. Targets: a learner answered within "
        f"{LEARNER_SECONDS:g} s, an author within {AUTHOR_SECONDS:g} s, every workspace row "
        f"under {ROW_BYTES // 1024} KiB, `/healthz` under {HEALTHZ_MS:g} ms.",
        "",
        "| who | input | status | answered in | what they were told | largest row | "
        "slowest /healthz | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in data["rows"]:
        lines.append(
            f"| {r['who']} | {r['input']} | {r['status']} | {r['seconds'] * 1000:.0f} ms | "
            f"{r['said'].replace('|', '/')} | {r['largest_row_bytes']} B | "
            f"{r['healthz_worst_ms']} ms | {'met' if r['ok'] else 'MISSED'} |"
        )
    lines += [
        "",
        f"/healthz failures: {data['healthz_failures']}; server log: {data['tracebacks']} "
        f"tracebacks, {data['worker_timeouts']} worker timeouts. All targets: "
        f"{'met' if data['ok'] else 'MISSED'}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.hostile",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for hostile.md/json")
    args = parser.parse_args(argv)
    data = run()
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "hostile.json").write_text(json.dumps(data, indent=2) + "\n")
    (args.results / "hostile.md").write_text(markdown(data))
    print(markdown(data))
    return 0 if data["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
