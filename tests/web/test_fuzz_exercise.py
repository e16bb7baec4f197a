"""Fuzzing exercise validation, the editor's "Validate" and grading: a mutated exercise (of every
kind) gives problems that name their field, never an exception (which would be a 500 in the lesson
editor or in ``loadlessons``); a mutated submission is graded or refused with a message.

No database: ``lessons.exercises`` and ``validation_report`` only run the simulator.
"""

from __future__ import annotations

import copy

from exercise_specs import SPECS
from fuzzing import fuzz_settings, parent_of, paths
from hypothesis import example, given
from hypothesis import strategies as st

from instructors.selectors import validation_report
from lessons import exercises as ex
from lessons import lessonfile

ROUTE_FIELDS = ("destination", "gateway", "device", "metric")
# `HYPOTHESIS_PROFILE=fuzz` runs twenty times as many, as for the simulator's fuzzers
# (tests/fuzzing.py).
FUZZ = fuzz_settings(250)

WRONG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "A", "R", "Z", "eth0", "192.165.2.10", "10.0.0.300", "192.165.2.0/24", "default",
            "reachable", "unreachable", "route", "resolves", "dns_answer", "http", "forwarding",
            "www.example.com", "CNAME", "A", "terminal", "routes", "dns", "quiz", "nosuch",
            "192.165.2.0/24 via 192.165.1.1", "www 300 IN A 1.2.3.4", "bad line", "",
        ]
    ),
    st.lists(st.integers(-2, 5) | st.text(max_size=5), max_size=4),
    st.dictionaries(st.sampled_from(["A", "C", "x", "example.com", ""]), st.integers(), max_size=3),
    st.builds(lambda n: ["ip route"] * n, st.integers(50, 600)),
)  # fmt: skip
WRONG_KEYS = st.one_of(
    st.sampled_from(["", "nosuch", "kind", "check", "on", "to", "via", "A", "example.com"]),
    st.integers(),
    st.none(),
    st.booleans(),
)


@st.composite
def mutated_exercises(draw):
    spec = copy.deepcopy(SPECS[draw(st.sampled_from(sorted(SPECS)))])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(spec)))
        if not path:
            spec = draw(WRONG_VALUES) if draw(st.booleans()) else [spec]
            continue
        parent, last = parent_of(spec, path), path[-1]
        op = draw(st.sampled_from(["replace", "drop", "add_key", "wrap"]))
        if op == "replace":
            parent[last] = draw(WRONG_VALUES)
        elif op == "drop":
            del parent[last]
        elif op == "add_key" and isinstance(parent[last], dict):
            parent[last][draw(WRONG_KEYS)] = draw(WRONG_VALUES)
        elif op == "wrap":
            parent[last] = [parent[last]]
    return spec


def _assert_problems(problems) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, ex.Problem)
        assert isinstance(problem.message, str) and problem.message.strip(), problem


@FUZZ
@given(mutated_exercises())
@example({**SPECS["dns"], "goals": [{**SPECS["dns"]["goals"][1], "values": False}]}).via(
    "describe_goal once raised TypeError on a non-list dns_answer values"
)
def test_mutated_exercises_give_problems_never_exceptions(spec):
    _assert_problems(ex.validate_exercise(copy.deepcopy(spec)))


@FUZZ
@given(mutated_exercises())
@example({**SPECS["terminal"], "solution": None}).via(
    "an empty solution once raised AttributeError in Validate"
)
def test_validate_in_the_editor_never_raises(spec):
    try:
        text = lessonfile.dump_yaml(spec)
    except Exception:  # a value YAML cannot write, e.g. nan keys: not our input
        return
    report = validation_report(exercise_yaml=text)
    for problem in report.problems:
        assert problem.message.strip()


submissions = st.one_of(
    WRONG_VALUES,
    st.fixed_dictionaries(
        {},
        optional={
            "routes": st.dictionaries(
                st.sampled_from(["A", "C", "R", "Z", ""]),
                st.lists(
                    WRONG_VALUES
                    | st.fixed_dictionaries(
                        {},
                        optional=dict.fromkeys(
                            ("destination", "gateway", "device", "metric"), WRONG_VALUES
                        ),
                    ),
                    max_size=3,
                ),
                max_size=3,
            ),
            "records": st.dictionaries(
                st.sampled_from(["example.com", "example.com.", "nosuch", ""]),
                st.lists(
                    WRONG_VALUES
                    | st.fixed_dictionaries(
                        {}, optional=dict.fromkeys(("name", "type", "value", "ttl"), WRONG_VALUES)
                    ),
                    max_size=3,
                ),
                max_size=2,
            ),
            "answers": st.lists(WRONG_VALUES, max_size=4) | WRONG_VALUES,
        },
    ),
)


@FUZZ
@given(kind=st.sampled_from(["routes", "dns", "quiz"]), submission=submissions)
@example(kind="quiz", submission={"answers": ["¹"]}).via("'¹'.isdigit() but int('¹') raises")
@example(kind="quiz", submission={"answers": ["9" * 5000]}).via("int() refuses 4300+ digits")
def test_any_submission_is_graded_or_refused_with_a_message(kind, submission):
    spec = copy.deepcopy(SPECS[kind])
    try:
        grade = ex.grade(spec, submission=submission)
    except ex.SubmissionError as exc:
        assert exc.errors and all(str(m).strip() for m in exc.errors.values()), exc.errors
        return
    assert len(grade.results) == (len(spec["questions"]) if kind == "quiz" else len(spec["goals"]))


def test_an_empty_solution_is_a_problem_named_by_its_field():
    problems = ex.validate_exercise({**copy.deepcopy(SPECS["terminal"]), "solution": None})
    assert [str(p) for p in problems] == [
        "exercise.solution: a terminal exercise needs solution.commands"
    ]
