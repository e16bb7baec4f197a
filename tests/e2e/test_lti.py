"""The LTI 1.3 flows in a real browser (issue 19's "done when"): a teacher adds a lesson from
the LMS through Deep Linking, a student launches it without a NetLearn password, passes it, and
the score appears in the LMS's gradebook. The LMS is the test platform (tests/lti_platform.py)
on 127.0.0.1; NetLearn is the live server on localhost, so every hop between them is cross-site,
as in production, and the browser enforces NetLearn's CSP (no inline script, form-action)."""

from __future__ import annotations

import sys
from pathlib import Path

import jwt
import pytest
from django.core.management import call_command
from lti_platform import CLIENT_ID, DEPLOYMENT_ID, INSTRUCTOR, LTI, Platform
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from learner_data import make_course

pytestmark = pytest.mark.django_db(transaction=True)

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
FIX = "ip route add 192.165.2.0/24 via 192.165.1.1"


@pytest.fixture
def lms(transactional_db):
    from lti import keys

    platform = Platform().start()
    call_command(
        "ltiregister",
        issuer=platform.issuer,
        client_id=CLIENT_ID,
        deployment_id=[DEPLOYMENT_ID],
        auth_login_url=f"{platform.url}/auth",
        auth_token_url=f"{platform.url}/token",
        keyset_url=f"{platform.url}/jwks",
        name="Test LMS",
        stdout=sys.stderr,
    )
    platform.tool_jwks = keys.jwks()
    yield platform
    platform.stop()


def start_launch(page: Page, live_server, lms: Platform, target: str) -> None:
    """What the LMS does when someone clicks the activity: third-party login initiation."""
    query = (
        f"iss={lms.issuer}&login_hint=u&client_id={CLIENT_ID}"
        f"&lti_deployment_id={DEPLOYMENT_ID}&target_link_uri={target}"
    )
    page.goto(f"{live_server.url}/lti/login/?{query}")


def deep_linking_claims(lms: Platform, launch_url: str) -> dict:
    return {
        "sub": "teacher-1",
        f"{LTI}message_type": "LtiDeepLinkingRequest",
        f"{LTI}roles": [INSTRUCTOR],
        f"{LTI}target_link_uri": launch_url,
        f"{LTI}resource_link": None,
        f"{DL}deep_linking_settings": {
            "deep_link_return_url": f"{lms.url}/deep_links",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["window"],
        },
    }


def test_a_teacher_adds_a_lesson_and_a_students_score_reaches_the_lms(page: Page, live_server, lms):
    course = make_course()
    launch_url = f"{live_server.url}/lti/launch/"

    # The teacher, in the LMS, asks for NetLearn content (Deep Linking).
    lms.next_claims = deep_linking_claims(lms, launch_url)
    start_launch(page, live_server, lms, launch_url)
    expect(page.get_by_role("heading", name="Add NetLearn content to Test LMS")).to_be_visible()
    page.get_by_label("Routing between networks").check()
    page.get_by_role("button", name="Add to the LMS").click()
    # autosubmit.js posts the signed response back to the LMS without a click.
    expect(page.get_by_role("heading", name="Content added")).to_be_visible()
    [response] = lms.deep_link_responses
    [item] = jwt.decode(response, options={"verify_signature": False})[f"{DL}content_items"]
    lesson_url = item["url"]
    assert lesson_url == f"{live_server.url}/courses/{course.slug}/routing-between-networks/"

    # A student opens the activity the LMS made from it: no NetLearn password asked.
    page.context.clear_cookies()
    lms.next_claims = {f"{LTI}target_link_uri": lesson_url}
    start_launch(page, live_server, lms, lesson_url)
    expect(page.get_by_role("heading", level=1, name="Routing between networks")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    box = page.get_by_role("textbox", name="Command", exact=True)
    box.fill(FIX)
    box.press("Enter")
    expect(page.get_by_role("log", name="Terminal output")).to_contain_text(FIX)
    page.get_by_role("button", name="Check my work").click()
    expect(page.get_by_text("Lesson complete.")).to_be_visible()

    # The LMS gradebook has the score.
    [score] = lms.scores
    assert (score["scoreGiven"], score["scoreMaximum"]) == (100, 100)
    assert score["userId"] == "learner-1" and score["activityProgress"] == "Completed"


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_picker_and_the_lms_page_pass_axe(browser, live_server, lms):
    make_course()
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)  # to inject axe
    context.set_default_timeout(10_000)
    page = context.new_page()
    lms.next_claims = deep_linking_claims(lms, f"{live_server.url}/lti/launch/")
    start_launch(page, live_server, lms, f"{live_server.url}/lti/launch/")
    expect(page.get_by_role("button", name="Add to the LMS")).to_be_visible()
    assert serious_violations(page) == []
    page.goto("/lti/config/")  # the teacher is a NetLearn instructor now
    expect(page.get_by_role("table", name="Tool URLs")).to_be_visible()
    assert serious_violations(page) == []
    context.close()
