"""Bounded YAML: size, nesting and alias expansion are checked before any Python object exists.

``yaml.safe_load`` builds an alias once and shares it, so ``a: &a [x, x]; b: &b [*a, *a]; ...``
(a "billion laughs") parses in a millisecond into a structure whose expansion has billions of
nodes: whatever walks it next (validation, ``json.dumps``, a template) never ends. A recursive
alias (``&a [*a]``) loads as a cycle, and deep nesting (``[[[[...``) overflows the composer's
recursion. :class:`BoundedComposer` refuses all three while composing, with a YAML error that
points at the line, so every caller keeps its usual ``except yaml.YAMLError``.

>>> load_yaml("hosts: {A: {}}")
{'hosts': {'A': {}}}
>>> load_yaml("a: &a [1, *a]")
Traceback (most recent call last):
netlearn.sim.errors.ScenarioError: line 1: invalid YAML: an alias refers to the collection it is in
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, SequenceNode

from .errors import ScenarioError
from .limits import MAX_YAML, MAX_YAML_DEPTH, MAX_YAML_NODES


class YAMLBoundsError(ComposerError):
    """A YAML document past one of the bounds (a ``yaml.YAMLError``, with ``problem_mark``)."""


if TYPE_CHECKING:  # the loader it is mixed into: its parser and composer methods
    _LoaderBase = yaml.SafeLoader
else:
    _LoaderBase = object


class BoundedComposer(_LoaderBase):
    """Mix in before a ``yaml`` loader class: nesting, recursive aliases and the expanded size of
    the document are bounded (``MAX_YAML_DEPTH``, ``MAX_YAML_NODES``)."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        depth = getattr(self, "_bounded_depth", 0)
        if depth >= MAX_YAML_DEPTH:
            mark = self.peek_event().start_mark
            raise YAMLBoundsError(
                None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", mark
            )
        self._bounded_depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._bounded_depth = depth

    def compose_document(self) -> Node | None:
        node = super().compose_document()
        if node is not None:
            _check_expanded_size(node)
        return node


def _check_expanded_size(root: Node) -> None:
    """Count the nodes of ``root`` with every alias expanded, in time linear in the graph."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > MAX_YAML_NODES:
                raise YAMLBoundsError(
                    None,
                    None,
                    f"more than {MAX_YAML_NODES} values once its aliases are expanded",
                    node.start_mark,
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YAMLBoundsError(
                None, None, "an alias refers to the collection it is in", node.start_mark
            )
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise YAMLBoundsError(
                    None, None, "an alias refers to the collection it is in", child.start_mark
                )
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class SafeLoader(BoundedComposer, yaml.SafeLoader):
    """``yaml.SafeLoader`` with the bounds above."""


def load_yaml(text: str, *, path: str = "") -> Any:
    """Parse scenario YAML; any problem (too long, syntax, bounds) is a ``ScenarioError`` whose
    path is ``path`` or the line."""
    if not isinstance(text, str):
        raise ScenarioError(path, f"expected YAML text, got {type(text).__name__}")
    if len(text) > MAX_YAML:
        raise ScenarioError(
            path, f"the YAML is {len(text)} characters long; at most {MAX_YAML} are accepted"
        )
    try:
        return yaml.load(text, Loader=SafeLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = path or (f"line {mark.line + 1}" if mark is not None else "")
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(where, f"invalid YAML: {problem}") from None
