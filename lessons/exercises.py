"""An exercise as a whole: the ``exercise`` mapping of a lesson file, validated and graded.

An exercise is the ``exercise`` mapping of a lesson file (DESIGN.md, "Lessons and exercises")::

    kind: terminal | routes | dns | quiz
    prompt: Make A reach C through the router.
    scenario: {...}            # the simulator's scenario format (not for quiz)
    goals: [{check: reachable, from: A, to: 192.165.2.10}]   # (not for quiz)
    questions: [{prompt, choices: [...], answer: 0, explain}]  # quiz only
    solution: ...              # by kind
    hints: ["..."]

What differs between kinds (what a learner submits, the solution's shape, how it is graded)
is the kind's, in ``lessons/kinds/``: one module per kind, found by name with
``lessons.kinds.get_kind``. Here are the keys every kind shares (kind, prompt, hints, the
solution's one key) and the entry points that hand the rest to the kind.

Validation (``validate_exercise``) checks that the scenario loads, every goal can be checked, the
solution passes every goal and the starting state fails at least one; every problem names its
field (``exercise.goals[1].to``). Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lessons import kinds
from lessons.kinds.base import ExerciseInvalid, GoalResult, Grade, Problem, SubmissionError

# The starting network, and a terminal's log run again on it: the terminal's request path
# (lessons/services.py, selectors.py) builds the learner's network with these.
from lessons.kinds.network import starting_network
from lessons.kinds.terminal import replay
from netlearn.sim import budget
from netlearn.sim.errors import BudgetExceeded

__all__ = [
    "ExerciseInvalid",
    "GoalResult",
    "Grade",
    "Problem",
    "SubmissionError",
    "check_shape",
    "content_hash",
    "fields_from_spec",
    "grade",
    "normalise_spec",
    "replay",
    "solution_submission",
    "spec_from_fields",
    "starting_network",
    "validate_exercise",
]

MAX_HINTS = 20


def spec_keys() -> tuple[str, ...]:
    """The keys of an exercise mapping, in the lesson file's order: the shared ones around
    every kind's own (``kind, prompt, scenario, goals, questions, solution, hints``)."""
    own = dict.fromkeys(key for kind in kinds.all_kinds() for key in kind.spec_keys)
    return ("kind", "prompt", *own, "solution", "hints")


# -- the exercise mapping ------------------------------------------------------------------------


def spec_from_fields(
    *,
    kind: str,
    prompt: str,
    scenario: Any,
    goals: Any,
    solution: Any,
    hints: Any,
    extra: Any,
) -> dict:
    """The lesson-file mapping of an exercise stored as model fields (inverse of
    ``fields_from_spec``)."""
    spec: dict[str, Any] = {"kind": kind, "prompt": prompt}
    spec.update(kinds.get_kind(kind).from_fields(scenario=scenario, goals=goals, extra=extra))
    if solution:
        spec["solution"] = solution
    if hints:
        spec["hints"] = hints
    return spec


def fields_from_spec(spec: dict) -> dict:
    """Model fields (``kind, prompt, scenario, goals, solution, hints, extra``) of a normalised
    exercise mapping."""
    return {
        "kind": spec["kind"],
        "prompt": spec["prompt"],
        **kinds.get_kind(spec["kind"]).to_fields(spec),
        "solution": spec.get("solution") or {},
        "hints": spec.get("hints") or [],
    }


def content_hash(data: Any) -> str:
    """A stable hash of JSON-like data (key order does not matter)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_shape(spec: Any, *, path: str = "exercise") -> list[Problem]:
    """Problems with the mapping's structure alone (no simulator)."""
    if not isinstance(spec, dict):
        return [Problem(path, "must be a mapping with kind, prompt, ... (see DESIGN.md)")]
    keys = spec_keys()
    problems = [
        Problem(f"{path}.{key}", f"unknown key (expected one of {', '.join(keys)})")
        for key in spec
        if key not in keys
    ]
    name = spec.get("kind")
    if not kinds.is_kind(name):
        message = f"must be one of {', '.join(kinds.names())}, not {name!r}"
        return [*problems, Problem(f"{path}.kind", message)]
    kind = kinds.get_kind(name)
    prompt = spec.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        problems.append(Problem(f"{path}.prompt", "must be the task, as text"))
    problems += _check_hints(spec.get("hints", []), f"{path}.hints")
    solution = spec.get("solution", {})
    if solution is not None and not isinstance(solution, dict):
        problems.append(Problem(f"{path}.solution", "must be a mapping"))
    problems += kind.check_shape(spec, path)
    return problems + _check_solution_keys(kind, solution, f"{path}.solution")


def _check_hints(hints: Any, path: str) -> list[Problem]:
    if not isinstance(hints, list):
        return [Problem(path, "must be a list of texts")]
    problems = [Problem(path, f"at most {MAX_HINTS} hints")] if len(hints) > MAX_HINTS else []
    return problems + [
        Problem(f"{path}[{i}]", "must be a text")
        for i, hint in enumerate(hints)
        if not isinstance(hint, str) or not hint.strip()
    ]


def _check_solution_keys(kind: kinds.Kind, solution: Any, path: str) -> list[Problem]:
    """A solution has its kind's one key (``commands``, ``routes``...), and must have it unless
    the kind can do without a solution (a quiz)."""
    expected = kind.solution_key
    missing = Problem(path, f"a {kind.name} exercise needs solution.{expected}")
    if solution is None:  # `solution:` left empty
        return [missing] if kind.solution_required else []
    if not isinstance(solution, dict):
        return []
    problems = [
        Problem(f"{path}.{key}", f"unknown key (a {kind.name} solution has '{expected}')")
        for key in solution
        if key != expected
    ]
    if kind.solution_required and expected not in solution:
        problems.append(missing)
    return problems


# -- grading -------------------------------------------------------------------------------------


def grade(spec: dict, *, submission: Any = None, network: Any = None) -> Grade:
    """Grade a submission: ``network`` for a terminal exercise (the workspace's), the form
    ``submission`` for the other kinds. Raises SubmissionError for rows that cannot apply."""
    return kinds.get_kind(spec["kind"]).grade(spec, submission=submission, network=network)


def solution_submission(spec: dict) -> dict:
    """The solution in the shape a learner submits."""
    return kinds.get_kind(spec["kind"]).solution_submission(spec)


# -- validation ----------------------------------------------------------------------------------


def validate_exercise(spec: Any, *, path: str = "exercise") -> list[Problem]:
    """Every problem of an exercise mapping (empty when it is valid): its shape, then what its
    kind checks with the simulator (for a network kind: that the scenario loads, that every
    goal can be checked, that the solution passes every goal and that the starting state fails
    at least one). The whole validation has the simulator's author budget (``budget.AUTHOR``):
    past it, one problem says what was too large."""
    try:
        with budget.limit(budget.AUTHOR):
            problems = check_shape(spec, path=path)
            if problems:
                return problems
            return kinds.get_kind(spec["kind"]).validate(spec, path)
    except BudgetExceeded as exc:
        return [Problem(path, f"{exc}: make the scenario, its goals or its solution smaller")]


def normalise_spec(spec: Any, *, path: str = "exercise") -> dict:
    """A validated exercise mapping with its keys in the lesson file's order; raises
    ExerciseInvalid listing every problem."""
    problems = validate_exercise(spec, path=path)
    if problems:
        raise ExerciseInvalid(problems)
    return {
        key: spec[key] for key in spec_keys() if key in spec and spec[key] not in (None, [], {})
    }
