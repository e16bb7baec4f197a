"""Passwords: Argon2id at OWASP's minimum for new hashes; PBKDF2 hashes from before still log in
and are upgraded at that log-in (accounts/hashers.py)."""

from __future__ import annotations

import pytest
from django.conf import settings as project_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROJECT_HASHERS = list(project_settings.PASSWORD_HASHERS)  # before the tests' fast MD5
ARGON2_OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def project_hashers(settings):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS


def test_a_new_account_gets_an_argon2id_hash_at_owasps_parameters(client, project_hashers):
    data = {
        "username": "newbie",
        "password1": "s3cret-passphrase!",
        "password2": "s3cret-passphrase!",
    }
    assert client.post(reverse("signup"), data).status_code == 302
    assert get_user_model().objects.get(username="newbie").password.startswith(ARGON2_OWASP)


def test_an_older_pbkdf2_hash_logs_in_and_is_upgraded(client, project_hashers):
    old = make_password("s3cret-passphrase!", hasher="pbkdf2_sha256")
    user = get_user_model().objects.create(username="veteran", password=old)
    response = client.post(
        reverse("login"), {"username": "veteran", "password": "s3cret-passphrase!"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(ARGON2_OWASP)
