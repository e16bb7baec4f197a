"""What the benchmarks measure besides their own requests: latency percentiles, the machine, and
CPU time by process (the load generator, gunicorn, PostgreSQL, everything else), read from /proc.

The load generator shares the machine with the server, so a report that gives latencies without
saying how busy the CPUs were, and with what, cannot be compared with another run.
"""

from __future__ import annotations

import os
import platform
import resource
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.stack import Stack


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one).

    >>> percentile([0.1, 0.2, 0.3, 0.4], 50), percentile([0.1, 0.2, 0.3, 0.4], 95)
    (0.2, 0.4)
    """
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil
    return sorted_values[int(rank) - 1]


def latency_summary(seconds: Iterable[float], statuses: Iterable[int | str] = ()) -> dict:
    """Count, statuses and p50/p95/p99/max/mean in milliseconds of one kind of request."""
    ordered = sorted(seconds)

    def ms(value: float) -> float:
        return round(value * 1000, 1)

    return {
        "requests": len(ordered),
        "statuses": dict(sorted(Counter(str(s) for s in statuses).items())),
        "p50_ms": ms(percentile(ordered, 50)),
        "p95_ms": ms(percentile(ordered, 95)),
        "p99_ms": ms(percentile(ordered, 99)),
        "max_ms": ms(ordered[-1]) if ordered else 0.0,
        "mean_ms": ms(sum(ordered) / len(ordered)) if ordered else 0.0,
    }


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


# -- CPU time, from /proc --------------------------------------------------------------------


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def _pid_cpu(pid: int) -> float:
    """CPU seconds used so far by one process (0 when it is gone or there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, ValueError, IndexError):
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except (OSError, ValueError):
        return []


@dataclass(frozen=True, slots=True)
class CpuSnapshot:
    generator: float  # this process
    gunicorn: dict[int, float]  # master and workers, by pid
    postgres: dict[int, float]  # the backends serving the stack's database, by pid
    busy: float  # the whole machine
    total: float

    @classmethod
    def take(cls, stack: Stack) -> CpuSnapshot:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        gunicorn = [stack.pid, *_children(stack.pid)]
        return cls(
            usage.ru_utime + usage.ru_stime,
            {pid: _pid_cpu(pid) for pid in gunicorn},
            {pid: _pid_cpu(pid) for pid in stack.postgres_backends()},
            *_machine_cpu(),
        )

    def until(self, end: CpuSnapshot) -> dict[str, float]:
        """CPU seconds used between this snapshot and ``end``, by whom, and how busy the
        machine's CPUs were (percent of all their time)."""

        def delta(before: dict[int, float], after: dict[int, float]) -> float:
            # A process that started in between counts from zero; one that ended is lost
            # (gunicorn replaces a worker only after GUNICORN_MAX_REQUESTS requests).
            return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

        used = {
            "load_generator": end.generator - self.generator,
            "gunicorn": delta(self.gunicorn, end.gunicorn),
            "postgresql": delta(self.postgres, end.postgres),
        }
        used["other_processes"] = (end.busy - self.busy) - sum(used.values())
        used = {k: round(v, 1) for k, v in used.items()}
        total = end.total - self.total
        used["busy_percent"] = round(100 * (end.busy - self.busy) / total, 1) if total else 0.0
        return used
