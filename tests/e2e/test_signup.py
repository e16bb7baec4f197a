"""A new learner signs up in a real browser and is signed in."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_learner_signs_up_and_sees_their_name(signed_up_page):
    page = signed_up_page
    assert page.get_by_text("Signed in as").is_visible()
    assert page.get_by_text("e2e-learner").first.is_visible()


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_sign_up_fields_are_named_without_the_required_asterisk(page):
    page.goto("/accounts/signup/")
    password = page.get_by_label("Password", exact=True)
    assert password.get_attribute("id") == "id_password1"
    assert page.get_by_role("textbox", name="Password confirmation", exact=True).count() == 1
    assert page.get_by_label("Password*").count() == 0
    # the asterisk is still drawn for sighted users
    assert page.locator(".asteriskField").first.is_visible()
