"""Fuzzing the budgets: adversarial command lines and scenarios finish within their budget and
leave the network's JSON under its bound (issue 14).

Command lines are built to be expensive rather than random: nested quantifiers against long
repeats, variables doubled again and again (``export A=$A$A``), printf formats with huge
widths and reused formats, long pipelines, many command substitutions, pings and traceroutes
chained with ``;``. Scenarios are built to be large: aliased texts and route lists on many
hosts, many goals. Every call is timed with ``time.process_time`` and must finish within its
budget plus a generous margin (a budget is checked every ``CLOCK_EVERY`` steps, and a loaded
machine slows everything): the point is "a fraction of a second", never minutes.

``make test`` runs the counts below (the ``ci`` profile); ``make fuzz`` twenty times as many.
"""

from __future__ import annotations

import json
import time

from fuzzing import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from netlearn.sim import Network, ScenarioError, budget
from netlearn.sim.limits import MAX_LINE, MAX_OUTPUT, MAX_SCENARIO_BYTES, MAX_STATE_BYTES

MARGIN = 2.0  # seconds of CPU on top of a budget: generous, so the test is never flaky

LAN = {
    "segments": ["lan", "wan"],
    "hosts": {
        "A": {
            "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}},
            "routes": ["default via 10.0.0.254"],
            "files": {"/etc/notes": "a" * 60 + "\n" + "ab" * 40 + "\n"},
        },
        "R": {
            "forwarding": True,
            "interfaces": {
                "eth0": {"segment": "lan", "address": "10.0.0.254/24"},
                "eth1": {"segment": "wan", "address": "10.0.1.254/24"},
            },
        },
        "B": {
            "interfaces": {"eth0": {"segment": "wan", "address": "10.0.1.2/24"}},
            "routes": ["default via 10.0.1.254"],
        },
    },
}

# -- adversarial command lines --------------------------------------------------------------------

atoms = st.sampled_from(["a", "(a|a)", "(a*)", "(a|aa)", ".", "(.*)", "[a-z]", "(ab|a)"])
quantifiers = st.sampled_from(["*", "+", "?", "{2,}", "{1,30}", "*?", ""])


@st.composite
def nested_regex(draw) -> str:
    regex = draw(atoms)
    for _ in range(draw(st.integers(1, 5))):
        regex = f"({regex}{draw(quantifiers)}{draw(atoms)}{draw(quantifiers)})"
    return "^" + regex + draw(st.sampled_from(["$", "!", "b$", ""]))


@st.composite
def regex_line(draw) -> str:
    subject = draw(st.sampled_from(["a", "ab", "aa", "x"])) * draw(st.integers(10, 300))
    flags = draw(st.sampled_from(["-E", "-cE", "-oE", "-vE", "-wE", "-xE", "-iE"]))
    source = draw(st.sampled_from([f"echo {subject}!", "cat /etc/notes", "ip route"]))
    return f"{source} | grep {flags} '{draw(nested_regex())}'"


@st.composite
def growing_variable(draw) -> list[str]:
    seed = "x" * draw(st.integers(1, 900))
    times = draw(st.integers(2, 12))
    lines = [f"export A={seed}"]
    lines += ["export A=" + "$A" * times] * draw(st.integers(1, 12))
    lines += draw(st.sampled_from([[], ["B=$A$A$A$A"], ["echo " + "$A" * 100], ["env | wc -c"]]))
    return lines


@st.composite
def printf_line(draw) -> str:
    width = draw(st.sampled_from(["", "0", "9", "1024", "1025", "65536", "999999999", "9" * 30]))
    precision = draw(st.sampled_from(["", ".", ".5", ".99999999", "." + "9" * 20]))
    conv = draw(st.sampled_from("sdixXoc%qf"))
    flags = draw(st.sampled_from(["", "-", "0", "+", " ", "#", "-0+ #"]))
    spec = f"%{flags}{width}{precision}{conv}"
    args = " ".join(draw(st.lists(st.sampled_from(["1", "x", "-5", "0x1f", "abc"]), max_size=60)))
    return f"printf '{spec * draw(st.integers(1, 20))}' {args}"


@st.composite
def pipeline_line(draw) -> str:
    stages = draw(
        st.lists(
            st.sampled_from(
                [
                    "cat /etc/notes /etc/notes /etc/notes /etc/notes",
                    "grep -E '(a|a)*'",
                    "head -n 1000",
                    "tail -n 5",
                    "wc -l",
                    "tee /tmp/t",
                    "cat",
                    "grep -o a",
                ]
            ),
            min_size=1,
            max_size=40,
        )
    )
    return " | ".join(stages)[:MAX_LINE]


@st.composite
def chained_line(draw) -> str:
    piece = draw(
        st.sampled_from(
            [
                "ping -c 100 -i 0.2 10.0.1.2",
                "traceroute -m 64 10.0.1.2",
                "ip route get 10.0.1.2",
                "echo $(echo $(echo $(echo $(cat /etc/notes))))",
                "cat /etc/notes >> /tmp/grow",
                "ip route add 10.9.$((1)).0/24 via 10.0.0.254",
                "sleep 1",
            ]
        )
    )
    count = draw(st.integers(1, 60))
    return "; ".join([piece] * count)[:MAX_LINE]


command_lines = st.one_of(
    regex_line().map(lambda line: [line]),
    growing_variable(),
    printf_line().map(lambda line: [line]),
    pipeline_line().map(lambda line: [line]),
    chained_line().map(lambda line: [line]),
)


def _run_within_budget(net: Network, host: str, line: str) -> None:
    started = time.process_time()
    result = net.run(host, line)
    spent = time.process_time() - started
    assert spent < budget.COMMAND.seconds + MARGIN, f"{line[:200]!r} took {spent:.2f} s of CPU"
    assert len(result.stdout) <= MAX_OUTPUT + 100 and len(result.stderr) <= MAX_OUTPUT + 100
    assert 0 <= result.status <= 255
    assert "internal simulator error" not in result.stderr, (line, result.stderr)
    assert net.last_state_bytes is not None and net.last_state_bytes <= MAX_STATE_BYTES


@fuzz_settings(60)
@given(sessions=st.lists(command_lines, min_size=1, max_size=6), host=st.sampled_from("ARB"))
def test_adversarial_command_lines_finish_within_their_budget(sessions, host):
    net = Network.from_scenario(json.loads(json.dumps(LAN)))
    for lines in sessions:
        for line in lines:
            _run_within_budget(net, host, line)
    assert len(json.dumps(net.to_dict())) <= MAX_STATE_BYTES
    assert net.run(host, "echo still here").stdout == "still here\n"


# -- adversarial scenarios ------------------------------------------------------------------------


@st.composite
def big_scenario(draw) -> tuple[dict, list[dict]]:
    """Many hosts sharing one list of routes and one text (as YAML aliases share them)."""
    hosts = draw(st.integers(1, 64))
    routes = [
        f"10.{i // 250}.{i % 250}.0/24 via 192.168.0.254"
        for i in range(draw(st.sampled_from([0, 10, 100, 1000])))
    ]
    text = "t" * draw(st.sampled_from([0, 100, 10_000, 64 * 1024 - 1]))
    shared_files = {"/etc/shared": text} if text else {}
    data = {
        "segments": ["lan"],
        "hosts": {
            f"H{i}": {
                "interfaces": {"eth0": {"segment": "lan", "address": f"192.168.0.{i + 1}/24"}},
                "routes": routes,
                "files": shared_files,
            }
            for i in range(hosts)
        },
    }
    goals = [
        draw(
            st.sampled_from(
                [
                    {"check": "reachable", "from": f"H{k % hosts}", "to": "192.168.0.1"},
                    {"check": "route", "on": f"H{k % hosts}", "to": "10.3.7.1"},
                    {"check": "unreachable", "from": f"H{k % hosts}", "to": "10.0.9.9"},
                ]
            )
        )
        for k in range(draw(st.integers(1, 48)))
    ]
    return data, goals


@fuzz_settings(10)
@given(scenario=big_scenario())
def test_adversarial_scenarios_load_and_check_within_the_author_budget(scenario):
    data, goals = scenario
    started = time.process_time()
    try:
        with budget.limit(budget.AUTHOR):
            net = Network.from_scenario(data)
            assert len(json.dumps(net.to_dict())) <= MAX_STATE_BYTES
            for goal in goals:
                net.check(goal)
    except ScenarioError as exc:
        # Too large as written (aliases expanded), or the network it builds is too large.
        too_large = budget.json_size(data) > MAX_SCENARIO_BYTES or "builds takes" in str(exc)
        assert too_large and "Most of it is hosts.*." in str(exc), str(exc)
    except budget.BudgetExceeded as exc:
        assert "validating the exercise ran out of its budget" in str(exc) or "ran out" in str(exc)
    assert time.process_time() - started < budget.AUTHOR.seconds + MARGIN


@fuzz_settings(50)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=30,
    )
)
def test_json_size_is_what_json_dumps_writes(value):
    assert budget.json_size(value) == len(json.dumps(value))
