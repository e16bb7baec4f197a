"""The registry of exercise kinds: the lesson file's ``kind: terminal`` names one of them.

As dnspython maps each record type to its own module (``dns.rdata.get_rdata_class``), each
kind is one module of this package with a ``KIND`` object (``lessons.kinds.base.Kind``):

- ``terminal``: commands typed into a simulated terminal; the network as the learner left it
  is graded;
- ``routes``: routes added to hosts' routing tables as rows of a form;
- ``dns``: records added to a zone as rows of a form;
- ``quiz``: questions with choices and an answer key.

Code that needs something that differs between kinds asks the kind object
(``get_kind(exercise.kind).grade(...)``) instead of comparing names, so adding a kind is adding
its module here and its name to ``BUILTIN`` (or calling ``register`` with its object).
"""

from __future__ import annotations

from importlib import import_module

from lessons.kinds.base import Kind

__all__ = [
    "Kind",
    "UnknownKind",
    "all_kinds",
    "choices",
    "get_kind",
    "is_kind",
    "names",
    "register",
    "unregister",
]

BUILTIN = ("terminal", "routes", "dns", "quiz")  # modules of this package, in this order

_registry: dict[str, Kind] = {}
_builtin_loaded = False


class UnknownKind(LookupError):
    """No kind of that name is registered."""


def register(kind: Kind) -> Kind:
    """Make ``kind`` known by its name (replacing a kind of the same name)."""
    _load_builtin()
    _registry[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Forget the kind called ``name`` (a kind registered for a while, as in a test)."""
    _registry.pop(name, None)


def _load_builtin() -> None:
    """Import the built-in kinds' modules on first use rather than with this package, so that
    a kind's module may import this package (to call ``register``) without a cycle."""
    global _builtin_loaded
    if _builtin_loaded:
        return
    for module in BUILTIN:
        kind = import_module(f"{__name__}.{module}").KIND
        _registry[kind.name] = kind
    _builtin_loaded = True


def get_kind(name: str) -> Kind:
    """The kind called ``name``; UnknownKind if there is none."""
    _load_builtin()
    try:
        return _registry[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name from a malformed file
        raise UnknownKind(f"no exercise kind is called {name!r}") from None


def is_kind(name: object) -> bool:
    _load_builtin()
    return isinstance(name, str) and name in _registry


def all_kinds() -> list[Kind]:
    """Every kind, the built-in ones first in ``BUILTIN``'s order."""
    _load_builtin()
    return list(_registry.values())


def names() -> list[str]:
    return [kind.name for kind in all_kinds()]


def choices() -> list[tuple[str, str]]:
    """``(name, label)`` of every kind: the choices of the models' ``kind`` field (a callable,
    so that a new kind needs no migration)."""
    return [(kind.name, kind.label) for kind in all_kinds()]
