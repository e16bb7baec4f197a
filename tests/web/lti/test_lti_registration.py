"""Registering an LMS (``ltiregister``, the admin) and the configuration page an LMS
administrator copies the tool's URLs from."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lti.models import Deployment, Registration

pytestmark = pytest.mark.django_db

ARGS = {
    "issuer": "https://moodle.school.example",
    "client_id": "abc123",
    "deployment_id": ["1"],
    "auth_login_url": "https://moodle.school.example/mod/lti/auth.php",
    "auth_token_url": "https://moodle.school.example/mod/lti/token.php",
    "keyset_url": "https://moodle.school.example/mod/lti/certs.php",
    "name": "School Moodle",
}


def register(**changes) -> str:
    out = io.StringIO()
    call_command("ltiregister", stdout=out, **{**ARGS, **changes})
    return out.getvalue()


def test_ltiregister_registers_once_and_prints_the_tools_urls():
    output = register()
    assert "Registered School Moodle" in output
    assert "/lti/login/" in output and "/lti/launch/" in output and "/lti/jwks/" in output
    register()  # idempotent
    register(deployment_id=["2"])  # adds a deployment
    registration = Registration.objects.get()
    assert registration.client_id == "abc123"
    assert sorted(Deployment.objects.values_list("deployment_id", flat=True)) == ["1", "2"]


def test_ltiregister_refuses_a_bad_url():
    with pytest.raises(CommandError, match="keyset_url"):
        register(keyset_url="not a url")
    assert not Registration.objects.exists()


def test_the_command_line_form_of_ltiregister_works():
    out = io.StringIO()
    call_command(
        "ltiregister",
        "--issuer=https://canvas.instructure.com",
        "--client-id=10000000000001",
        "--deployment-id=7:abc",
        "--auth-login-url=https://sso.canvaslms.com/api/lti/authorize_redirect",
        "--auth-token-url=https://sso.canvaslms.com/login/oauth2/token",
        "--keyset-url=https://sso.canvaslms.com/api/lti/security/jwks",
        stdout=out,
    )
    assert Registration.objects.get().name == "https://canvas.instructure.com"


def test_instructors_see_the_urls_to_give_the_lms(instructor_client):
    page = instructor_client.get(reverse("lti:config")).content.decode()
    for path in ("/lti/login/", "/lti/launch/", "/lti/jwks/"):
        assert f"http://testserver{path}" in page
    dashboard = instructor_client.get(reverse("instructors:dashboard")).content.decode()
    assert f'href="{reverse("lti:config")}"' in dashboard


def test_learners_cannot_open_the_lms_configuration(learner_client):
    assert learner_client.get(reverse("lti:config")).status_code == 403


def test_staff_register_an_lms_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:lti_registration_add"),
        {
            "name": "Canvas",
            "issuer": "https://canvas.instructure.com",
            "client_id": "10000000000001",
            "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "auth_audience": "",
            "keyset_url": "https://sso.canvaslms.com/api/lti/security/jwks",
            "active": "on",
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-0-deployment_id": "7:abc",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Deployment.objects.get().registration.name == "Canvas"
