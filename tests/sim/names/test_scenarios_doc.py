"""The complete examples of docs/scenarios.md load, fail at the start and pass when solved."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from names_scenarios import build

DOC = Path(__file__).resolve().parents[3] / "docs" / "scenarios.md"


def examples() -> list[dict]:
    text = DOC.read_text().split("## Complete examples", 1)[1]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_every_yaml_block_of_the_doc_is_valid_yaml():
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S)
    assert all(yaml.safe_load(block) is not None for block in blocks)


def test_the_name_example_fails_then_passes_once_resolv_conf_is_set():
    net = build(examples()[0])
    goal = {"check": "resolves", "on": "A", "name": "flowers.example.com", "to": "192.165.2.11"}
    assert net.check(goal).cause == "no-nameserver"
    net.run("A", "echo 'nameserver 192.165.1.100' > /etc/resolv.conf")
    assert net.check(goal).passed


def test_the_proxy_example_fails_then_passes_once_the_name_points_at_the_proxy():
    net = build(examples()[1])
    goal = {
        "check": "http",
        "from": "A",
        "url": "https://www.example.com/",
        "served_by": "web1",
        "via": "proxy",
        "origin_sees": "proxy",
    }
    assert net.check(goal).cause == "connection-refused"
    plain = {**goal, "url": "http://www.example.com/", "via": []}
    assert net.check(plain).cause == "origin-exposed"
    net.run("A", "echo '192.165.2.20  www.example.com' > /etc/hosts")
    assert net.check(goal).passed, net.check(goal).message
