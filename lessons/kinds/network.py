"""What the kinds graded on a simulated network share: a scenario, goals, and a solution that
builds a network which passes them.

A network kind (terminal, routes, dns) only says how the learner's input, or the solution,
becomes a network (``solved_network``, ``network``); loading the scenario, checking the goals
and validating the whole exercise are the same for all of them and live here.
"""

from __future__ import annotations

import copy
from abc import abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.safestring import mark_safe

from lessons.diagram import render as render_diagram
from lessons.kinds.base import GoalChecks, GoalResult, Grade, Kind, Problem
from netlearn.sim import Network, ScenarioError, budget
from netlearn.sim.errors import BudgetExceeded

MAX_GOALS = 50  # goals in one exercise


def starting_network(spec: dict) -> Network:
    """The scenario as the learner first sees it (raises ScenarioError)."""
    return Network.from_scenario(copy.deepcopy(spec["scenario"]))


def scenario_error_path(exc: ScenarioError, prefix: str, own: str = "") -> str:
    """Put a simulator path under ``prefix``: ``goal.to`` -> ``exercise.goals[1].to``."""
    path = exc.path or ""
    if own and (path == own or path.startswith(own + ".")):
        path = path[len(own) :].lstrip(".")
    return f"{prefix}.{path}" if path else prefix


def page_diagram(network: Network | None, path: dict | None) -> dict | None:
    """The lesson page's drawing of ``network`` (with a ping's ``path``), None without one."""
    if network is None:
        return None
    diagram = render_diagram(network, path)
    # diagram.py escapes every text it draws
    return {
        "svg": mark_safe(diagram.svg),
        "description": diagram.description,
        "path_summary": diagram.path_summary,
    }


# -- goal labels ---------------------------------------------------------------------------------


def _names(value: Any) -> str:
    return " and ".join(map(str, value)) if isinstance(value, list) else str(value)


def _route_label(g: dict) -> str:
    text = f"{g.get('on')} routes {g.get('to')}"
    if g.get("via"):
        text += f" via {g['via']}"
    if g.get("dev"):
        text += f" out of {g['dev']}"
    return text


def _resolves_label(g: dict) -> str:
    text = f"{g.get('name')} resolves on {g.get('on')}"
    if g.get("to"):
        to = g["to"] if isinstance(g["to"], list) else [g["to"]]
        text += f" to {' or '.join(map(str, to))}"
    return text


def _dns_answer_label(g: dict) -> str:
    text = f"{g.get('server')} answers {g.get('name')} {g.get('type', 'A')}"
    if g.get("values") is not None:  # a list, or one value as the check takes it
        values = g["values"] if isinstance(g["values"], list) else [g["values"]]
        text += f" with {', '.join(map(str, values)) or 'nothing'}"
    return text


def _http_label(g: dict) -> str:
    text = f"{g.get('from')} fetches {g.get('url')}"
    if g.get("served_by"):
        text += f" from {_names(g['served_by'])}"
    if g.get("via"):
        text += f" through {_names(g['via'])}"
    return text


_LABELS: dict[str, Callable[[dict], str]] = {
    "reachable": lambda g: f"{g.get('from')} can reach {g.get('to')}",
    "unreachable": lambda g: f"{g.get('from')} cannot reach {g.get('to')}",
    "route": _route_label,
    "forwarding": lambda g: (
        f"{g.get('on')} {'forwards' if g.get('enabled', True) else 'does not forward'} packets"
    ),
    "resolves": _resolves_label,
    "dns_answer": _dns_answer_label,
    "http": _http_label,
    "quiz": lambda g: f"Question {int(g.get('question', 0)) + 1}",
}


def describe_goal(goal: Mapping) -> str:
    """A short label for a goal, for the list of results ("A can reach 192.165.2.10")."""
    if goal.get("label"):
        return str(goal["label"])
    # YAML 1.1 reads a bare `on:` key as True
    g = {("on" if k is True else k): v for k, v in goal.items()}
    check = g.get("check")
    label = _LABELS.get(check) if isinstance(check, str) else None
    return label(g) if label is not None else str(check)


# -- grading -------------------------------------------------------------------------------------


def check_goals(goals: list, net: Network) -> list[GoalResult]:
    """Grade every goal on its own copy of ``net``, so that one check cannot change what the
    next one sees. A goal the simulator cannot check fails with cause ``check-error``."""
    state = net.to_dict()
    results = []
    for i, goal in enumerate(goals):
        label = describe_goal(goal)
        try:
            outcome = Network.from_dict(copy.deepcopy(state)).check(goal)
        except (ScenarioError, BudgetExceeded) as exc:
            if budget.exhausted():  # the caller's own budget (validation) is spent: stop
                raise
            results.append(GoalResult(i, goal, label, False, str(exc), "check-error"))
            continue
        except Exception as exc:  # a simulator bug must not break grading
            message = f"The simulator could not check this goal ({type(exc).__name__})."
            results.append(GoalResult(i, goal, label, False, message, "check-error"))
            continue
        results.append(
            GoalResult(i, goal, label, bool(outcome.passed), outcome.message, outcome.cause)
        )
    return results


def _uncheckable_goals(spec: dict, start: Network, path: str) -> list[Problem]:
    """Goals the simulator refuses on the starting network (a missing key, an unknown host)."""
    problems = []
    state = start.to_dict()
    for i, goal in enumerate(spec["goals"]):
        try:
            Network.from_dict(copy.deepcopy(state)).check(goal)
        except ScenarioError as exc:
            problems.append(
                Problem(scenario_error_path(exc, f"{path}.goals[{i}]", "goal"), exc.why)
            )
        except BudgetExceeded:
            raise
        except Exception as exc:  # a part of the simulator that is missing or broken
            problems.append(
                Problem(f"{path}.goals[{i}]", f"the simulator cannot check this goal ({exc!r})")
            )
    return problems


class NetworkKind(Kind):
    """A kind whose exercise is a scenario and goals checked on the network the learner builds.

    Subclasses say how the solution builds a network (``solved_network``) and how the learner's
    work does (``network``).
    """

    spec_keys = ("scenario", "goals")

    @abstractmethod
    def solved_network(self, spec: dict, path: str) -> tuple[Network | None, list[Problem]]:
        """The network the solution builds, or the problems (under ``path``, the solution's
        own path) that stop it."""
        raise NotImplementedError

    @abstractmethod
    def network(self, spec: dict, *, submission: Any = None, network: Any = None) -> Network:
        """The network the learner's work builds; raises SubmissionError for input that
        cannot apply."""
        raise NotImplementedError

    # the lesson file's mapping

    def check_shape(self, spec: dict, path: str) -> list[Problem]:
        problems = []
        if "questions" in spec:
            problems.append(
                Problem(f"{path}.questions", f"only a quiz has questions, not {self.name}")
            )
        if not isinstance(spec.get("scenario"), dict):
            problems.append(Problem(f"{path}.scenario", "must be a scenario mapping"))
        goals = spec.get("goals")
        if not isinstance(goals, list) or not goals:
            problems.append(Problem(f"{path}.goals", "must be a non-empty list of goals"))
        elif len(goals) > MAX_GOALS:
            problems.append(Problem(f"{path}.goals", f"at most {MAX_GOALS} goals"))
        else:
            problems += [
                Problem(f"{path}.goals[{i}]", "must be a mapping with a 'check' kind")
                for i, goal in enumerate(goals)
                if not isinstance(goal, dict) or "check" not in goal
            ]
        return problems

    def validate(self, spec: dict, path: str) -> list[Problem]:
        """The scenario loads, every goal can be checked, the solution passes every goal and
        the starting state fails at least one."""
        try:
            start = starting_network(spec)
        except ScenarioError as exc:
            return [Problem(scenario_error_path(exc, f"{path}.scenario"), exc.why)]
        except BudgetExceeded:
            raise
        except Exception as exc:  # a simulator bug: say so instead of crashing the loader
            return [Problem(f"{path}.scenario", f"the simulator cannot load it ({exc!r})")]
        problems = _uncheckable_goals(spec, start, path)
        if problems:
            return problems
        starting = check_goals(spec["goals"], start)
        solved, problems = self.solved_network(spec, f"{path}.solution")
        if problems or solved is None:
            return problems
        problems = [
            Problem(
                f"{path}.goals[{result.index}]",
                f"the solution does not pass this goal: {result.message}",
            )
            for result in check_goals(spec["goals"], solved)
            if not result.passed
        ]
        if all(result.passed for result in starting):
            problems.append(
                Problem(
                    f"{path}.goals",
                    "the starting state already passes every goal: there is nothing to do",
                )
            )
        return problems

    def to_fields(self, spec: dict) -> dict:
        return {"scenario": spec.get("scenario", {}), "goals": spec.get("goals", []), "extra": {}}

    def from_fields(self, *, scenario: Any, goals: Any, extra: Any) -> dict:
        return {"scenario": scenario, "goals": goals}

    # grading

    def goal_labels(self, spec: dict) -> list[str]:
        return [describe_goal(goal) for goal in spec["goals"]]

    def grade(self, spec: dict, *, submission: Any = None, network: Any = None) -> Grade:
        net = self.network(spec, submission=submission, network=network)
        try:  # one learner's "Check my work" within budget.GRADING, every goal together
            with budget.limit(budget.GRADING):
                return Grade(check_goals(spec["goals"], net))
        except BudgetExceeded as exc:
            message = str(exc)
            return Grade(
                [
                    GoalResult(i, goal, describe_goal(goal), False, message, "check-error")
                    for i, goal in enumerate(spec["goals"])
                ]
            )

    def goal_checks(self, spec: dict) -> GoalChecks:
        try:
            start = check_goals(spec["goals"], starting_network(spec))
        except BudgetExceeded:
            raise
        except Exception:  # the scenario does not load: the problems say why
            return GoalChecks([], [], [])
        try:
            solved_net, problems = self.solved_network(spec, "solution")
        except BudgetExceeded:
            raise
        except Exception:  # the solution does not apply: the problems say why
            solved_net, problems = None, []
        solved = [] if problems or solved_net is None else check_goals(spec["goals"], solved_net)
        return GoalChecks(self.goal_labels(spec), start, solved)
