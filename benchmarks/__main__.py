"""``python -m benchmarks`` (``make bench``): the simulator benchmarks (``benchmarks/sim.py``,
benchmarks/results/sim.*), then the web tier's (``benchmarks/web.py``, benchmarks/results/web.*).
Exits 1 when a target of either is missed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import sim, web


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.split("\n\n")[0].replace("``", ""),
        epilog="Each part alone: python -m benchmarks.sim, python -m benchmarks.web (which has "
        "more options). The load test: python -m benchmarks.load (make loadtest).",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=sim.RESULTS,
        help="where the reports go (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    sim_status = sim.main(["--results", str(args.results)])
    print()
    web_status = web.main(["--results", str(args.results)])
    return 0 if sim_status == 0 and web_status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
