"""Fixtures for the names, DNS and HTTP tests (no Django: `pytest tests/sim/names -p no:django`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from names_scenarios import build, delegation, reference_names, web

import netlearn.sim.checks  # noqa: F401  (registers resolves, dns_answer, http)


@pytest.fixture
def names_net():
    """The transcripts' topology with NS1's DNS server and A using it (transcript 5.22 on)."""
    return build(reference_names())


@pytest.fixture
def forwarder_net():
    """As ``names_net``, and R runs the caching forwarder of transcripts 5.85-5.95."""
    return build(reference_names(forwarder=True))


@pytest.fixture
def delegation_net():
    """root -> com -> example.com, with a recursive resolver that A uses."""
    return build(delegation())


@pytest.fixture
def web_net():
    """A client, a forward proxy, a TLS reverse proxy with a cache in front of two origins."""
    return build(web())
