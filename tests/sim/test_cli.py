"""python -m netlearn.sim: piped sessions, host switching, bad scenarios, --check."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from netlearn.sim.__main__ import main, session
from netlearn.sim.network import Network

SCENARIO = """\
segments: [lan]
hosts:
  A:
    interfaces: {eth0: {segment: lan, address: 10.0.0.1/24}}
  B:
    interfaces: {eth0: {segment: lan, address: 10.0.0.2/24}}
"""
EXERCISE = """\
scenario:
  segments: [lan]
  hosts:
    A: {interfaces: {eth0: {segment: lan, address: 10.0.0.1/24}}}
    R: {interfaces: {eth0: {segment: lan, address: 10.0.0.254/24}}}
goals:
  - {check: forwarding, on: R}
"""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "lan.yaml"
    path.write_text(SCENARIO)
    return path


def run_cli(monkeypatch, capsys, args: list[str], stdin: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_piped_lines_are_echoed_with_their_host_then_the_output(monkeypatch, capsys, scenario):
    status, out, _ = run_cli(monkeypatch, capsys, [str(scenario)], "A$ hostname\nB$ hostname\n")
    assert status == 0
    assert out == "A$ hostname\nA\nB$ hostname\nB\n"


def test_a_line_without_a_prompt_runs_on_the_current_host(monkeypatch, capsys, scenario):
    _, out, _ = run_cli(monkeypatch, capsys, [str(scenario)], "B$\nhostname\n# comment\n\n")
    assert out == "B$ hostname\nB\n"


def test_status_prints_each_exit_status(monkeypatch, capsys, scenario):
    _, out, _ = run_cli(monkeypatch, capsys, ["--status", str(scenario)], "A$ ipp\n")
    assert out == "A$ ipp\nbash: ipp: command not found\n[exit status 127]\n"


def test_an_unknown_host_is_reported_and_the_session_goes_on(monkeypatch, capsys, scenario):
    _, out, _ = run_cli(monkeypatch, capsys, [str(scenario)], "Z$ hostname\nA$ hostname\n")
    assert out == "there is no host named 'Z' (hosts: A, B)\nA$ hostname\nA\n"


def test_a_bad_scenario_prints_the_scenario_error_and_exits_2(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("hosts: {A: {interfaces: {eth0: {address: 10.0.0.300/24}}}}\n")
    status, out, err = run_cli(monkeypatch, capsys, [str(bad)], "")
    assert status == 2
    assert out == ""
    assert "hosts.A.interfaces.eth0.address" in err


def test_a_missing_file_exits_2(monkeypatch, capsys, tmp_path):
    status, _, err = run_cli(monkeypatch, capsys, [str(tmp_path / "nope.yaml")], "")
    assert status == 2
    assert "cannot read" in err


def test_check_grades_an_exercises_goals(monkeypatch, capsys, tmp_path):
    path = tmp_path / "exercise.yaml"
    path.write_text(EXERCISE)
    status, out, _ = run_cli(monkeypatch, capsys, ["--check", str(path)], "")
    assert status == 1
    assert out.startswith("Failed: R does not forward packets")
    status, out, _ = run_cli(
        monkeypatch, capsys, ["--check", str(path)], "R$ sysctl -w net.ipv4.ip_forward=1\n"
    )
    assert status == 0
    assert out.endswith("Passed: R forwards packets (net.ipv4.ip_forward = 1).\n")


def test_an_interactive_session_prompts_with_the_current_host():
    net = Network.from_scenario({"hosts": {"A": {"interfaces": {}}, "B": {"interfaces": {}}}})
    out = io.StringIO()
    session(net, io.StringIO("B$ hostname\nexit\n"), out, interactive=True)
    assert out.getvalue() == "A$ B\nB$ "


def test_the_module_runs_as_a_program(scenario):
    done = subprocess.run(
        [sys.executable, "-m", "netlearn.sim", str(scenario)],
        input="A$ ping -c 1 10.0.0.2\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0
    assert "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64" in done.stdout
