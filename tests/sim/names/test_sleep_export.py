"""sleep advances the simulated clock; export/unset/env manage the host's environment."""

from __future__ import annotations

import pytest

from netlearn.sim.commands.sleep import MAX_SLEEP


@pytest.mark.parametrize(
    ("line", "seconds"),
    [("sleep 5", 5), ("sleep 1.5", 1.5), ("sleep 2m", 120), ("sleep 1h 30", 3630)],
)
def test_sleep_advances_the_clock(names_net, line, seconds):
    result = names_net.run("A", line)
    assert (result.output, result.status, names_net.clock) == ("", 0, seconds)


def test_sleep_is_bounded(names_net):
    names_net.run("A", "sleep 999d")
    assert names_net.clock == MAX_SLEEP


def test_sleep_rejects_what_coreutils_rejects(names_net):
    assert names_net.run("A", "sleep soon").stderr == (
        "sleep: invalid time interval \u2018soon\u2019\nTry 'sleep --help' for more information.\n"
    )
    assert names_net.run("A", "sleep").status == 1


def test_export_sets_a_variable_that_curl_and_the_shell_see(names_net):
    names_net.run("A", "export http_proxy=http://gw:3128")
    assert names_net.hosts["A"].env["http_proxy"] == "http://gw:3128"
    assert names_net.run("A", "echo $http_proxy").stdout == "http://gw:3128\n"
    assert names_net.run("A", "export -p").stdout == 'declare -x http_proxy="http://gw:3128"\n'


def test_export_rejects_a_bad_name(names_net):
    result = names_net.run("A", "export 1a=b")
    assert (result.stderr, result.status) == (
        "bash: export: `1a=b': not a valid identifier\n",
        1,
    )


def test_unset_and_env(names_net):
    names_net.run("A", "export a=1 b=2")
    names_net.run("A", "unset a")
    assert names_net.run("A", "env").stdout == "b=2\n"
