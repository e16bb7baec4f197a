"""Fixtures for the simulator tests (no Django needed: `pytest tests/sim -p no:django`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# `import transcripts` and `import netlearn` work whatever the import mode and install state.
sys.path.insert(0, str(Path(__file__).parent))
if str(Path(__file__).parents[2]) not in sys.path:
    sys.path.insert(1, str(Path(__file__).parents[2]))

from transcripts import reference_scenario

from netlearn.sim import Network

LAN = {
    "segments": ["lan"],
    "hosts": {
        "A": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}}},
        "B": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.2/24"}}},
    },
}


@pytest.fixture
def reference() -> Network:
    """The transcripts' topology, configured: A B NS1 -- R -- C D, R forwarding, default routes."""
    return Network.from_scenario(reference_scenario(configured=True))


@pytest.fixture
def bare() -> Network:
    """The transcripts' topology as section 1 starts: every eth down, no addresses."""
    return Network.from_scenario(reference_scenario(configured=False))


@pytest.fixture
def lan() -> Network:
    """Two hosts on one segment, 10.0.0.1/24 and 10.0.0.2/24, nothing else."""
    return Network.from_scenario(LAN)


@pytest.fixture
def sh(reference):
    """Run a line on host A of the reference network: sh("ip r") -> Result."""

    def run(line: str, host: str = "A"):
        return reference.run(host, line)

    return run
