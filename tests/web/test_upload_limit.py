"""One upload limit, UPLOAD_MAX_MB: the import form's, and nginx's client_max_body_size in the
compose stack. (Through a real nginx: tests/deploy/test_stack.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from instructors.forms import MAX_UPLOAD

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "deploy/nginx.conf.template").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_nginx_takes_its_body_limit_from_the_apps_setting():
    assert re.findall(r"^\s*client_max_body_size\s+(\S+);", TEMPLATE, re.M) == [
        "${NETLEARN_UPLOAD_MAX_MB}m"
    ]
    # nginx's "m" is MiB, as the app counts.
    assert MAX_UPLOAD == settings.UPLOAD_MAX_MB * 1024 * 1024


def test_compose_hands_the_same_number_to_nginx_and_the_app():
    services = COMPOSE["services"]
    to_nginx = services["nginx"]["environment"]["NETLEARN_UPLOAD_MAX_MB"]
    to_app = services["web"]["environment"]["UPLOAD_MAX_MB"]
    assert to_nginx == to_app == f"${{UPLOAD_MAX_MB:-{settings.UPLOAD_MAX_MB}}}"
    assert settings.UPLOAD_MAX_MB == 5


def test_a_text_post_fits_under_the_same_limit():
    """Django's own cap on a form's text (not files) is below nginx's, so a post nginx lets
    through and Django refuses gets the app's 400 page, not a connection cut off."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= MAX_UPLOAD


def test_nginx_answers_an_oversized_upload_with_a_page_naming_the_limit():
    assert "error_page 413 /netlearn-errors/413.html;" in TEMPLATE
    page = TEMPLATE.split("location = /netlearn-errors/413.html", 1)[1]
    assert "at most ${NETLEARN_UPLOAD_MAX_MB} MB" in page


@pytest.mark.django_db
def test_the_import_form_refuses_a_file_over_the_limit_with_a_message(instructor_client):
    upload = SimpleUploadedFile("course.zip", b"x" * (MAX_UPLOAD + 1))
    response = instructor_client.post(reverse("instructors:import"), {"file": upload})
    assert response.status_code == 200
    assert f"At most {settings.UPLOAD_MAX_MB} MB." in response.content.decode()
