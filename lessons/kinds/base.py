"""What every exercise kind is, and the values validation and grading give back.

A kind (``terminal``, ``routes``, ``dns``, ``quiz``) is one small object, registered by its
name in ``lessons.kinds``; everything that differs between kinds is a method or an attribute
here, so that no other module needs to ask which kind an exercise is. Nothing here touches the
database: a kind works on the ``exercise`` mapping of a lesson file (its "spec").
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

# -- values --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason an exercise is invalid; ``path`` names the field."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ExerciseInvalid(Exception):
    """An exercise mapping failed validation; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class SubmissionError(Exception):
    """A learner's input cannot be applied; ``errors`` maps a field path to its message.

    Paths: ``routes.A[2]``, ``records.example.com[0]``, ``answers[1]``, or the kind's key alone
    (``routes``) for the whole submission. A form shows each message beside its row.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True, slots=True)
class GoalResult:
    index: int
    goal: dict
    label: str
    passed: bool
    message: str
    cause: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Grade:
    results: list[GoalResult] = field(default_factory=list)

    @property
    def score(self) -> int:
        """Percent of goals passed, rounded down so that 100 means every goal."""
        if not self.results:
            return 0
        return 100 * sum(r.passed for r in self.results) // len(self.results)

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)


@dataclass(frozen=True, slots=True)
class GoalChecks:
    """For the authoring page's "Validate": per goal, its label, and the starting state's and
    the solution's results (shorter lists where a network could not be built)."""

    labels: list[str]
    start: list[GoalResult]
    solved: list[GoalResult]


# -- the learner's form on the lesson page -------------------------------------------------------


class ExerciseForm(ABC):
    """What the "Check my work" view needs of a kind's posted form, whatever its fields.

    ``context`` is merged into the lesson page's context (the bound form under the name the
    kind's template uses). ``add_row``: the post only asked for one more row (nothing is
    graded). The view calls ``is_valid()``, then ``submission()``; a ``SubmissionError`` from
    grading goes back through ``attach_errors``.
    """

    add_row: bool = False
    # The partials redrawn beside "check-results" (out of band) after a check.
    oob_partials: ClassVar[tuple[str, ...]] = ()
    # The partial that answers an htmx "add a row" post.
    rows_partial: ClassVar[str] = ""
    # What the page says when the form is not valid, and whether earlier results stay on it.
    invalid_message: ClassVar[str] = ""
    clear_results_when_invalid: ClassVar[bool] = False

    @property
    @abstractmethod
    def context(self) -> dict[str, Any]:
        raise NotImplementedError

    @abstractmethod
    def is_valid(self) -> bool:
        raise NotImplementedError

    @abstractmethod
    def submission(self) -> dict:
        raise NotImplementedError

    @abstractmethod
    def attach_errors(self, errors: Mapping[str, str]) -> dict[str, Any]:
        """Show grading's errors on the form; returns what to add to the page's context."""
        raise NotImplementedError


# -- the kind ------------------------------------------------------------------------------------


class Kind(ABC):
    """One kind of exercise. Subclasses set the class attributes and implement the abstract
    methods; ``lessons.kinds.register`` makes one known by name."""

    name: ClassVar[str]  # the lesson file's ``kind``
    label: ClassVar[str]  # how the admin and the authoring pages name it
    # The keys of the exercise mapping that are the kind's own (besides kind, prompt, solution
    # and hints, which every kind has): ``scenario``, ``goals``; a quiz's ``questions``.
    spec_keys: ClassVar[tuple[str, ...]]
    # The one key a solution mapping has (``solution: {commands: ...}``), and whether the
    # lesson file must give it (a quiz's answer key is in its questions).
    solution_key: ClassVar[str]
    solution_required: ClassVar[bool] = True
    # The key of the learner's input in a submission and in the workspace's state
    # (``{"routes": {...}}``); None when the learner has no form (the terminal).
    submission_key: ClassVar[str | None] = None
    # The learner types commands into a terminal: the command view accepts them, and grading
    # reads the workspace's network and log instead of a posted form.
    terminal: ClassVar[bool] = False
    # What the lesson page includes for the exercise: a template name ("lessons/lesson.html#
    # quiz") or a Template; it reads the context ``page_context`` gives.
    template: ClassVar[Any]

    # the lesson file's mapping

    @abstractmethod
    def check_shape(self, spec: dict, path: str) -> list[Problem]:
        """Problems with the kind's own keys (structure only, no simulator)."""
        raise NotImplementedError

    @abstractmethod
    def validate(self, spec: dict, path: str) -> list[Problem]:
        """Problems of a well-shaped mapping: the scenario loads, the solution passes..."""
        raise NotImplementedError

    @abstractmethod
    def to_fields(self, spec: dict) -> dict:
        """The model fields ``scenario``, ``goals`` and ``extra`` that hold the kind's keys."""
        raise NotImplementedError

    @abstractmethod
    def from_fields(self, *, scenario: Any, goals: Any, extra: Any) -> dict:
        """The kind's keys of the mapping, from the model fields (inverse of ``to_fields``)."""
        raise NotImplementedError

    # grading

    @abstractmethod
    def goal_labels(self, spec: dict) -> list[str]:
        """One label per graded goal, as the results and the per-goal statistics show it."""
        raise NotImplementedError

    @abstractmethod
    def grade(self, spec: dict, *, submission: Any = None, network: Any = None) -> Grade:
        """Grade a submission (or, for a terminal, ``network``: the workspace's); raises
        SubmissionError for input that cannot apply."""
        raise NotImplementedError

    def solution_submission(self, spec: dict) -> dict:
        """The solution in the shape a learner submits."""
        solution = spec.get("solution") or {}
        return {self.solution_key: solution.get(self.solution_key, {})}

    @abstractmethod
    def goal_checks(self, spec: dict) -> GoalChecks:
        """Per goal, the starting state's and the solution's results (the authoring page's
        "Validate"), without raising: what fails is the validation problems' to say."""
        raise NotImplementedError

    # the learner's workspace and page

    def fresh_state(self, spec: dict) -> dict:
        """A workspace's state before the learner did anything."""
        return {}

    def page_context(self, *, spec: dict, view: Any, host: str, extra: dict) -> dict:
        """What ``template`` shows: ``view`` is the learner's workspace
        (``selectors.WorkspaceView``), ``host`` the terminal tab asked for, ``extra`` what the
        view already computed (a bound form after a post)."""
        return {}

    def bound_form(self, spec: dict, data: Any) -> ExerciseForm | None:
        """The learner's posted form (None for a kind without one)."""
        return None
