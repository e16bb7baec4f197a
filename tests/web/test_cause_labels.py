"""Every cause code grading can store has a sentence for instructors (instructors/causes.py).

The codes are found by reading the source, not from a hand-kept list, so a new code in the
simulator or the grader without a sentence fails here. A cause reaches a stored result through:

- the ``cause`` argument of ``Outcome``, ``Drop``, ``PingOutcome`` or ``GoalResult``;
- an assignment to a variable named ``cause`` (``cause = "x" if ... else "y"``);
- a helper returning ``(cause, message)`` that is unpacked as ``cause, message = helper(...)``;
- a ``*_CAUSES`` mapping (``_CURL_CAUSES.get(code, "http-error")``).

In each, string literals are codes and UPPER_CASE names are constants resolved in their module.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.template import Context, Template

import netlearn.sim
from instructors.causes import LABELS, UNKNOWN, cause_label

ROOT = Path(__file__).resolve().parents[2]
SIM = Path(netlearn.sim.__file__).parent
SOURCES = [*sorted(SIM.rglob("*.py")), *sorted((ROOT / "lessons" / "kinds").glob("*.py"))]

# Where the cause sits among the positional arguments of each result type (or a local
# ``drop(cause, detail)`` helper); it may also be passed as ``cause=``.
CAUSE_ARGUMENT = {"Outcome": 2, "Drop": 0, "drop": 0, "PingOutcome": 3, "GoalResult": 5}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class _Codes:
    """The cause codes one module can emit."""

    def __init__(self, path: Path) -> None:
        self.tree = ast.parse(path.read_text(), str(path))
        self.module = importlib.import_module(_module_name(path))
        self.codes: set[str] = set()

    def constant(self, node: ast.expr) -> str | None:
        """The value of an UPPER_CASE constant (``NO_ROUTE``, ``t.NO_ROUTE``), else None."""
        if isinstance(node, ast.Name) and node.id.isupper():
            value = getattr(self.module, node.id, None)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr.isupper()
            and isinstance(node.value, ast.Name)
        ):
            value = getattr(getattr(self.module, node.value.id, None), node.attr, None)
        else:
            return None
        return value if isinstance(value, str) else None

    def collect(self, node: ast.expr | None) -> None:
        if node is None:
            return
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) and node.value:  # "": no cause, not a code
                self.codes.add(node.value)
        elif isinstance(node, ast.IfExp):
            self.collect(node.body)
            self.collect(node.orelse)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.collect(value)
        elif isinstance(node, ast.Call) and _called(node.func) == "get":
            for arg in node.args[1:]:  # the default of ``CAUSES.get(key, default)``
                self.collect(arg)
        elif (value := self.constant(node)) is not None:
            self.codes.add(value)

    def scan(self) -> set[str]:
        helpers: set[str] = set()  # functions whose (cause, message) result is unpacked
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and _called(node.func) in CAUSE_ARGUMENT:
                position = CAUSE_ARGUMENT[_called(node.func)]
                if len(node.args) > position:
                    self.collect(node.args[position])
                for keyword in node.keywords:
                    if keyword.arg == "cause":
                        self.collect(keyword.value)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == "cause":
                        self.collect(node.value)
                    elif isinstance(target, ast.Name) and target.id.endswith("CAUSES"):
                        if isinstance(node.value, ast.Dict):
                            for value in node.value.values:
                                self.collect(value)
                    elif (
                        isinstance(target, ast.Tuple)
                        and target.elts
                        and isinstance(target.elts[0], ast.Name)
                        and target.elts[0].id == "cause"
                        and isinstance(node.value, ast.Call)
                    ):
                        helpers.add(_called(node.value.func) or "")
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef) and node.name in helpers:
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple):
                        self.collect(ret.value.elts[0])
                    elif isinstance(ret, ast.Return) and isinstance(ret.value, ast.Call):
                        helpers.add(_called(ret.value.func) or "")
        return self.codes


def emitted_codes() -> set[str]:
    from netlearn.sim import trace

    codes = set(trace.CAUSES)
    for path in SOURCES:
        codes |= _Codes(path).scan()
    return codes


def test_the_scan_finds_codes_of_every_kind():
    codes = emitted_codes()
    # packets (trace constants), goals (checks constants), names, http, the grader
    for code in (
        "no-return-route",
        "forwarding-off",
        "wrong-gateway",
        "nxdomain",
        "nameserver-refused",
        "cname-conflict",
        "invalid-zone",
        "tls-error",
        "http-error",
        "origin-exposed",
        "check-error",
        "unanswered",
    ):
        assert code in codes, code


def test_every_cause_the_simulator_and_grader_emit_has_a_sentence():
    missing = sorted(emitted_codes() - set(LABELS))
    assert not missing, f"add a sentence to instructors/causes.py for: {', '.join(missing)}"


def test_sentences_read_as_sentences():
    for code, label in LABELS.items():
        assert label[0].isupper(), code
        assert not label.endswith("."), code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("forwarding-off", "IP forwarding is off on a router"),
        ("no-return-route", "A host has no route back"),
        (None, LABELS[UNKNOWN]),
        ("", LABELS[UNKNOWN]),
        ("a-code-from-the-future", "a-code-from-the-future"),
    ],
)
def test_cause_label(code, expected):
    assert cause_label(code) == expected


def test_the_cause_tag_shows_the_sentence_with_the_code_beside_it():
    render = Template("{% load causes %}{% cause code %}").render
    assert render(Context({"code": "forwarding-off"})) == (
        'IP forwarding is off on a router <code class="cause-code small">forwarding-off</code>'
    )
    # A code without a sentence is shown once, as a code; codes are escaped.
    assert render(Context({"code": "<new>"})) == '<code class="cause-code">&lt;new&gt;</code>'
