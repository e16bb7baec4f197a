"""``python -m benchmarks.web_inprocess``: SQL queries and CPU time per request, in-process.

Run by the web benchmark (``benchmarks/web.py``) with the stack's environment (its settings,
database and cache): Django's test client, a logged-in learner (``--user``), the second request
of each page (steady state). The CPU time is the web process's alone, the mean of ``--repeat``
requests, without HTTP, gunicorn or PostgreSQL's own CPU. Prints one line of JSON:
``{"queries": {page: count}, "cpu_ms": {page: ms}}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def pages(course: str, terminal: str, routes: str) -> dict[str, tuple]:
    """name -> (method, url, data) of every request measured."""
    lesson_url = f"/courses/{course}/{terminal}/"
    routes_url = f"/courses/{course}/{routes}/"
    return {
        "healthz": ("get", "/healthz", None),
        "home": ("get", "/", None),
        "progress page": ("get", "/progress/", None),
        "lesson page (terminal)": ("get", lesson_url, None),
        "lesson page (routes)": ("get", routes_url, None),
        "command POST (htmx)": ("post", lesson_url + "command/", {"host": "A", "line": "ip addr"}),
        "check POST (htmx)": ("post", lesson_url + "check/", {}),
    }


def measure(username: str, course: str, terminal: str, routes: str, repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    user = get_user_model().objects.get(username=username)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)

    def send(method: str, url: str, data: dict | None):
        if method == "get":
            return client.get(url)
        return client.post(url, data, HTTP_HX_REQUEST="true")

    counts, cpu_ms = {}, {}
    for name, (method, url, data) in pages(course, terminal, routes).items():
        send(method, url, data)  # the first visit creates the workspace, progress...
        queries: list[str] = []

        def record(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            response = send(method, url, data)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        counts[name] = len(queries)
        start = time.process_time()
        for _ in range(repeat):
            send(method, url, data)
        cpu_ms[name] = round((time.process_time() - start) / repeat * 1000, 2)
    return {"queries": counts, "cpu_ms": cpu_ms}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.web_inprocess",
        description="SQL queries and CPU time per request of each page, in-process (run by "
        "benchmarks/web.py with the stack's settings).",
    )
    parser.add_argument("--user", required=True, help="a learner's username")
    parser.add_argument("--course", required=True)
    parser.add_argument("--terminal-lesson", required=True)
    parser.add_argument("--routes-lesson", required=True)
    parser.add_argument("--repeat", type=int, default=40, help="requests timed per page")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netlearn.settings")
    import django

    django.setup()
    data = measure(args.user, args.course, args.terminal_lesson, args.routes_lesson, args.repeat)
    print(json.dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
