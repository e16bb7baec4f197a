"""The terminal kind: the solution's commands, the learner's network as they left it, the tabs."""

from __future__ import annotations

from types import SimpleNamespace

from exercise_specs import spec

from lessons.diagram import packet_path
from lessons.kinds import get_kind
from lessons.kinds.network import starting_network

TERMINAL = get_kind("terminal")


def workspace(net=None, log=(), state=None, outdated=False):
    """What selectors.workspace_view gives the page (only what the kind reads)."""
    net = net if net is not None else starting_network(spec("terminal"))
    return SimpleNamespace(
        hosts=list(net.hosts),
        log=list(log),
        network=net,
        path=(state or {}).get("path"),
        outdated=outdated,
    )


def test_a_solution_command_that_fails_is_rejected_with_the_shells_error():
    exercise = spec("terminal")
    exercise["solution"]["commands"]["C"] = ["ip route add default via 10.9.9.9"]
    problems = TERMINAL.validate(exercise, "exercise")
    assert [(p.path, p.message) for p in problems] == [
        (
            "exercise.solution.commands.C[0]",
            "`ip route add default via 10.9.9.9` fails on C: Error: Nexthop has invalid gateway.",
        )
    ]


def test_the_solution_builds_a_network_that_passes_every_goal():
    exercise = spec("terminal")
    net, problems = TERMINAL.solved_network(exercise, "exercise.solution")
    assert problems == []
    assert TERMINAL.grade(exercise, network=net).passed
    assert TERMINAL.validate(exercise, "exercise") == []


def test_the_learners_network_is_graded_as_they_left_it():
    exercise = spec("terminal")
    net = starting_network(exercise)
    net.run("A", "ip route add 192.165.2.0/24 via 192.165.1.1")
    result = TERMINAL.grade(exercise, network=net).results[0]
    assert not result.passed and result.cause == "no-return-route"
    net.run("C", "ip route add default via 192.165.2.1")
    assert TERMINAL.grade(exercise, network=net).passed


def test_a_learner_who_typed_nothing_is_graded_on_the_starting_network():
    assert TERMINAL.grade(spec("terminal")).score == 0


def test_a_fresh_workspace_holds_the_starting_network():
    state = TERMINAL.fresh_state(spec("terminal"))
    assert state["network"] == starting_network(spec("terminal")).to_dict()


def test_the_page_opens_the_tab_asked_for_else_the_last_commands_host():
    log = [{"host": "C", "command": "ip r", "output": "", "status": 0}]
    ctx = TERMINAL.page_context(spec=spec("terminal"), view=workspace(log=log), host="", extra={})
    assert ctx["hosts"] == ["A", "C", "R"]
    assert (ctx["host"], ctx["host_index"]) == ("C", 2)
    ctx = TERMINAL.page_context(spec=spec("terminal"), view=workspace(log=log), host="R", extra={})
    assert (ctx["host"], ctx["host_index"]) == ("R", 3)
    ctx = TERMINAL.page_context(spec=spec("terminal"), view=workspace(), host="nope", extra={})
    assert ctx["host"] == "A"


def test_the_page_draws_the_last_pings_path_only_on_the_current_version():
    net = starting_network(spec("terminal"))
    path = packet_path("ping", net.run("A", "ping -c 1 192.165.1.1").trace)
    seen = TERMINAL.page_context(
        spec=spec("terminal"), view=workspace(state={"path": path}), host="", extra={}
    )
    assert "192.165.1.10" in seen["diagram"]["svg"]
    assert seen["diagram"]["path_summary"]
    stale = TERMINAL.page_context(
        spec=spec("terminal"),
        view=workspace(state={"path": path}, outdated=True),
        host="",
        extra={},
    )
    assert stale["diagram"]["path_summary"] == ""


def test_a_terminal_has_no_form_to_post():
    assert TERMINAL.terminal and TERMINAL.submission_key is None
    assert TERMINAL.bound_form(spec("terminal"), {}) is None
