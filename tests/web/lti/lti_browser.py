"""The test plays the browser between the platform (lti_platform.py) and NetLearn."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from lti_platform import CLIENT_ID, DEPLOYMENT_ID, LTI


def login_initiation(client, lms, *, target: str, method: str = "get") -> dict[str, str]:
    """Step 1: the platform starts the login; the tool redirects to the platform's /auth with a
    state and a nonce. Returns that redirect's query."""
    params = {
        "iss": lms.issuer,
        "login_hint": "hint-1",
        "target_link_uri": target,
        "client_id": CLIENT_ID,
        "lti_deployment_id": DEPLOYMENT_ID,
        "lti_message_hint": "message-hint-1",
    }
    response = getattr(client, method)(reverse("lti:login"), params)
    assert response.status_code == 302, response.content.decode()
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{lms.url}/auth"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def launch(client, lms, *, target: str, key=None, state: str | None = None, **claims):
    """Login initiation, then the platform's signed id_token posted to the launch URL."""
    auth = login_initiation(client, lms, target=target)
    assert auth["redirect_uri"] == "http://testserver" + reverse("lti:launch")
    assert auth["client_id"] == CLIENT_ID and auth["login_hint"] == "hint-1"
    token = lms.id_token(
        lms.claims(nonce=auth["nonce"], **{f"{LTI}target_link_uri": target, **claims}), key=key
    )
    response = client.post(
        reverse("lti:launch"), {"id_token": token, "state": state or auth["state"]}
    )
    response.id_token = token
    response.state = auth["state"]
    return response
