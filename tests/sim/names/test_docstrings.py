"""The examples in the names and HTTP modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "netlearn.sim.names.zones",
    "netlearn.sim.names.hostsfile",
    "netlearn.sim.names.resolvconf",
    "netlearn.sim.names.service",
    "netlearn.sim.names.records",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
