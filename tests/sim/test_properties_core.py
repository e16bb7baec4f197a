"""Properties: no command line raises or prints without bound; state round-trips; scenario fuzz
only ever raises ScenarioError."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transcripts import reference_scenario

from netlearn.sim import Network, ScenarioError
from netlearn.sim.limits import MAX_OUTPUT

WORDS = [
    "ip", "-4", "-6", "-br", "-c", "-s", "a", "addr", "link", "route", "r", "show", "add", "del",
    "set", "get", "flush", "replace", "append", "change", "dev", "eth0", "eth1", "eth9", "lo",
    "up", "down", "via", "metric", "default", "onlink", "brd", "+", "scope", "link", "proto",
    "src", "table", "main", "root", "match", "exact", "192.165.1.1", "192.165.1.10/24",
    "192.165.1/24", "192.165.2.0/24", "10.0.0.0/8", "0.0.0.0/0", "1.2.3.300", "/33", "300",
    "cat", "echo", "printf", "tee", "-a", "true", "false", "/etc/hosts",
    "/proc/sys/net/ipv4/ip_forward", "mtu", "address", "label", "-o", "rule", "local", "all",
    "/etc/resolv.conf", "1", "0", "yes", ">", ">>", "<", "|", ";", "&&", "||", "2>&1", "2>",
    "/dev/null", "'", '"', "\\", "$?", "$X", "X=1", "#", "%s", "%d", "help", "-V", "-j", "ipp",
    "$(", ")", "`", "~", "$(ip r)", "sudo",
]  # fmt: skip

command_lines = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join),
    st.text(max_size=200),
)

SLOW_OK = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SLOW_OK
@given(lines=st.lists(command_lines, min_size=1, max_size=6))
def test_random_command_lines_never_raise_and_stay_bounded(lines):
    net = Network.from_scenario(reference_scenario())
    for line in lines:
        for host in ("A", "R"):
            res = net.run(host, line)
            assert isinstance(res.status, int) and 0 <= res.status <= 255
            assert len(res.stdout) <= MAX_OUTPUT + 100 and len(res.stderr) <= MAX_OUTPUT + 100
            assert "internal simulator error" not in res.stderr, line


@SLOW_OK
@given(lines=st.lists(command_lines, min_size=1, max_size=8))
def test_state_round_trips_after_any_commands(lines):
    net = Network.from_scenario(reference_scenario())
    for line in lines:
        net.run("A", line)
    state = json.loads(json.dumps(net.to_dict()))
    restored = Network.from_dict(state)
    assert restored.to_dict() == net.to_dict()
    assert restored.run("A", "ip a; ip r").output == net.run("A", "ip a; ip r").output


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 400)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "net1",
            "eth0",
            "10.0.0.1/24",
            "10.0.0.300/24",
            "default via 10.0.0.1",
            "02:00:00:00:00:01",
            "lo",
            "segment",
        ]
    ),  # fmt: skip
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "segments",
                    "hosts",
                    "interfaces",
                    "A",
                    "R",
                    "eth0",
                    "eth1",
                    "segment",
                    "address",
                    "addresses",
                    "mac",
                    "up",
                    "routes",
                    "forwarding",
                    "dns",
                    "hosts_file",
                    "resolv_conf",
                    "files",
                    "net1",
                    "x",
                ]
            ),  # fmt: skip
            children,
            max_size=4,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(data=json_values)
def test_scenario_fuzz_raises_only_scenario_error(data):
    try:
        net = Network.from_scenario(data)
    except ScenarioError as exc:
        assert str(exc)
        return
    assert Network.from_dict(json.loads(json.dumps(net.to_dict()))).to_dict() == net.to_dict()


@settings(max_examples=200, deadline=None)
@given(
    hosts=st.dictionaries(
        st.sampled_from(["A", "B", "R"]),
        st.fixed_dictionaries(
            {
                "interfaces": st.dictionaries(
                    st.sampled_from(["eth0", "eth1"]),
                    st.fixed_dictionaries(
                        {"segment": st.sampled_from(["net1", "net2"])},
                        optional={
                            "address": st.from_regex(
                                r"\A(10|192)\.(0|165)\.[0-3]\.[0-9]{1,3}/(8|16|24|30|32|33)\Z"
                            ),
                            "up": st.booleans(),
                        },
                    ),
                    max_size=2,
                ),
            },
            optional={
                "routes": st.lists(
                    st.sampled_from(
                        [
                            "default via 10.0.0.1",
                            "10.1.0.0/16 dev eth0",
                            "192.165.2.0/24 via 192.165.1.1 metric 5",
                            "bad",
                        ]
                    ),  # fmt: skip
                    max_size=3,
                )
            },
        ),
        min_size=1,
        max_size=3,
    )
)
def test_shaped_scenarios_either_load_or_name_their_error(hosts):
    try:
        net = Network.from_scenario({"segments": ["net1", "net2"], "hosts": hosts})
    except ScenarioError as exc:
        assert str(exc).startswith("hosts.")
        return
    for name in net.hosts:
        assert net.run(name, "ip a; ip r").status == 0
