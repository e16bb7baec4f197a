"""Form labels name their field and nothing else: the required-field asterisk stays out of them.

crispy-bootstrap5 puts ``<span class="asteriskField">*</span>`` inside the ``<label>``, which
makes a screen reader say "Password star"; ``templates/bootstrap5/field.html`` moves it after the
label and hides it from assistive technology (the input's ``required`` attribute says it).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class _Labels(HTMLParser):
    """The text of every ``<label for=...>`` and the attributes of every input, by id."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}
        self.inputs: dict[str, dict[str, str | None]] = {}
        self._for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label" and found.get("for"):
            self._for = found["for"]
            self.labels[self._for] = ""
        elif tag in ("input", "select", "textarea") and found.get("id"):
            self.inputs[found["id"]] = found

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._for = None

    def handle_data(self, data: str) -> None:
        if self._for:
            self.labels[self._for] += data


def _labels(client, url: str) -> _Labels:
    response = client.get(url)
    assert response.status_code == 200
    parser = _Labels()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/accounts/signup/",
            {
                "id_username": "Username",
                "id_password1": "Password",
                "id_password2": "Password confirmation",
            },
        ),
        ("/accounts/login/", {"id_username": "Username", "id_password": "Password"}),
    ],
)
def test_account_form_labels_are_the_bare_field_names(client, url, expected):
    page = _labels(client, url)
    for field_id, label in expected.items():
        assert page.labels[field_id].strip() == label
        assert "required" in page.inputs[field_id]


def test_password_change_labels_are_the_bare_field_names(learner_client):
    page = _labels(learner_client, "/accounts/password/")
    assert page.labels["id_old_password"].strip() == "Old password"
    assert page.labels["id_new_password1"].strip() == "New password"
    assert page.labels["id_new_password2"].strip() == "New password confirmation"


@pytest.mark.parametrize(
    ("url", "field_id", "label"),
    [
        ("/author/courses/new/", "id_title", "Title"),
        ("/author/classes/", "id_name", "Class name"),
        ("/join/", "id_code", "Join code"),
    ],
)
def test_instructor_and_class_form_labels_carry_no_asterisk(
    instructor_client, url, field_id, label
):
    page = _labels(instructor_client, url)
    assert page.labels[field_id].strip() == label
    assert all("*" not in text for text in page.labels.values())


def test_the_asterisk_is_still_shown_but_hidden_from_screen_readers(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<span class="asteriskField" aria-hidden="true">*</span>' in body
    assert '<span class="asteriskField">' not in body
