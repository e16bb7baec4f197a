"""``sleep N[smhd]``: advances the simulated clock (``net.clock``) instead of waiting.

DNS caches count their TTLs down on that clock, so ``sleep 300`` lets a cached answer expire.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from netlearn.sim.commands import command
from netlearn.sim.result import Result

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

MAX_SLEEP = 7 * 24 * 3600  # one call advances the clock by at most a week
_DURATION = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@command("sleep")
def sleep(argv: list[str], host: Host, net: Topology) -> Result:
    if len(argv) < 2:
        return Result("", "sleep: missing operand\nTry 'sleep --help' for more information.\n", 1)
    total = 0.0
    for word in argv[1:]:
        match = _DURATION.match(word)
        if match is None:
            return Result(
                "",
                f"sleep: invalid time interval \u2018{word}\u2019\n"
                "Try 'sleep --help' for more information.\n",
                1,
            )
        total += float(match.group(1)) * _UNIT[match.group(2)]
    net.clock += min(total, MAX_SLEEP)
    return Result()
