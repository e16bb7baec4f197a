"""``python -m benchmarks`` (``make bench``): the simulator benchmarks (benchmarks/results/sim.*),
then the web tier's (benchmarks/web.py, benchmarks/results/web.*). Exits 1 when a target of
either is missed."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import sim, web

RESULTS = Path(__file__).parent / "results"


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


def main() -> int:
    data = sim.run_all()
    data["when"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sim.json").write_text(json.dumps(data, indent=2) + "\n")
    text = markdown(data)
    (RESULTS / "sim.md").write_text(text)
    print(text)
    ok = all(data[key]["ok"] for key in ("route_lookup", "ping_per_hop", "grading"))
    print()
    web_status = web.main([])
    return 0 if ok and web_status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
