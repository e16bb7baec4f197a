"""Deep Linking round trip: the LMS asks for content, a teacher picks a lesson, and the LMS gets
back a response JWT that verifies against NetLearn's JWKS and names that lesson."""

from __future__ import annotations

import html
import re

import jwt
import pytest
from django.urls import reverse
from lti_browser import launch
from lti_platform import CLIENT_ID, DEPLOYMENT_ID, INSTRUCTOR, LEARNER, LTI

pytestmark = pytest.mark.django_db

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LAUNCH_URL = "http://testserver/lti/launch/"


def deep_linking_claims(lms, *, roles=(INSTRUCTOR,), **settings) -> dict:
    return {
        f"{LTI}message_type": "LtiDeepLinkingRequest",
        f"{LTI}roles": list(roles),
        f"{LTI}resource_link": None,
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": None,
        "sub": "teacher-1",
        f"{DL}deep_linking_settings": {
            "deep_link_return_url": f"{lms.url}/deep_links",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": True,
            "data": "opaque-platform-data",
            **settings,
        },
    }


def hidden(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def test_a_teacher_picks_a_lesson_and_the_lms_gets_a_signed_link_to_it(
    client, lms, registration, terminal
):
    response = launch(client, lms, target=LAUNCH_URL, **deep_linking_claims(lms))
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Add NetLearn content to Test LMS" in page
    assert f'value="{terminal.pk}"' in page and "Routing between networks" in page
    # The picker may be shown in the LMS's frame, and only there.
    assert "X-Frame-Options" not in response
    assert f"frame-ancestors {lms.url}" in response["Content-Security-Policy"]

    chosen = client.post(
        reverse("lti:deep_link"), {"token": hidden(page, "token"), "lesson": [terminal.pk]}
    )
    back = chosen.content.decode()
    assert chosen.status_code == 200, back
    assert f'action="{lms.url}/deep_links"' in back
    assert "<script>" not in back and "lti/autosubmit.js" in back  # no inline script (CSP)
    assert f"form-action 'self' {lms.url}" in chosen["Content-Security-Policy"]

    tool_keys = {k["kid"]: k for k in client.get(reverse("lti:jwks")).json()["keys"]}
    token = hidden(back, "JWT")
    key = jwt.PyJWK(tool_keys[jwt.get_unverified_header(token)["kid"]]).key
    message = jwt.decode(token, key, algorithms=["RS256"], audience=lms.issuer)
    assert message["iss"] == CLIENT_ID
    assert message[f"{LTI}message_type"] == "LtiDeepLinkingResponse"
    assert message[f"{LTI}version"] == "1.3.0"
    assert message[f"{LTI}deployment_id"] == DEPLOYMENT_ID
    assert message[f"{DL}data"] == "opaque-platform-data"
    [item] = message[f"{DL}content_items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Routing between networks"
    assert item["url"] == "http://testserver" + reverse(
        "lesson", args=[terminal.course.slug, terminal.slug]
    )
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["window"] == {"targetName": "_blank"}  # NetLearn cannot be framed


def test_a_whole_course_can_be_linked(client, lms, registration, course):
    claims = deep_linking_claims(lms, data=None)
    page = launch(client, lms, target=LAUNCH_URL, **claims).content.decode()
    back = client.post(
        reverse("lti:deep_link"), {"token": hidden(page, "token"), "course": [course.pk]}
    ).content.decode()
    message = jwt.decode(hidden(back, "JWT"), options={"verify_signature": False})
    [item] = message[f"{DL}content_items"]
    assert f"{DL}data" not in message  # none asked, none invented
    assert item["url"] == "http://testserver" + reverse("lti:course", args=[course.slug])


def test_choosing_nothing_asks_again(client, lms, registration, course):
    page = launch(client, lms, target=LAUNCH_URL, **deep_linking_claims(lms)).content.decode()
    again = client.post(reverse("lti:deep_link"), {"token": hidden(page, "token")})
    assert again.status_code == 400
    assert "Choose at least one lesson or course." in again.content.decode()


def test_a_learner_cannot_pick_content(client, lms, registration, course):
    response = launch(client, lms, target=LAUNCH_URL, **deep_linking_claims(lms, roles=[LEARNER]))
    assert response.status_code == 403
    assert "Only the LMS course" in response.content.decode()


def test_a_forged_picker_form_is_refused(client, registration, terminal):
    response = client.post(reverse("lti:deep_link"), {"token": "forged", "lesson": [terminal.pk]})
    assert response.status_code == 400
    assert "did not come from an LMS launch" in response.content.decode()
