"""Budgets: every command, check and load finishes within its time budget, every value a command
grows is bounded, and the network stays usable and small afterwards (issue 14's reproductions)."""

from __future__ import annotations

import json
import time

import pytest

from netlearn.sim import BudgetExceeded, Network, ScenarioError, budget
from netlearn.sim.limits import (
    MAX_ENV_CHARS,
    MAX_PRINTF_WIDTH,
    MAX_SCENARIO_BYTES,
    MAX_STATE_BYTES,
    MAX_VARIABLE,
)
from netlearn.sim.yamlload import load_yaml

LAN = {
    "segments": ["lan"],
    "hosts": {
        "A": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}}},
        "B": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.2/24"}}},
    },
}


@pytest.fixture
def net() -> Network:
    return Network.from_scenario(json.loads(json.dumps(LAN)))


def timed(fn):
    started = time.process_time()
    value = fn()
    return value, time.process_time() - started


# -- the learner's reproductions -----------------------------------------------------------------


def test_a_catastrophic_regex_answers_in_milliseconds(net):
    line = "echo " + "a" * 40 + "! | grep -E '^(a|a)*$'"
    net.run("A", "grep -c x /etc/hosts")  # commands imported: time only the regex
    result, seconds = timed(lambda: net.run("A", line))
    assert (result.stdout, result.status) == ("", 1)
    assert seconds < 0.1
    assert net.run("A", "echo " + "a" * 40 + " | grep -E '^(a|a)*$'").status == 0


def test_a_back_reference_is_refused_not_backtracked(net):
    result = net.run("A", r"echo abab | grep '\(ab\)\1'")
    assert result.status == 2
    assert result.stderr == (
        "grep: back-references such as \\1 are not supported (they can take exponential time)\n"
    )


def test_a_doubling_variable_stops_at_its_bound_and_the_network_stays_small(net):
    assert net.run("A", "export A=" + "x" * 1000).status == 0
    statuses = [net.run("A", "export A=$A$A$A$A").status for _ in range(4)]
    assert statuses[0] == 0 and statuses[-1] == 1
    result = net.run("A", "export A=$A$A$A$A")
    assert result.stderr == (
        f"bash: export: A: value too long (the simulator keeps at most {MAX_VARIABLE} "
        "characters in a variable)\n"
    )
    assert len(net.hosts["A"].env["A"]) <= MAX_VARIABLE
    assert net.state_bytes() < 64 * 1024
    assert net.run("A", "echo ok").stdout == "ok\n"  # still usable


def test_an_assignment_without_export_has_the_same_bound(net):
    net.run("A", "A=" + "x" * 1000)
    result = net.run("A", "A=$A$A$A$A$A")
    assert result.status == 1 and "value too long" in result.stderr
    assert len(net.hosts["A"].env["A"]) == 1000


def test_the_whole_environment_is_bounded(net):
    net.run("A", "export B=" + "x" * 1000)
    statuses = [net.run("A", f"export V{k}=$B$B$B$B").status for k in range(5)]
    assert statuses == [0, 0, 0, 1, 1]
    assert sum(len(k) + len(v) for k, v in net.hosts["A"].env.items()) <= MAX_ENV_CHARS
    assert "environment full" in net.run("A", "W=$B$B$B$B").stderr


def test_expanding_a_variable_many_times_is_an_argument_list_too_long(net):
    net.run("A", "export B=" + "x" * 1000)
    net.run("A", "export A=$B$B$B$B")
    result = net.run("A", "echo " + "$A" * 40)
    assert result.status == 126
    assert result.stderr.startswith("bash: echo: Argument list too long")


@pytest.mark.parametrize("width", ["999999999", "9999999999", "99999999999999999999"])
def test_a_huge_printf_width_is_refused_before_anything_is_allocated(net, width):
    result, seconds = timed(lambda: net.run("A", f"printf '%0{width}d' 1"))
    assert result.status == 1 and result.stdout == ""
    assert result.stderr.startswith(f"bash: printf: {width}: resource limit exceeded")
    assert seconds < 0.1
    assert net.run("A", f"printf '%.{width}s' x").status == 1


def test_printf_widths_up_to_the_bound_still_work(net):
    assert net.run("A", f"printf '%{MAX_PRINTF_WIDTH}s' x").stdout == " " * 1023 + "x"
    assert net.run("A", "printf '%05d|%-3d|%x|%.2s' 1 2 255 abc").stdout == "00001|2  |ff|ab"


def test_a_reused_printf_format_stops_at_the_output_bound(net):
    result = net.run("A", "printf '%1000s' " + "x " * 120)
    assert result.status == 0
    assert len(result.stdout) <= 64 * 1024 + 100


# -- time budgets ---------------------------------------------------------------------------------


def test_a_command_past_its_budget_answers_like_bash_and_the_network_stays_usable(net, monkeypatch):
    monkeypatch.setattr(budget, "COMMAND", budget.Budget("the command", 10.0, steps=20))
    result = net.run("A", "ip route | grep x; " + "; ".join(["ping -c 5 10.0.0.2"] * 4))
    assert result.status == 152
    assert result.stderr.startswith("bash: ping: resource limit exceeded (the simulator stops")
    assert "(20 steps) while" not in result.stderr and "20 steps" in result.stderr
    monkeypatch.undo()
    assert net.run("A", "ping -c 1 10.0.0.2").status == 0


def test_a_command_past_its_cpu_time_answers_within_a_fraction_of_a_second(net, monkeypatch):
    # No CPU time at all: the command stops at the first read of the clock (CLOCK_EVERY steps).
    monkeypatch.setattr(budget, "COMMAND", budget.Budget("the command", 0.0, steps=10**9))
    result, seconds = timed(lambda: net.run("A", "; ".join(["ping -c 100 10.0.0.2"] * 40)))
    assert (
        result.status == 152
        and "(the simulator stops a command after 0 s of CPU time) while" in result.stderr
    )
    assert seconds < 1.0


def test_a_callers_budget_is_not_turned_into_a_shell_answer(net):
    with pytest.raises(BudgetExceeded) as caught, budget.limit(budget.Budget("the lesson", 10, 30)):
        for _ in range(20):
            net.run("A", "ping -c 3 10.0.0.2")
    assert str(caught.value).startswith("the lesson ran out of its budget (30 steps)")


def test_a_nested_budget_never_outlives_its_parent_and_charges_it():
    outer = budget.Budget("outer", seconds=10.0, steps=100)
    with budget.limit(outer) as parent:
        with budget.limit(budget.Budget("inner", seconds=60.0, steps=1000)) as inner:
            assert inner.steps_left == 100 and inner.deadline == parent.deadline
            budget.spend(60)
        assert parent.steps_left == 40 and not budget.exhausted()
        with pytest.raises(BudgetExceeded) as caught, budget.limit(budget.CHECK):
            budget.spend(50, "checking")
        assert caught.value.budget is outer  # the parent's limit was the one that ran out
        assert budget.exhausted()


def test_outside_any_budget_spending_costs_nothing():
    budget.spend(10**12)
    assert not budget.exhausted()


def test_a_check_past_its_budget_raises_a_clear_error(net, monkeypatch):
    monkeypatch.setattr(budget, "CHECK", budget.Budget("checking the goal", 10.0, steps=2))
    with pytest.raises(BudgetExceeded, match="checking the goal ran out of its budget"):
        net.check({"check": "reachable", "from": "A", "to": "10.0.0.2"})
    monkeypatch.undo()
    assert net.check({"check": "reachable", "from": "A", "to": "10.0.0.2"}).passed


def test_loading_takes_the_callers_budget():
    tight = budget.Budget("validating the exercise", seconds=10.0, steps=1)
    with pytest.raises(BudgetExceeded, match="validating the exercise ran out .* while loading"):
        Network.from_scenario(json.loads(json.dumps(LAN)), budget=tight)


# -- sizes ----------------------------------------------------------------------------------------


def _aliased_files(hosts: int, files: int) -> str:
    body = "".join("        " + "x" * 63 + "\n" for _ in range(1000))
    text = "segments: [lan]\nhosts:\n  H0:\n    interfaces: {eth0: {segment: lan}}\n"
    text += "    files: &files\n      /etc/big0: &big |\n" + body
    text += "".join(f"      /etc/big{k}: *big\n" for k in range(1, files))
    for i in range(1, hosts):
        text += f"  H{i}:\n    interfaces: {{eth0: {{segment: lan}}}}\n    files: *files\n"
    return text


def test_a_scenario_is_measured_after_its_aliases_are_expanded():
    text = _aliased_files(hosts=64, files=60)
    assert len(text) < 128 * 1024  # small as YAML...
    data, seconds = timed(lambda: load_yaml(text))
    with pytest.raises(ScenarioError) as caught:
        Network.from_scenario(data)
    message = str(caught.value)
    assert message.startswith("the scenario is 238.1 MB of JSON once its YAML aliases")
    assert "accepts at most 256 KB. Most of it is hosts.*.files (238.1 MB over 64 hosts)" in message
    assert seconds < 1.0


def test_a_scenario_just_under_the_bound_loads():
    text = "y" * 1000 + "\n"
    hosts = {f"H{i}": {"files": {"/etc/notes": text}} for i in range(100)}
    data = {"hosts": dict(list(hosts.items())[:60])}
    assert budget.json_size(data) < MAX_SCENARIO_BYTES
    Network.from_scenario(data)


def test_many_hosts_sharing_many_routes_fail_fast_naming_the_routes():
    routes = [f"10.{i // 250}.{i % 250}.0/24 via 192.168.0.254" for i in range(1000)]
    hosts = {
        f"H{i}": {
            "interfaces": {"eth0": {"segment": "lan", "address": f"192.168.0.{i + 1}/24"}},
            "routes": routes,
        }
        for i in range(63)
    }
    data = {"segments": ["lan"], "hosts": hosts}
    with pytest.raises(ScenarioError, match=r"Most of it is hosts\.\*\.routes"):
        timed(lambda: Network.from_scenario(data))


def test_a_command_that_would_grow_the_network_past_its_bound_is_undone():
    scenario = json.loads(json.dumps(LAN))
    scenario["hosts"]["A"]["files"] = {"/etc/big": ("z" * 99 + "\n") * 600}  # 60 KB
    net = Network.from_scenario(scenario)
    assert [net.run("A", f"cat /etc/big > /tmp/c{k}").status for k in range(3)] == [0, 0, 0]
    result = net.run("A", "cat /etc/big > /tmp/c3")
    assert result.status == 1
    assert result.stderr.startswith("bash: cat: resource limit exceeded: the network would take")
    assert "/tmp/c3" not in net.hosts["A"].files
    assert net.state_bytes() <= MAX_STATE_BYTES
    assert net.last_state_bytes == net.state_bytes() == len(json.dumps(net.to_dict()))
    assert net.run("A", "rm -f /tmp/c0; cat /etc/hostname").stdout.endswith("A\n")


def test_a_scenario_whose_network_would_not_fit_a_workspace_is_refused():
    routes = [f"10.{i // 250}.{i % 250}.0/24 via 192.168.0.254" for i in range(100)]
    hosts = {
        f"H{i}": {
            "interfaces": {"eth0": {"segment": "lan", "address": f"192.168.0.{i + 1}/24"}},
            "routes": routes,
        }
        for i in range(40)
    }
    data = {"segments": ["lan"], "hosts": hosts}
    assert budget.json_size(data) < MAX_SCENARIO_BYTES  # small as written...
    with pytest.raises(ScenarioError) as caught:
        Network.from_scenario(data)
    message = str(caught.value)
    assert message.startswith("the network this scenario builds takes ")
    assert "the simulator keeps at most 256 KB. Most of it is hosts.*.routes" in message
