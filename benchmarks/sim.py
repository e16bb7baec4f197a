"""Simulator benchmarks: route lookup growth, ping cost per hop, grading an exercise.

Each measurement is repeated and the median kept (``time.perf_counter``), so a noisy neighbour
on the machine moves the numbers less than a mean would. Targets (issue #3, item 8):

- route lookup with 20,000 routes costs at most 2x the lookup with 20 routes;
- ping's cost per hop across 64 routers is at most 2x its cost per hop across 4 routers;
- grading a 12-command exercise (build the network, run the commands, check the goals) < 5 ms.

``python -m benchmarks.sim`` runs them alone (``python -m benchmarks`` runs them, then the web
tier's) and writes ``benchmarks/results/sim.md`` and ``sim.json``; the exit status is 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

from netlearn.sim import Network
from netlearn.sim.routing import Route

RUNS = 15
RESULTS = Path(__file__).parent / "results"


def median_seconds(fn: Callable[[], object], *, runs: int = RUNS, inner: int = 1) -> float:
    """Median wall time of one call of ``fn`` over ``runs`` batches of ``inner`` calls."""
    fn()  # warm caches (command discovery, imports)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def paired(small: Callable[[], object], large: Callable[[], object], *, runs: int = 31):
    """Time ``small`` and ``large`` back to back in each run (so that load from other processes
    hits both alike); (median small, median large, median of the per-run ratios large/small)."""
    small()
    large()
    times_small, times_large, ratios = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        small()
        middle = time.perf_counter()
        large()
        end = time.perf_counter()
        times_small.append(middle - start)
        times_large.append(end - middle)
        ratios.append((end - middle) / (middle - start))
    return (
        statistics.median(times_small),
        statistics.median(times_large),
        statistics.median(ratios),
    )


# -- route lookup ------------------------------------------------------------------------------


def host_with_routes(count: int, seed: int = 1):
    """A host on 192.168.0.0/24 with ``count`` routes: a default route and static routes of
    mixed prefix lengths (so every lookup finds a route, in both tables alike)."""
    net = Network()
    host = net.add_host("A")
    iface = host.add_interface("eth0", segment="lan")
    host.set_link("eth0", True)
    host.add_address("eth0", IPv4Interface("192.168.0.10/24"))
    host.add_route(Route(IPv4Network("0.0.0.0/0"), IPv4Address("192.168.0.1"), iface.name))
    rng = random.Random(seed)
    seen: set[IPv4Network] = set()
    while len(seen) < count - 1:
        length = rng.choice((8, 12, 16, 20, 24, 28, 32))
        network = IPv4Network((rng.getrandbits(32), length), strict=False)
        if network in seen or network.overlaps(IPv4Network("192.168.0.0/24")):
            continue
        seen.add(network)
        gateway = IPv4Address(f"192.168.0.{rng.randint(1, 9)}")
        host.add_route(Route(network, gateway, iface.name))
    return host


def bench_route_lookup() -> dict:
    rng = random.Random(7)
    hosts = {count: host_with_routes(count) for count in (20, 20_000)}
    # Half the destinations fall inside static routes of the table, half go to the default.
    destinations = {}
    for count, host in hosts.items():
        statics = [r.dst for r in host.routes() if r.gateway is not None and not r.is_default]
        inside = [
            IPv4Address(int(n.network_address) + rng.randrange(n.num_addresses))
            for n in (rng.choice(statics) for _ in range(1000))
        ]
        destinations[count] = inside + [IPv4Address(rng.getrandbits(32)) for _ in range(1000)]

    def lookups(count: int) -> Callable[[], None]:
        host, targets = hosts[count], destinations[count]

        def run() -> None:
            for dst in targets:
                host.lookup(dst)

        return run

    small, large, growth = paired(lookups(20), lookups(20_000))
    return {
        "lookup_us_20_routes": round(small * 1e6 / 2000, 3),
        "lookup_us_20000_routes": round(large * 1e6 / 2000, 3),
        "growth": round(growth, 2),
        "target_growth": 2.0,
        "ok": growth <= 2.0,
    }


# -- ping across a chain of routers ------------------------------------------------------------


def router_chain(routers: int) -> Network:
    """A - R1 - ... - Rn - B, built through the model API (a scenario allows 64 hosts at most)."""
    net = Network()
    segments = [f"n{i}" for i in range(routers + 1)]

    def node(name: str, links: list[tuple[str, str]], routes: list[str], forwarding: bool):
        host = net.add_host(name)
        for index, (segment, address) in enumerate(links):
            iface = f"eth{index}"
            host.add_interface(iface, segment=segment)
            host.set_link(iface, True)
            host.add_address(iface, IPv4Interface(address))
        host.forwarding = forwarding
        for line in routes:
            result = net.run(name, f"ip route add {line}")
            assert result.status == 0, (name, line, result.output)

    def subnet(i: int) -> str:
        return f"10.{i // 256}.{i % 256}"

    node("A", [(segments[0], f"{subnet(0)}.10/24")], [f"default via {subnet(0)}.1"], False)
    for i in range(1, routers + 1):
        routes = []
        if i < routers:
            routes.append(f"default via {subnet(i)}.2")
        if i > 1:
            routes.append(f"{subnet(0)}.0/24 via {subnet(i - 1)}.1")
        left = f"{subnet(i - 1)}.{1 if i == 1 else 2}/24"
        node(f"R{i}", [(segments[i - 1], left), (segments[i], f"{subnet(i)}.1/24")], routes, True)
    node(
        "B",
        [(segments[routers], f"{subnet(routers)}.10/24")],
        [f"default via {subnet(routers)}.1"],
        False,
    )
    net.commands_run = 0
    return net


def bench_ping_per_hop() -> dict:
    result, runners = {}, {}
    for routers in (4, 64):
        net = router_chain(routers)
        target = str(net.hosts["B"].interfaces["eth0"].addresses[0].ip)
        line = f"ping -c 1 -t 255 {target}"
        trace = net.run("A", line).trace
        hops = len(trace.request.hops) + (len(trace.reply.hops) if trace.reply else 0)

        def ping(net=net, line=line) -> None:
            for _ in range(5):
                net.commands_run = 0
                net.run("A", line)

        runners[routers] = ping
        result[routers] = {"hops": hops, "replied": trace.ok}
    small, large, _ = paired(runners[4], runners[64])
    for routers, seconds in ((4, small / 5), (64, large / 5)):
        result[routers]["ping_ms"] = round(seconds * 1e3, 3)
        result[routers]["us_per_hop"] = round(seconds * 1e6 / result[routers]["hops"], 3)
    growth = result[64]["us_per_hop"] / result[4]["us_per_hop"]
    return {
        "routers_4": result[4],
        "routers_64": result[64],
        "per_hop_growth": round(growth, 2),
        "target_growth": 2.0,
        "ok": growth <= 2.0,
    }


# -- grading a 12-command exercise -------------------------------------------------------------

EXERCISE = {
    "segments": ["net1", "net2"],
    "hosts": {
        "A": {"interfaces": {"eth0": {"segment": "net1", "up": False}}},
        "B": {"interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.11/24"}}},
        "R": {
            "interfaces": {
                "eth0": {"segment": "net1", "address": "192.165.1.1/24"},
                "eth1": {"segment": "net2", "address": "192.165.2.1/24"},
            }
        },
        "C": {"interfaces": {"eth0": {"segment": "net2", "address": "192.165.2.10/24"}}},
        "D": {"interfaces": {"eth0": {"segment": "net2", "address": "192.165.2.11/24"}}},
    },
}
COMMANDS = [
    ("A", "ip link set eth0 up"),
    ("A", "ip addr add 192.165.1.10/24 dev eth0"),
    ("A", "ip route add default via 192.165.1.1"),
    ("A", "ip route"),
    ("R", "sysctl -w net.ipv4.ip_forward=1"),
    ("C", "ip route add default via 192.165.2.1"),
    ("D", "ip route add 192.165.1.0/24 via 192.165.2.1"),
    ("A", "ping -c 1 192.165.2.10"),
    ("A", "traceroute -n 192.165.2.11"),
    ("C", "ip route get 192.165.1.10"),
    ("R", "route -n"),
    ("D", "ping -c 1 192.165.1.10"),
]
GOALS = [
    {"check": "reachable", "from": "A", "to": "192.165.2.10"},
    {"check": "reachable", "from": "D", "to": "192.165.1.10"},
    {"check": "route", "on": "A", "to": "192.165.2.11", "via": "192.165.1.1"},
    {"check": "forwarding", "on": "R"},
]


def grade_exercise() -> bool:
    net = Network.from_scenario(EXERCISE)
    for host, line in COMMANDS:
        net.run(host, line)
    return all(net.check(goal).passed for goal in GOALS)


def cpu_median_seconds(fn: Callable[[], object], *, runs: int = 31) -> float:
    """Median CPU time (``time.process_time``) of one call: what load from other processes on a
    shared machine does not inflate, reported beside the wall time."""
    samples = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def bench_grading() -> dict:
    assert grade_exercise(), "the benchmark exercise must pass"
    seconds = median_seconds(grade_exercise, runs=31, inner=3)
    cpu = cpu_median_seconds(lambda: [grade_exercise() for _ in range(10)]) / 10
    return {
        "commands": len(COMMANDS),
        "goals": len(GOALS),
        "grade_ms": round(seconds * 1e3, 3),
        "grade_cpu_ms": round(cpu * 1e3, 3),
        "target_ms": 5.0,
        "ok": seconds * 1e3 < 5.0,
    }


def run_all() -> dict:
    return {
        "python": sys.version.split()[0],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "route_lookup": bench_route_lookup(),
        "ping_per_hop": bench_ping_per_hop(),
        "grading": bench_grading(),
    }


def markdown(data: dict) -> str:
    lookup, ping, grading = data["route_lookup"], data["ping_per_hop"], data["grading"]

    def mark(ok: bool) -> str:
        return "met" if ok else "MISSED"

    return "\n".join(
        [
            "# Simulator benchmarks",
            "",
            f"Run {data['when']} with Python {data['python']} on {data['platform']}, "
            f"{data['cpus']} CPUs, load average {data['load_average'][0]}; medians of repeated "
            "runs (`python -m benchmarks`). Wall times grow with the load of other processes; "
            "the CPU time of grading does not.",
            "",
            "| benchmark | measured | target | |",
            "|---|---|---|---|",
            f"| route lookup, 20 routes | {lookup['lookup_us_20_routes']} µs | | |",
            f"| route lookup, 20,000 routes | {lookup['lookup_us_20000_routes']} µs | | |",
            f"| route lookup growth | {lookup['growth']}x | <= 2x | {mark(lookup['ok'])} |",
            f"| ping across 4 routers | {ping['routers_4']['ping_ms']} ms, "
            f"{ping['routers_4']['hops']} hops, {ping['routers_4']['us_per_hop']} µs/hop | | |",
            f"| ping across 64 routers | {ping['routers_64']['ping_ms']} ms, "
            f"{ping['routers_64']['hops']} hops, {ping['routers_64']['us_per_hop']} µs/hop | | |",
            f"| ping per-hop growth | {ping['per_hop_growth']}x | <= 2x | {mark(ping['ok'])} |",
            f"| grade a {grading['commands']}-command exercise ({grading['goals']} goals) | "
            f"{grading['grade_ms']} ms | < 5 ms | {mark(grading['ok'])} |",
            f"| same, CPU time (process_time) | {grading['grade_cpu_ms']} ms | | |",
            "",
            "Across 64 routers the echo reply starts with TTL 64 and expires at the last router on "
            "its way back (as on Linux), so that ping times out; the hops counted are the ones "
            "actually walked (`ping -t 255` lets the request through).",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.sim",
        description="The simulator's benchmarks: route lookup growth, ping cost per hop, "
        "grading an exercise (a few seconds; no server needed).",
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="where sim.md/json go (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    data = run_all()
    data["when"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "sim.json").write_text(json.dumps(data, indent=2) + "\n")
    text = markdown(data)
    (args.results / "sim.md").write_text(text)
    print(text)
    return 0 if all(data[key]["ok"] for key in ("route_lookup", "ping_per_hop", "grading")) else 1


if __name__ == "__main__":
    sys.exit(main())
