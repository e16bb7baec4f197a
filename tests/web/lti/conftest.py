"""The test platform (lti_platform.py) on loopback, and NetLearn registered with it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from lti_platform import CLIENT_ID, DEPLOYMENT_ID, Platform

from lti import keys
from lti.models import Registration


@pytest.fixture
def lms():
    platform = Platform().start()
    yield platform
    platform.stop()


@pytest.fixture
def registration(db, lms) -> Registration:
    cache.clear()  # no keys or tokens of an earlier test's platform
    call_command(
        "ltiregister",
        issuer=lms.issuer,
        client_id=CLIENT_ID,
        deployment_id=[DEPLOYMENT_ID],
        auth_login_url=f"{lms.url}/auth",
        auth_token_url=f"{lms.url}/token",
        keyset_url=f"{lms.url}/jwks",
        name="Test LMS",
        stdout=open("/dev/null", "w"),  # noqa: SIM115 - closed with the process
    )
    lms.tool_jwks = keys.jwks()
    return Registration.objects.get(issuer=lms.issuer)
