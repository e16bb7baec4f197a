"""Deep Linking: a teacher picks NetLearn lessons or courses from inside the LMS.

The LMS's LtiDeepLinkingRequest launch shows the picker; the teacher's choice comes back as an
LtiDeepLinkingResponse JWT, signed with the tool's key, posted by the browser to the LMS's
``deep_link_return_url``. Each item is an ``ltiResourceLink`` whose url is the lesson's page (or
the course's entry page) and which asks for a line item out of 100, so the LMS makes a gradebook
column that Assignment and Grade Services fills.

Between the launch and the choice, the request's settings travel in the picker form, signed with
Django's signing (``SALT``, an hour at most): the picker often lives in an LMS iframe, where the
browser may send NetLearn no cookie at all, so neither the session nor a CSRF cookie can be
relied on; the signature is what proves the form came from a verified launch.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core import signing
from django.urls import reverse
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from lessons.models import Course, Lesson
from lti import platform
from lti.models import Registration

SALT = "lti.deeplinking"
MAX_AGE = 3600
SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
DATA_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
MAX_ITEMS = 50


class DeepLinkError(Exception):
    """A picker form that is not from a verified launch, or expired."""


@dataclass(frozen=True, slots=True)
class Request:
    registration: Registration
    deployment_id: str
    settings: dict

    @property
    def return_url(self) -> str:
        return self.settings["deep_link_return_url"]

    @property
    def accepts_multiple(self) -> bool:
        return self.settings.get("accept_multiple", True) is not False


def sign_request(*, registration: Registration, claims: dict) -> str:
    settings = claims[SETTINGS_CLAIM]
    kept = {
        k: settings[k]
        for k in ("deep_link_return_url", "data", "accept_multiple")
        if k in settings and settings[k] is not None
    }
    payload = {"r": registration.pk, "d": claims[DEPLOYMENT_CLAIM], "s": kept}
    return signing.dumps(payload, salt=SALT, compress=True)


def load_request(token: str) -> Request:
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        registration = Registration.objects.get(pk=payload["r"], active=True)
        return Request(registration=registration, deployment_id=payload["d"], settings=payload["s"])
    except signing.SignatureExpired as exc:
        raise DeepLinkError("This selection page expired: open it again from the LMS.") from exc
    except (signing.BadSignature, Registration.DoesNotExist, KeyError, TypeError) as exc:
        raise DeepLinkError("This selection did not come from an LMS launch.") from exc


def platform_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _Resource(DeepLinkResource):
    """An ltiResourceLink that asks to open in a new window: NetLearn's pages refuse to be
    framed by another site (X-Frame-Options, CSP frame-ancestors)."""

    def to_dict(self) -> dict:
        return {**super().to_dict(), "window": {"targetName": "_blank"}}


class _DeepLink(DeepLink):
    """pylti1p3's response without a ``data`` claim when the request had none (it would send
    null; the specification says to return the request's value, not to invent one)."""

    def get_message_jwt(self, resources) -> dict:
        message = super().get_message_jwt(resources)
        if message.get(DATA_CLAIM) is None:
            message.pop(DATA_CLAIM, None)
        return message


def _resource(*, title: str, url: str, resource_id: str) -> DeepLinkResource:
    lineitem = LineItem().set_score_maximum(100).set_label(title).set_resource_id(resource_id)
    resource = _Resource().set_title(title).set_url(url).set_lineitem(lineitem)
    # pylti1p3's default custom params are a shared dict: give each item its own.
    return resource.set_custom_params({})


def resources_for(*, request, lessons: list[Lesson], courses: list[Course]) -> list:
    """One ltiResourceLink per chosen lesson or course, with absolute URLs on this tool."""
    items = [
        _resource(
            title=lesson.title,
            url=request.build_absolute_uri(
                reverse("lesson", args=[lesson.course.slug, lesson.slug])
            ),
            resource_id=f"lesson-{lesson.pk}",
        )
        for lesson in lessons
    ]
    items += [
        _resource(
            title=course.title,
            url=request.build_absolute_uri(reverse("lti:course", args=[course.slug])),
            resource_id=f"course-{course.pk}",
        )
        for course in courses
    ]
    return items[:MAX_ITEMS]


def response_jwt(*, link_request: Request, resources: list) -> str:
    """The signed LtiDeepLinkingResponse (iss = our client id, aud = the platform)."""
    registration = platform.lib_registration(link_request.registration)
    deep_link = _DeepLink(registration, link_request.deployment_id, link_request.settings)
    return deep_link.get_response_jwt(resources)
