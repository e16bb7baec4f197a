"""Fuzzing the scenario loader: any mapping or YAML text either loads or raises ``ScenarioError``
naming what is wrong, quickly, and nothing else ever escapes.

Scenarios start valid (segments, hosts, interfaces, addresses, routes, name files, DNS zones,
HTTP servers) and are then mutated: keys dropped or renamed, values replaced with the wrong type,
bad addresses, unknown segments, hosts and keys, huge lists and strings, deep nesting,
non-string keys, non-mapping roots. As YAML text they are also cut, spliced with garbage and
bombed with aliases. A loaded network survives a JSON round trip unchanged.

Example counts follow the Hypothesis profile: see tests/fuzzing.py
(``HYPOTHESIS_PROFILE=fuzz`` for a longer run).
"""

from __future__ import annotations

import json
import time

import pytest
import yaml
from fuzzing import fuzz_settings, parent_of, paths
from hypothesis import example, given
from hypothesis import strategies as st

from netlearn.sim import Network, ScenarioError
from netlearn.sim.limits import MAX_YAML, MAX_YAML_DEPTH, MAX_YAML_NODES

SEGMENTS = ["net1", "net2", "dmz"]
HOST_NAMES = ["A", "B", "R", "NS1", "web1", "proxy"]
ZONE = "$TTL 300\n@ IN A 192.165.2.10\nwww IN A 192.165.2.10\nalias IN CNAME www\n"


@st.composite
def valid_scenarios(draw) -> dict:
    """A scenario the loader accepts (most of the time: addresses may clash, which it refuses)."""
    segments = SEGMENTS[: draw(st.integers(1, len(SEGMENTS)))]
    hosts = {}
    for index, name in enumerate(HOST_NAMES[: draw(st.integers(1, len(HOST_NAMES)))]):
        interfaces = {}
        for k in range(draw(st.integers(0, 2))):
            iface: dict = {"segment": draw(st.sampled_from(segments))}
            if draw(st.booleans()):
                iface["address"] = f"192.165.{k + 1}.{index + 1}/24"
            if draw(st.integers(0, 4)) == 0:
                iface["up"] = False
            if draw(st.integers(0, 4)) == 0:
                iface["mac"] = f"02:00:00:00:{k:02x}:{index:02x}"
            if draw(st.integers(0, 5)) == 0:
                iface["addresses"] = [f"10.{index}.{k}.1/16"]
            interfaces[f"eth{k}"] = iface
        host: dict = {"interfaces": interfaces}
        if draw(st.booleans()):
            host["forwarding"] = draw(st.booleans())
        if interfaces and draw(st.booleans()):
            host["routes"] = draw(
                st.lists(
                    st.sampled_from(
                        [
                            "default via 192.165.1.1",
                            "192.165.2.0/24 via 192.165.1.1",
                            "10.9.0.0/16 dev eth0",
                            "10.8.0.0/16 via 192.165.1.1 metric 5",
                        ]
                    ),
                    max_size=2,
                    unique=True,
                )
            )
        if draw(st.booleans()):
            host["hosts_file"] = "127.0.0.1 localhost\n192.165.2.10 www\n"
        if draw(st.booleans()):
            host["resolv_conf"] = "nameserver 192.165.1.100\n"
        if draw(st.integers(0, 5)) == 0:
            host["files"] = {"/etc/motd": "hello\n"}
        if draw(st.integers(0, 4)) == 0:
            host["dns"] = {"zones": {"example.com": ZONE}, "recursive": draw(st.booleans())}
        elif draw(st.integers(0, 4)) == 0:
            host["http"] = draw(
                st.sampled_from(
                    [
                        {"origin": True},
                        {"forward_proxy": {"port": 3128}},
                        {"reverse_proxy": {"upstreams": ["192.165.2.10"], "cache": True}},
                    ]
                )
            )
        hosts[name] = host
    scenario: dict = {"segments": segments, "hosts": hosts}
    if draw(st.booleans()):
        scenario["title"] = "A fuzzed scenario"
    return scenario


WRONG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "10.0.0.300/24", "192.165.1.1/33", "192.165.1.1", "::1/64", "1.2.3.4/-1", "eth0",
            "nosuch", "default via 10.9.9.9", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "",
            "x" * 70, "-", "lo", "'unterminated", "default via 192.165.1.1 metric x",
            "192.165.2.0/24 via", "/etc/../../x", "a" * 70_000,
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.builds(lambda n: ["net1"] * n, st.integers(60, 5_000)),  # huge lists
    st.builds(lambda n: [f"s{i}" for i in range(n)], st.integers(60, 2_000)),
    st.builds(lambda n: {f"h{i}": {} for i in range(n)}, st.integers(60, 500)),
    st.builds(lambda n: _nested(n), st.integers(10, 200)),  # deep nesting
)  # fmt: skip
WRONG_KEYS = st.one_of(
    st.sampled_from(["", "nosuch", "eth0", "lo", "interfaces", "segment", "A", "x" * 80, "a b"]),
    st.integers(),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
)


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def mutated_scenarios(draw):
    scenario = draw(valid_scenarios())
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(scenario)))
        op = draw(st.sampled_from(["replace", "drop", "add_key", "rename", "wrap"]))
        if not path:  # the root itself
            if op in ("replace", "wrap"):
                scenario = draw(WRONG_VALUES) if op == "replace" else [scenario]
            continue
        parent, last = parent_of(scenario, path), path[-1]
        if op == "replace":
            parent[last] = draw(WRONG_VALUES)
        elif op == "drop":
            del parent[last]
        elif op == "add_key" and isinstance(parent[last], dict):
            parent[last][draw(WRONG_KEYS)] = draw(WRONG_VALUES)
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(WRONG_KEYS)] = parent.pop(last)
        elif op == "wrap":
            parent[last] = {"value": parent[last]} if draw(st.booleans()) else [parent[last]]
    return scenario


def _load_or_refuse(load, data) -> None:
    """``load(data)`` builds a network or raises ScenarioError with something to read."""
    try:
        net = load(data)
    except ScenarioError as exc:
        assert exc.why, repr(exc)
        assert str(exc).strip()
        return
    assert isinstance(net, Network)
    state = net.to_dict()
    assert Network.from_dict(json.loads(json.dumps(state))).to_dict() == state
    for name in list(net.hosts)[:2]:
        assert "internal simulator error" not in net.run(name, "ip a; ip r").stderr


@fuzz_settings(300)
@given(valid_scenarios())
def test_generated_scenarios_load_or_name_their_error(scenario):
    _load_or_refuse(Network.from_scenario, scenario)


@fuzz_settings(1200)
@given(mutated_scenarios())
@example({"hosts": {"A": {}}, "": ["net1"]}).via("an empty key once gave an empty path")
def test_mutated_scenarios_raise_only_scenario_errors(scenario):
    try:
        Network.from_scenario(scenario)
    except ScenarioError as exc:
        assert exc.path, f"no path in {exc!r}"
    _load_or_refuse(Network.from_scenario, scenario)


def _dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


GARBAGE = st.sampled_from(
    [
        ":", "- ", "? ", "{", "}", "[", "]", "&a ", "*a", "*nosuch", "!!python/object:os.system",
        "!!binary x", "%YAML 1.1\n", "---\n", "...\n", "\t", "'", '"', "|", ">", "#", "@", "`",
        "\x00", "\x85", "\ufeff", "\n  ", "\n- ", ": : :", "<<: *a", "!!set {a}", "!!omap [a]",
        "2001-01-01", "0x1F", "1e400", ".inf", "~",
    ]
)  # fmt: skip


@st.composite
def mangled_yaml(draw) -> str:
    text = _dump(draw(mutated_scenarios()) if draw(st.booleans()) else draw(valid_scenarios()))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "cut", "truncate"]))
        if op == "insert":
            text = text[:at] + draw(GARBAGE | st.text(max_size=5)) + text[at:]
        elif op == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            text = text[:at]
    return text


@fuzz_settings(800)
@given(mangled_yaml())
def test_mangled_yaml_raises_only_scenario_errors(text):
    _load_or_refuse(Network.from_yaml, text)


@fuzz_settings(300)
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(GARBAGE | st.text(max_size=4), max_size=60).map("".join),
        st.sampled_from(["", "~", "[]", "- A", "42", "true", "'hosts'", "hosts", "---\n---\n"]),
    )
)
def test_any_text_raises_only_scenario_errors(text):
    _load_or_refuse(Network.from_yaml, text)


# -- bounds of the YAML itself ----------------------------------------------------------------


def _laughs(levels: int, width: int = 9) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["top", "description", "hosts_file"])
def test_a_billion_laughs_is_refused_quickly(where):
    bomb = _laughs(9)  # 9**9 = 387 million leaves once expanded
    if where == "description":
        bomb = "description:\n" + "".join(f"  {line}\n" for line in bomb.splitlines())
    elif where == "hosts_file":
        bomb = bomb.replace("l8: &l8", "hosts: {A: {hosts_file: *l7}}\nl8: &l8")
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match=f"more than {MAX_YAML_NODES} values"):
        Network.from_yaml(bomb)
    assert time.perf_counter() - started < 1.0


def test_a_few_aliases_are_fine():
    text = (
        "segments: [lan]\n"
        "x-iface: &iface {segment: lan}\n"
        "hosts: {A: {interfaces: {eth0: *iface}}, B: {interfaces: {eth0: *iface}}}\n"
    )
    with pytest.raises(ScenarioError, match="x-iface: unknown key"):
        Network.from_yaml(text)  # aliases parse; the loader then names the unknown key
    net = Network.from_yaml(text.replace("x-iface", "description"))
    assert sorted(net.hosts) == ["A", "B"]


@pytest.mark.parametrize("text", ["a: &a [1, *a]", "&a {b: *a}", "- &a [[*a]]"])
def test_a_recursive_alias_is_refused(text):
    with pytest.raises(ScenarioError, match="refers to the collection it is in"):
        Network.from_yaml(text)


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_without_a_recursion_error(opener):
    text = opener * 20_000
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match=f"nested more than {MAX_YAML_DEPTH} levels"):
        Network.from_yaml(text)
    assert time.perf_counter() - started < 2.0


def test_nesting_within_the_bound_is_fine():
    with pytest.raises(ScenarioError, match="^description|hosts: a scenario needs"):
        Network.from_yaml("description: " + "[" * 30 + "]" * 30)


def test_yaml_longer_than_the_limit_is_refused_with_its_size():
    text = "description: |\n" + "  x\n" * (MAX_YAML // 4 + 1)
    with pytest.raises(ScenarioError, match=f"at most {MAX_YAML} are accepted"):
        Network.from_yaml(text)


@pytest.mark.parametrize(
    "text", ["!!python/object/apply:os.system ['true']", "!!python/name:os.system", "a: !!x 1"]
)
def test_python_tags_are_refused_not_run(text):
    with pytest.raises(ScenarioError, match="invalid YAML"):
        Network.from_yaml(text)


@pytest.mark.parametrize("root", ["[]", "- A", "42", "hosts", "~", "true"])
def test_a_non_mapping_root_names_the_scenario(root):
    with pytest.raises(ScenarioError) as raised:
        Network.from_yaml(root)
    assert raised.value.path == "scenario" or raised.value.path.startswith("hosts")


def test_the_command_line_tool_refuses_a_bomb_file(tmp_path):
    from netlearn.sim.__main__ import load

    path = tmp_path / "bomb.yaml"
    path.write_text(_laughs(9))
    with pytest.raises(ScenarioError, match=f"^{path}: line 6: invalid YAML: more than"):
        load(str(path))


def test_an_empty_key_is_named_in_the_error():
    with pytest.raises(ScenarioError) as raised:
        Network.from_scenario({"hosts": {"A": {}}, "": ["net1"]})
    assert raised.value.path == "''"


def test_the_yaml_module_examples_hold():
    import doctest

    from netlearn.sim import yamlload

    assert doctest.testmod(yamlload, optionflags=doctest.ELLIPSIS).failed == 0


@pytest.mark.parametrize("digit", ["¹", "①", "٣"])
def test_a_route_metric_in_odd_digits_is_a_scenario_error(digit):
    scenario = {
        "segments": ["lan"],
        "hosts": {
            "A": {
                "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}},
                "routes": [f"10.1.0.0/16 dev eth0 metric {digit}"],
            }
        },
    }
    with pytest.raises(ScenarioError, match='"metric" value is invalid'):
        Network.from_scenario(scenario)  # was a ValueError from int("¹")
