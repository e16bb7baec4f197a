"""A complete LTI 1.3 launch against the test platform, and every way a launch is refused."""

from __future__ import annotations

import html
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from lti_browser import launch, login_initiation
from lti_platform import INSTRUCTOR, LTI, rsa_key

from instructors.models import Classroom
from lti.models import LmsAccount, Nonce

pytestmark = pytest.mark.django_db


def lesson_url(lesson) -> str:
    return "http://testserver" + reverse("lesson", args=[lesson.course.slug, lesson.slug])


def logged_in_user(client):
    return client.session.get("_auth_user_id")


def test_a_learner_lands_on_the_lesson_logged_in_without_a_password(
    client, lms, registration, terminal
):
    response = launch(client, lms, target=lesson_url(terminal))
    assert response.status_code == 302
    assert response["Location"] == reverse("lesson", args=[terminal.course.slug, terminal.slug])
    account = LmsAccount.objects.get(issuer=lms.issuer, sub="learner-1")
    user = account.user
    assert logged_in_user(client) == str(user.pk)
    assert not user.has_usable_password()
    assert (user.first_name, user.email) == ("Ada", "ada@school.example")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Routing between networks" in page.content.decode()
    assert f"Signed in as <strong>{user.username}</strong>" in page.content.decode()
    # The LMS course became a class of the lesson's course, with the learner in it.
    classroom = Classroom.objects.get(lms_context__context_id="course-101")
    assert classroom.course == terminal.course and classroom.name == "Networking 101"
    assert classroom.memberships.filter(learner=user).exists()


def test_the_same_lms_user_gets_the_same_account_on_every_launch(
    client, lms, registration, terminal
):
    launch(client, lms, target=lesson_url(terminal))
    client.logout()
    launch(client, lms, target=lesson_url(terminal))
    assert LmsAccount.objects.count() == 1
    assert get_user_model().objects.filter(lms_accounts__sub="learner-1").count() == 1


def test_login_initiation_also_accepts_post(client, lms, registration, terminal):
    auth = login_initiation(client, lms, target=lesson_url(terminal), method="post")
    assert auth["response_type"] == "id_token" and auth["scope"] == "openid"
    assert auth["lti_message_hint"] == "message-hint-1"
    assert Nonce.objects.filter(value=auth["nonce"]).exists()


def test_a_course_link_opens_the_learners_next_lesson(client, lms, registration, course):
    target = "http://testserver" + reverse("lti:course", args=[course.slug])
    response = launch(client, lms, target=target)
    first = course.lessons.order_by("order").first()
    assert client.get(response["Location"])["Location"] == reverse(
        "lesson", args=[course.slug, first.slug]
    )


def test_an_instructor_teaches_that_lms_class_only(client, lms, registration, terminal):
    # A learner's launch from another LMS course made that course's class first.
    launch(
        client,
        lms,
        target=lesson_url(terminal),
        sub="learner-9",
        **{f"{LTI}context": {"id": "course-202", "title": "Other course"}},
    )
    client.logout()
    lms.members = []
    response = launch(
        client, lms, target=lesson_url(terminal), sub="teacher-1", **{f"{LTI}roles": [INSTRUCTOR]}
    )
    assert response.status_code == 302
    teacher = LmsAccount.objects.get(sub="teacher-1").user
    assert teacher.groups.filter(name="instructors").exists()
    mine = Classroom.objects.get(lms_context__context_id="course-101")
    other = Classroom.objects.get(lms_context__context_id="course-202")
    assert list(mine.co_instructors.all()) == [teacher]
    assert mine.instructor != teacher  # the LMS's service account owns it
    assert not other.co_instructors.filter(pk=teacher.pk).exists()
    assert not mine.memberships.filter(learner=teacher).exists()
    # What NetLearn's instructor pages show follow: their class, not the other one.
    assert client.get(reverse("instructors:class", args=[mine.pk])).status_code == 200
    assert client.get(reverse("instructors:class", args=[other.pk])).status_code == 404


def test_the_tool_publishes_its_public_keys(client, registration):
    keys = client.get(reverse("lti:jwks")).json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert "d" not in keys[0]  # no private part


# -- refusals --------------------------------------------------------------------------------------


def assert_refused(response, client, text: str, status: int = 403) -> None:
    body = response.content.decode()
    assert response.status_code == status, body
    assert "This LMS link could not be opened" in body
    assert text in body
    assert logged_in_user(client) is None


def test_a_token_signed_by_another_key_is_refused(client, lms, registration, terminal):
    response = launch(client, lms, target=lesson_url(terminal), key=rsa_key())
    assert_refused(response, client, "Signature verification failed")


def test_a_token_for_another_tool_is_refused(client, lms, registration, terminal):
    response = launch(client, lms, target=lesson_url(terminal), aud="another-tool")
    assert_refused(response, client, "not addressed to NetLearn")


def test_a_token_naming_another_authorised_party_is_refused(client, lms, registration, terminal):
    response = launch(
        client,
        lms,
        target=lesson_url(terminal),
        aud=["netlearn-client", "another-tool"],
        azp="another-tool",
    )
    assert_refused(response, client, "not addressed to NetLearn")


def test_an_expired_token_is_refused(client, lms, registration, terminal):
    past = int(time.time()) - 3600
    response = launch(client, lms, target=lesson_url(terminal), iat=past - 60, exp=past)
    assert_refused(response, client, "Signature has expired")


def test_a_token_without_expiry_is_refused(client, lms, registration, terminal):
    response = launch(client, lms, target=lesson_url(terminal), exp=None)
    assert_refused(response, client, "exp")


def test_a_replayed_launch_is_refused(client, lms, registration, terminal):
    first = launch(client, lms, target=lesson_url(terminal))
    assert first.status_code == 302
    state_cookie = client.cookies[f"lti1p3-{first.state}"].value
    client.logout()  # a new browser session, holding the state cookie an attacker copied
    client.cookies[f"lti1p3-{first.state}"] = state_cookie
    replay = client.post(reverse("lti:launch"), {"id_token": first.id_token, "state": first.state})
    assert_refused(replay, client, "already used")


def test_an_unknown_deployment_is_refused(client, lms, registration, terminal):
    response = launch(
        client, lms, target=lesson_url(terminal), **{f"{LTI}deployment_id": "deployment-x"}
    )
    assert_refused(response, client, "Unable to find deployment")


def test_a_wrong_lti_version_is_refused(client, lms, registration, terminal):
    response = launch(client, lms, target=lesson_url(terminal), **{f"{LTI}version": "1.1"})
    assert_refused(response, client, "Incorrect version")


def test_an_unknown_message_type_is_refused(client, lms, registration, terminal):
    response = launch(
        client, lms, target=lesson_url(terminal), **{f"{LTI}message_type": "LtiMadeUpRequest"}
    )
    assert_refused(response, client, "Unrecognized message type")


def test_a_launch_without_the_login_state_is_refused(client, lms, registration, terminal):
    response = launch(client, lms, target=lesson_url(terminal), state="state-forged")
    assert_refused(response, client, "State not found")


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"state": "x"},
        {"state": "x", "id_token": "not-a-jwt"},
        {"state": "x", "id_token": "a.b.c"},
        {"state": "x", "id_token": "W10.W10.c2ln"},  # header and body are JSON lists
    ],
)
def test_malformed_launches_get_a_page_not_a_500(client, registration, form):
    client.cookies["lti1p3-x"] = "x"  # the state cookie pylti1p3 would look for
    response = client.post(reverse("lti:launch"), form)
    assert response.status_code in (400, 403)
    assert "This LMS link could not be opened" in response.content.decode()


def test_a_login_from_an_unknown_lms_is_refused(client, registration):
    response = client.get(
        reverse("lti:login"), {"iss": "https://unknown.example", "login_hint": "x"}
    )
    assert response.status_code == 400
    assert "registration" in response.content.decode()


def test_launch_answers_post_only(client, registration):
    assert client.get(reverse("lti:launch")).status_code == 405


def test_the_lms_keys_are_cached_and_fetched_again_when_it_rotates_them(
    client, lms, registration, terminal
):
    for _ in range(2):
        assert launch(client, lms, target=lesson_url(terminal)).status_code == 302
        client.logout()
    assert lms.jwks_fetches == 1  # cached
    lms.key, lms.kid = rsa_key(), "platform-key-2"  # the LMS rotates its key
    assert launch(client, lms, target=lesson_url(terminal)).status_code == 302
    assert lms.jwks_fetches == 2
    client.logout()
    # A made-up key id right after does not make NetLearn fetch the keys again.
    lms.key, lms.kid = rsa_key(), "made-up"
    response = launch(client, lms, target=lesson_url(terminal))
    assert_refused(response, client, "Unable to find public key")
    assert lms.jwks_fetches == 2


def test_a_token_issued_in_the_future_is_refused(client, lms, registration, terminal):
    later = int(time.time()) + 3600
    response = launch(client, lms, target=lesson_url(terminal), iat=later, exp=later + 300)
    assert_refused(response, client, "not yet valid")


def test_a_disabled_account_is_not_logged_in(client, lms, registration, terminal):
    launch(client, lms, target=lesson_url(terminal))
    user = LmsAccount.objects.get(sub="learner-1").user
    user.is_active = False
    user.save(update_fields=["is_active"])
    client.logout()
    response = launch(client, lms, target=lesson_url(terminal))
    assert_refused(response, client, "disabled")


def test_a_launch_to_an_unknown_page_lands_on_the_home_page(client, lms, registration, course):
    response = launch(client, lms, target="http://testserver/lti/launch/")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert logged_in_user(client) is not None


def test_a_launch_into_an_lms_iframe_opens_netlearn_in_a_new_window(
    client, lms, registration, terminal
):
    presentation = {f"{LTI}launch_presentation": {"document_target": "iframe"}}
    response = launch(client, lms, target=lesson_url(terminal), **presentation)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "X-Frame-Options" not in response
    assert f"frame-ancestors {lms.url}" in response["Content-Security-Policy"]
    link = html.unescape(re.search(r'href="(/lti/continue/\?ticket=[^"]+)"', page).group(1))
    assert 'target="_blank"' in page
    # The new window has none of the frame's cookies: the ticket logs the same user in.
    window = Client()
    opened = window.get(link)
    assert opened["Location"] == reverse("lesson", args=[terminal.course.slug, terminal.slug])
    assert window.session["_auth_user_id"] == str(LmsAccount.objects.get().user.pk)
    # Once only.
    again = Client().get(link)
    assert again.status_code == 400 and "already used" in again.content.decode()


def test_a_forged_window_ticket_is_refused(client):
    response = client.get(reverse("lti:continue"), {"ticket": "forged"})
    assert response.status_code == 400
    assert logged_in_user(client) is None


def test_a_login_without_client_id_finds_the_issuers_only_registration(client, lms, registration):
    params = {"iss": lms.issuer, "login_hint": "x", "target_link_uri": "http://testserver/"}
    assert client.get(reverse("lti:login"), params).status_code == 302
    # With two registrations for the issuer, the client id is needed to choose.
    registration.pk = None
    registration.client_id = "second-client"
    registration.save()
    refused = client.get(reverse("lti:login"), params)
    assert refused.status_code == 400
    assert "Could not find registration details" in refused.content.decode()


def test_an_lms_whose_keys_cannot_be_fetched_gets_a_clear_refusal(
    client, lms, registration, terminal
):
    registration.keyset_url = "http://127.0.0.1:9/jwks"  # nothing listens there
    registration.save()
    response = launch(client, lms, target=lesson_url(terminal))
    assert_refused(response, client, "public keys could not be fetched")
