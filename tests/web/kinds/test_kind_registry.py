"""The registry of kinds: each kind found by name, and a new kind is one module's worth of code.

The "address" kind below stands for a fifth kind: it is defined and registered here, in the
test, and nothing else in the app changes, yet lesson files with it validate, load, show on the
lesson page, keep the learner's input and are graded.
"""

from __future__ import annotations

import copy
import shlex

import pytest
from django import forms
from django.template import Template
from django.urls import reverse
from exercise_specs import make_lesson, spec

from lessons import exercises, kinds
from lessons.kinds.base import ExerciseForm, Problem, SubmissionError
from lessons.kinds.network import NetworkKind, starting_network
from lessons.models import Attempt, Exercise, Workspace

# -- the built-in kinds ---------------------------------------------------------------------------


def test_each_kind_of_the_lesson_file_format_is_registered_by_its_name():
    assert kinds.names() == ["terminal", "routes", "dns", "quiz"]
    for name in kinds.names():
        assert kinds.get_kind(name).name == name


def test_an_unknown_kind_is_named_in_the_error():
    with pytest.raises(kinds.UnknownKind, match="no exercise kind is called 'essay'"):
        kinds.get_kind("essay")


def test_a_lesson_file_with_an_unknown_kind_lists_the_known_ones():
    problems = exercises.validate_exercise({**spec("terminal"), "kind": "essay"})
    assert problems == [
        Problem("exercise.kind", "must be one of terminal, routes, dns, quiz, not 'essay'")
    ]


def test_an_unknown_key_is_named_with_every_kinds_keys_in_the_lesson_files_order():
    problems = exercises.check_shape({**spec("routes"), "goal": []})
    assert problems == [
        Problem(
            "exercise.goal",
            "unknown key (expected one of kind, prompt, scenario, goals, questions, solution, "
            "hints)",
        )
    ]


def test_the_models_kind_choices_are_the_registrys():
    field = Exercise._meta.get_field("kind")
    assert list(field.choices) == [
        ("terminal", "Terminal"),
        ("routes", "Routing table"),
        ("dns", "DNS records"),
        ("quiz", "Quiz"),
    ]


# -- a fifth kind ----------------------------------------------------------------------------------

ADDRESS_SCENARIO = {
    "segments": ["lan"],
    "hosts": {
        "A": {"interfaces": {"eth0": {"segment": "lan"}}},
        "B": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.2/24"}}},
    },
}
ADDRESS = {
    "kind": "address",
    "prompt": "Give A an address on B's network.",
    "scenario": ADDRESS_SCENARIO,
    "goals": [{"check": "reachable", "from": "A", "to": "10.0.0.2"}],
    "solution": {"address": "10.0.0.1/24"},
}


class AddressForm(forms.Form):
    address = forms.CharField(label="Address of A", max_length=40, required=False)


class PostedAddress(ExerciseForm):
    invalid_message = "Type an address with its prefix."
    clear_results_when_invalid = True

    def __init__(self, form: AddressForm) -> None:
        self.form = form

    @property
    def context(self) -> dict:
        return {"address_form": self.form}

    def is_valid(self) -> bool:
        return self.form.is_valid()

    def submission(self) -> dict:
        return {"address": self.form.cleaned_data["address"]}

    def attach_errors(self, errors) -> dict:
        return {"submission_error": "; ".join(errors.values())}


class AddressKind(NetworkKind):
    """The learner types one address for A's eth0."""

    name = "address"
    label = "An address"
    solution_key = "address"
    submission_key = "address"
    template = Template(
        '<form method="post" action="{{ urls.check }}">{% csrf_token %}{{ address_form }}'
        '<button type="submit">Check my work</button></form>'
    )

    def network(self, spec, *, submission=None, network=None):
        net = starting_network(spec)
        address = (submission or {}).get("address") or ""
        if address:
            result = net.run("A", "ip addr add " + shlex.join([address, "dev", "eth0"]))
            if result.status:
                raise SubmissionError({"address": result.output.strip()})
        return net

    def solved_network(self, spec, path):
        try:
            return self.network(spec, submission=self.solution_submission(spec)), []
        except SubmissionError as exc:
            return None, [Problem(f"{path}.address", exc.errors["address"])]

    def page_context(self, *, spec, view, host, extra):
        if "address_form" in extra:
            return {}
        return {"address_form": AddressForm(initial={"address": view.rows.get("address", "")})}

    def bound_form(self, spec, data):
        return PostedAddress(AddressForm(data))


@pytest.fixture
def address_kind():
    kind = kinds.register(AddressKind())
    yield kind
    kinds.unregister(kind.name)


def test_a_registered_kind_validates_with_its_own_rules(address_kind):
    assert exercises.validate_exercise(copy.deepcopy(ADDRESS)) == []
    bad = {**copy.deepcopy(ADDRESS), "solution": {"address": "10.0.0.300/24"}}
    assert exercises.validate_exercise(bad) == [
        Problem(
            "exercise.solution.address",
            'Error: any valid prefix is expected rather than "10.0.0.300/24".',
        )
    ]
    wrong_key = {**copy.deepcopy(ADDRESS), "solution": {"commands": {}}}
    assert Problem(
        "exercise.solution.commands", "unknown key (a address solution has 'address')"
    ) in exercises.validate_exercise(wrong_key)


def test_a_lesson_of_a_registered_kind_is_shown_kept_and_graded(address_kind, learner_client):
    lesson = make_lesson(exercise=copy.deepcopy(ADDRESS), slug="an-address")
    assert lesson.exercise.kind == "address"
    page = reverse("lesson", args=[lesson.course.slug, lesson.slug])
    check = reverse("lesson_check", args=[lesson.course.slug, lesson.slug])

    html = learner_client.get(page).content.decode()
    assert "Address of A" in html and "Give A an address on B" in html

    response = learner_client.post(check, {"address": "10.0.9.1/24"})
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert not attempt.passed and attempt.submitted == {"address": "10.0.9.1/24"}
    assert 'value="10.0.9.1/24"' in learner_client.get(page).content.decode()

    learner_client.post(check, {"address": "10.0.0.1/24"})
    assert Attempt.objects.latest("pk").passed
    assert Workspace.objects.get().state == {"address": "10.0.0.1/24"}

    html = learner_client.post(check, {"address": "nonsense"}, HTTP_HX_REQUEST="true").content
    assert "any valid prefix is expected" in html.decode()
    assert Attempt.objects.count() == 2  # nothing graded
