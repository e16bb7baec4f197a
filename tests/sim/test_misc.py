"""hostname and help."""

from __future__ import annotations

from netlearn.sim import commands
from netlearn.sim.commands import command
from netlearn.sim.result import Result


def test_hostname_prints_the_hosts_name(sh):
    assert sh("hostname", "R").output == "R\n"


def test_hostname_i_lists_the_addresses_with_a_trailing_space(sh):
    assert sh("hostname -I", "R").output == "192.165.1.1 192.165.2.1 \n"


def test_renaming_a_host_is_refused(sh):
    result = sh("hostname newname")
    assert result.status == 1
    assert "cannot rename" in result.stderr


def test_help_has_one_line_per_command(sh):
    lines = sh("help").stdout.splitlines()
    listed = [name for line in lines[1:] for name in line.strip().split("  ")[0].split(", ")]
    assert sorted(listed) == commands.names()
    assert any(line.strip().startswith("ping ") and "4 of them" in line for line in lines)


def test_help_lists_a_command_registered_later(sh):
    @command("frobnicate")
    def frobnicate(argv, host, net):
        """frobnicate: a test command"""
        return Result()

    try:
        lines = [" ".join(line.split()) for line in sh("help").stdout.splitlines()]
        assert "frobnicate frobnicate: a test command" in lines
    finally:
        del commands.REGISTRY["frobnicate"]


def test_help_for_one_command(sh):
    assert sh("help traceroute").stdout.split()[:3] == ["traceroute", "traceroute", "[-n]"]


def test_help_for_an_unknown_topic_is_bashs_error(sh):
    result = sh("help nosuch")
    assert result.status == 1
    assert result.stderr.startswith("bash: help: no help topics match `nosuch'.")
