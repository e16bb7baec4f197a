"""Sections 1-4 and 6 of the reference transcripts replayed on the simulator, *every* command run.

Unlike ``transcripts.replay`` (which applies `route`/`sysctl` through the core), here the traffic
commands (ping, traceroute, route, netstat, sysctl) run for real, so each transcript of those
families can be compared. What differs between two real runs is masked: ping and traceroute
times, and the summary's total time.
"""

from __future__ import annotations

import functools
import re

from transcripts import _apply_equivalent, load, normalise, reference_scenario

from netlearn.sim import Network, Result

TRAFFIC_COMMANDS = ("ping", "traceroute", "route", "netstat", "sysctl")
NOT_SIMULATED = ("ifconfig", "arp", "bridge", "ip neigh")

# Transcripts the simulator does not reproduce exactly, and why.
KNOWN_DIFFERENCES = {
    265: "a -w deadline run sent 3 or 4 packets depending on the real run; the simulator sends 4",
}

_TIMES = [
    (re.compile(r"time=\d+(\.\d+)? ms"), "time=T ms"),
    (re.compile(r"rtt min/avg/max/mdev = [\d./]+ ms"), "rtt min/avg/max/mdev = R ms"),
    (re.compile(r"time \d+ms"), "time Nms"),
    (re.compile(r"  \d+\.\d+ ms"), "  T ms"),
]


def mask_times(text: str) -> str:
    for pattern, replacement in _TIMES:
        text = pattern.sub(replacement, text)
    return text


def masked(result: Result) -> tuple[str, str, int]:
    return mask_times(result.stdout), mask_times(result.stderr), result.status


@functools.cache
def replay() -> tuple[tuple[dict, Result], ...]:
    """(transcript item, simulator result) for every traffic-family command, in order."""
    data = load()
    net = Network.from_scenario(reference_scenario(configured=False))
    cases = []
    for item in data:
        if item["topic"][0] not in "12346":
            continue
        host, command = item["host"], item["command"]
        if host.startswith("SW"):
            _apply_equivalent(net, host, command)
            continue
        if command.startswith(NOT_SIMULATED):
            continue
        result = net.run(host, command)
        if command.split()[0] in TRAFFIC_COMMANDS:
            cases.append((item, result))
    return tuple(cases)


def expected(item: dict) -> Result:
    return Result(normalise(item["stdout"]), normalise(item["stderr"]), item["exit_status"])


def cases_of(*commands: str) -> list[tuple[dict, Result]]:
    return [(item, result) for item, result in replay() if item["command"].split()[0] in commands]
