"""The quiz kind: questions instead of a scenario, one result per question."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.http import QueryDict
from exercise_specs import spec

from lessons.kinds import get_kind
from lessons.kinds.base import SubmissionError

QUIZ = get_kind("quiz")


def shape(exercise: dict) -> dict[str, str]:
    return {p.path: p.message for p in QUIZ.check_shape(exercise, "exercise")}


def test_an_answer_key_outside_the_choices_is_rejected_with_its_range():
    exercise = spec("quiz")
    exercise["questions"][1]["answer"] = 2
    assert shape(exercise) == {
        "exercise.questions[1].answer": "must be the index of the right choice (0 to 1)"
    }


def test_a_quiz_with_a_scenario_is_rejected():
    exercise = spec("quiz")
    exercise["scenario"] = {"hosts": {}}
    assert shape(exercise) == {
        "exercise.scenario": "a quiz has questions, not a scenario and goals"
    }


def test_a_solution_that_disagrees_with_the_key_names_the_question():
    exercise = spec("quiz")
    exercise["solution"]["answers"] = [1, 1]
    assert [(p.path, p.message) for p in QUIZ.validate(exercise, "exercise")] == [
        ("exercise.solution.answers[1]", "is 1 but questions[1].answer is 0")
    ]


def test_without_a_solution_the_answer_key_is_the_solution_and_it_passes():
    exercise = spec("quiz")
    del exercise["solution"]
    assert QUIZ.validate(exercise, "exercise") == []
    assert QUIZ.solution_submission(exercise) == {"answers": [1, 0]}
    assert QUIZ.grade(exercise, submission=QUIZ.solution_submission(exercise)).passed


def test_each_question_is_graded_with_its_explanation():
    grade = QUIZ.grade(spec("quiz"), submission={"answers": ["1", None]})
    right, unanswered = grade.results
    assert right.passed
    assert right.message == "Right: 192.168.0.0/16 is one of the RFC 1918 private ranges."
    assert unanswered.cause == "unanswered"
    assert unanswered.message.startswith("Question 2 is not answered yet")
    assert grade.score == 50


def test_an_answer_that_is_no_choice_cannot_be_graded():
    with pytest.raises(SubmissionError) as info:
        QUIZ.grade(spec("quiz"), submission={"answers": [1, 5]})
    assert info.value.errors == {"answers[1]": "choose one of the answers"}


def test_the_posted_form_becomes_the_answers():
    form = QUIZ.bound_form(spec("quiz"), QueryDict("q0=1"))
    assert form.is_valid()
    assert form.submission() == {"answers": [1, None]}
    assert form.attach_errors({"answers[1]": "choose one of the answers"}) == {
        "submission_error": "choose one of the answers"
    }
    assert not QUIZ.bound_form(spec("quiz"), QueryDict("q0=7")).is_valid()


def test_the_page_shows_the_saved_answers_chosen():
    ctx = QUIZ.page_context(
        spec=spec("quiz"), view=SimpleNamespace(rows={"answers": [None, 0]}), host="", extra={}
    )
    assert ctx["quiz_form"].initial == {"q1": "0"}


def test_the_authoring_report_grades_the_key_and_an_empty_quiz():
    checks = QUIZ.goal_checks(spec("quiz"))
    assert checks.labels == ["Question 1", "Question 2"]
    assert all(r.passed for r in checks.solved)
    assert not any(r.passed for r in checks.start)
