"""The quiz kind: questions with choices and an answer key; one graded goal per question.

A quiz has ``questions: [{prompt, choices: [...], answer: 0, explain}]`` instead of a scenario
and goals (the model keeps them in ``extra``). Submission ``{"answers": [0, 2, ...]}``, the
index of the chosen choice per question (``None`` for unanswered). Solution: ``{answers: [...]}``,
optional: the questions' ``answer`` keys are the answer key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from lessons.kinds.base import (
    ExerciseForm,
    GoalChecks,
    GoalResult,
    Grade,
    Kind,
    Problem,
    SubmissionError,
)

QUESTION_KEYS = ("prompt", "choices", "answer", "explain")
MAX_QUESTIONS = 50  # questions in one quiz
MAX_CHOICES = 10  # choices in one question


def check_questions(questions: Any, path: str) -> list[Problem]:
    """Problems with a quiz's list of questions, each named by its path."""
    if not isinstance(questions, list) or not questions:
        return [Problem(path, "a quiz needs a non-empty list of questions")]
    if len(questions) > MAX_QUESTIONS:
        return [Problem(path, f"at most {MAX_QUESTIONS} questions")]
    problems = []
    for i, question in enumerate(questions):
        qpath = f"{path}[{i}]"
        if not isinstance(question, dict):
            problems.append(Problem(qpath, "must be a mapping with prompt, choices, answer"))
            continue
        problems += _check_question(question, qpath)
    return problems


def _check_question(question: dict, qpath: str) -> list[Problem]:
    problems = [
        Problem(f"{qpath}.{key}", f"unknown key (expected one of {', '.join(QUESTION_KEYS)})")
        for key in question
        if key not in QUESTION_KEYS
    ]
    if not isinstance(question.get("prompt"), str) or not question["prompt"].strip():
        problems.append(Problem(f"{qpath}.prompt", "must be the question, as text"))
    choices = question.get("choices")
    if (
        not isinstance(choices, list)
        or not 2 <= len(choices) <= MAX_CHOICES
        or not all(isinstance(c, str | int | float) and str(c).strip() for c in choices)
    ):
        problems.append(Problem(f"{qpath}.choices", f"must be a list of 2 to {MAX_CHOICES} texts"))
        return problems
    answer = question.get("answer")
    if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(choices):
        problems.append(
            Problem(
                f"{qpath}.answer",
                f"must be the index of the right choice (0 to {len(choices) - 1})",
            )
        )
    if not isinstance(question.get("explain", ""), str):
        problems.append(Problem(f"{qpath}.explain", "must be a text"))
    return problems


def quiz_answers(submission: Any, count: int) -> list[int | None]:
    """The chosen indexes of a quiz submission; SubmissionError for malformed answers."""
    answers = (submission or {}).get("answers", []) if isinstance(submission, dict) else None
    if not isinstance(answers, list):
        raise SubmissionError({"answers": "must be a list of chosen answers"})
    if len(answers) > count:
        raise SubmissionError({"answers": f"this quiz has {count} questions"})
    out: list[int | None] = []
    for i, answer in enumerate(answers):
        if answer is None or answer == "":
            out.append(None)
        elif isinstance(answer, int) and not isinstance(answer, bool):
            out.append(answer)
        elif isinstance(answer, str) and answer.isascii() and answer.isdigit() and len(answer) < 5:
            out.append(int(answer))  # ("¹".isdigit() is true, and int() refuses it)
        else:
            raise SubmissionError({f"answers[{i}]": "choose one of the answers"})
    return out + [None] * (count - len(out))


def grade_quiz(questions: list[dict], submission: Any) -> list[GoalResult]:
    answers = quiz_answers(submission, len(questions))
    results = []
    for i, (question, answer) in enumerate(zip(questions, answers, strict=True)):
        goal = {"check": "quiz", "question": i}
        label = f"Question {i + 1}"
        explain = str(question.get("explain") or "").strip()
        if answer is None:
            message = f"Question {i + 1} is not answered yet: {question['prompt']}"
            results.append(GoalResult(i, goal, label, False, message, "unanswered"))
        elif answer == question["answer"]:
            message = f"Right: {explain}" if explain else "Right."
            results.append(GoalResult(i, goal, label, True, message, None))
        elif not 0 <= answer < len(question["choices"]):
            raise SubmissionError({f"answers[{i}]": "choose one of the answers"})
        else:
            chosen = question["choices"][answer]
            message = f"Not quite: “{chosen}” is not the answer to “{question['prompt']}”."
            results.append(GoalResult(i, goal, label, False, message, "wrong-answer"))
    return results


class QuizForm(forms.Form):
    """One radio group per question; the value is the chosen choice's index."""

    def __init__(self, *args: Any, questions: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for i, question in enumerate(questions):
            self.fields[f"q{i}"] = forms.TypedChoiceField(
                label=question.get("prompt", f"Question {i + 1}"),
                choices=[(str(k), str(c)) for k, c in enumerate(question.get("choices", []))],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def submission(self) -> dict:
        return {"answers": [self.cleaned_data.get(f"q{i}") for i in range(len(self.questions))]}

    @staticmethod
    def initial_from(saved: Any) -> dict:
        answers = saved if isinstance(saved, list) else []
        return {f"q{i}": str(a) for i, a in enumerate(answers) if a is not None}


class PostedAnswers(ExerciseForm):
    """The answers a learner posted; a bad one is said above the results (earlier results
    stay on the page)."""

    invalid_message = "Choose one of the answers for each question."

    def __init__(self, form: QuizForm) -> None:
        self.form = form

    @property
    def context(self) -> dict[str, Any]:
        return {"quiz_form": self.form}

    def is_valid(self) -> bool:
        return self.form.is_valid()

    def submission(self) -> dict:
        return self.form.submission()

    def attach_errors(self, errors: Mapping[str, str]) -> dict[str, Any]:
        return {"submission_error": "; ".join(errors.values())}


class QuizKind(Kind):
    name = "quiz"
    label = "Quiz"
    spec_keys = ("questions",)
    solution_key = "answers"
    solution_required = False
    submission_key = "answers"
    template = "lessons/lesson.html#quiz"

    def check_shape(self, spec: dict, path: str) -> list[Problem]:
        problems = [
            Problem(f"{path}.{key}", "a quiz has questions, not a scenario and goals")
            for key in ("scenario", "goals")
            if spec.get(key)
        ]
        return problems + check_questions(spec.get("questions"), f"{path}.questions")

    def validate(self, spec: dict, path: str) -> list[Problem]:
        """A solution, when given, agrees with the questions' answer key."""
        questions = spec["questions"]
        answers = (spec.get("solution") or {}).get("answers")
        if answers is None:
            return []
        if not isinstance(answers, list) or len(answers) != len(questions):
            return [Problem(f"{path}.solution.answers", f"must list {len(questions)} answers")]
        return [
            Problem(
                f"{path}.solution.answers[{i}]",
                f"is {answer!r} but questions[{i}].answer is {question['answer']!r}",
            )
            for i, (answer, question) in enumerate(zip(answers, questions, strict=True))
            if answer != question["answer"]
        ]

    def to_fields(self, spec: dict) -> dict:
        return {"scenario": {}, "goals": [], "extra": {"questions": spec.get("questions", [])}}

    def from_fields(self, *, scenario: Any, goals: Any, extra: Any) -> dict:
        return {"questions": (extra or {}).get("questions", [])}

    def goal_labels(self, spec: dict) -> list[str]:
        return [f"Question {i + 1}" for i in range(len(spec["questions"]))]

    def grade(self, spec: dict, *, submission: Any = None, network: Any = None) -> Grade:
        return Grade(grade_quiz(spec["questions"], submission))

    def solution_submission(self, spec: dict) -> dict:
        """The solution's answers, else the questions' answer key."""
        answers = (spec.get("solution") or {}).get("answers")
        if answers is None:
            answers = [q.get("answer") for q in spec.get("questions", [])]
        return {"answers": answers}

    def goal_checks(self, spec: dict) -> GoalChecks:
        try:
            solved = grade_quiz(spec["questions"], self.solution_submission(spec))
        except SubmissionError:
            solved = []
        start = grade_quiz(spec["questions"], {"answers": []})
        return GoalChecks(self.goal_labels(spec), start, solved)

    def page_context(self, *, spec: dict, view: Any, host: str, extra: dict) -> dict:
        if "quiz_form" in extra:
            return {}
        saved = QuizForm.initial_from(view.rows.get("answers"))
        return {"quiz_form": QuizForm(initial=saved, questions=spec["questions"])}

    def bound_form(self, spec: dict, data: Any) -> PostedAnswers:
        return PostedAnswers(QuizForm(data, questions=spec["questions"]))


KIND = QuizKind()
