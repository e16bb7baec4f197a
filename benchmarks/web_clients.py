"""The web benchmark's load generators (``benchmarks/web.py``): one kind of request sent for a
fixed time over ``CONNECTIONS`` connections, learners' cookies round-robin; requests/s, answers
other than 200, socket errors and latency percentiles.

``wrk`` (one C process, a Lua script for cookies, CSRF and htmx headers) when it is installed:
it leaves the most CPU to the server. Otherwise a Python client of one process per connection
(so the client is not one GIL), whose own CPU use lowers /healthz's number most.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import time
from pathlib import Path

from benchmarks.stack import HOST, Client, Stack, StackError

CONNECTIONS = 16

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


def wrk(stack: Stack, kind: dict, users_file: Path, script: Path, seconds: int) -> dict:
    """Send ``kind`` with wrk for ``seconds``; ``users_file``: cookie and CSRF token a line."""
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


def python_client(stack: Stack, kind: dict, users: list[dict], seconds: int) -> dict:
    """Send ``kind`` from one process per connection for ``seconds``; ``users``: cookies."""
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
