"""LTI 1.3 endpoints (DESIGN.md, "LTI 1.3"): login initiation, launch, the tool's JWKS, deep
linking, and the pages an LMS administrator and an instructor use.

The platform's requests (login initiation, launch, the picker's post) arrive cross-site with no
CSRF token: they are csrf-exempt, and what authenticates them is the protocol itself (the
state cookie, the signed id_token and its single-use nonce, the signed picker form). Every
refusal is a 4xx page saying what went wrong, never a 500.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.exception import LtiException, OIDCException

from instructors import tenancy
from instructors.permissions import instructor_required
from lessons.models import Course, Lesson, ProgressStatus
from lti import deeplinking, entry, handoff, keys, roster, services
from lti.launch import DbToolConf, Launch, OidcLogin
from lti.models import LmsContext, Registration
from lti.roles import teaches

logger = logging.getLogger(__name__)

MESSAGE_TYPE = services.CLAIM + "message_type"
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
# What malformed input can raise inside pylti1p3 and PyJWT besides their own exceptions.
MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def _refuse(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    return render(request, "lti/error.html", {"message": message}, status=status)


def _frame_for_platform(response: HttpResponse, *origins: str) -> HttpResponse:
    """Let the LMS show this page in its iframe (the rest of NetLearn refuses to be framed)."""
    response.xframe_options_exempt = True
    response._csp_replace = {"frame-ancestors": sorted(set(origins))}
    return response


# -- login initiation and launch -------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Third-party initiated login (OIDC): answer with a redirect to the platform's
    authorisation endpoint carrying a fresh state (cookie) and nonce."""
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    try:
        return OidcLogin(request, DbToolConf()).redirect(launch_url)
    except (OIDCException, LtiException) as exc:
        reason = str(exc).rstrip(".")
        return _refuse(request, f"NetLearn cannot start this LMS login: {reason}.", status=400)


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    message = Launch(request, DbToolConf())
    try:
        claims = message.get_launch_data()
    except LtiException as exc:
        logger.info("LTI launch refused: %s", exc)
        return _refuse(request, f"NetLearn refused this launch: {str(exc).rstrip('.')}.")
    except MALFORMED as exc:
        logger.info("LTI launch malformed: %r", exc)
        return _refuse(
            request, "NetLearn refused this launch: its id_token is malformed.", status=400
        )
    registration = message.registration_row
    kind = claims.get(MESSAGE_TYPE)
    if kind == "LtiResourceLinkRequest":
        return _resource_launch(request, registration, claims)
    if kind == "LtiDeepLinkingRequest":
        return _deep_linking_launch(request, registration, claims)
    return _refuse(request, f"NetLearn does not handle {kind} messages.", status=400)


def _log_in(request: HttpRequest, registration: Registration, claims: dict):
    account = services.account_for(registration=registration, claims=claims)
    if not account.user.is_active:
        return account, _refuse(request, "This NetLearn account is disabled.")
    login(request, account.user, backend=LOGIN_BACKEND)
    return account, None


def _resource_launch(request: HttpRequest, registration: Registration, claims: dict):
    account, refused = _log_in(request, registration, claims)
    if refused:
        return refused
    url = entry.resource_launch(registration=registration, account=account, claims=claims)
    if not handoff.wants_iframe(claims):
        return redirect(url)
    ticket = handoff.ticket_for(user=account.user, url=url)
    page = render(
        request,
        "lti/open_in_window.html",
        {"continue_url": reverse("lti:continue") + "?" + urlencode({"ticket": ticket})},
    )
    origins = [registration.issuer, registration.auth_login_url]
    return _frame_for_platform(page, *map(deeplinking.platform_origin, origins))


@require_GET
def continue_in_window(request: HttpRequest) -> HttpResponse:
    """The new window opened from an iframe launch: log the launch's user in, go to the page."""
    try:
        user, url = handoff.redeem(request.GET.get("ticket", ""))
    except handoff.TicketError as exc:
        return _refuse(request, str(exc), status=400)
    login(request, user, backend=LOGIN_BACKEND)
    return redirect(url)


# -- deep linking ----------------------------------------------------------------------------------


def _deep_linking_launch(request: HttpRequest, registration: Registration, claims: dict):
    if not teaches(claims.get(services.CLAIM + "roles") or []):
        refused = _refuse(request, "Only the LMS course's instructors can add NetLearn content.")
        origins = [registration.issuer, registration.auth_login_url]
        return _frame_for_platform(refused, *map(deeplinking.platform_origin, origins))
    settings = claims.get(deeplinking.SETTINGS_CLAIM) or {}
    return_url = settings.get("deep_link_return_url")
    if not isinstance(return_url, str) or not return_url.startswith(("https://", "http://")):
        return _refuse(request, "The LMS sent no deep-linking return URL.", status=400)
    account, refused = _log_in(request, registration, claims)
    if refused:
        return refused
    services.make_instructor(account.user)
    token = deeplinking.sign_request(registration=registration, claims=claims)
    link_request = deeplinking.load_request(token)
    return _picker(request, link_request, token)


def _picker(request, link_request, token: str, *, error: str = "", status: int = 200):
    courses = Course.objects.filter(published=True).prefetch_related("lessons")
    catalogue = [
        (course, [lesson for lesson in course.lessons.all() if lesson.is_visible])
        for course in courses.order_by("order", "slug")
    ]
    response = render(
        request,
        "lti/deep_link_picker.html",
        {
            "catalogue": catalogue,
            "token": token,
            "error": error,
            "multiple": link_request.accepts_multiple,
            "registration": link_request.registration,
        },
        status=status,
    )
    return _frame_for_platform(response, *_platform_origins(link_request))


def _platform_origins(link_request) -> list[str]:
    registration = link_request.registration
    urls = [registration.issuer, registration.auth_login_url, link_request.return_url]
    return [deeplinking.platform_origin(url) for url in urls]


@csrf_exempt
@xframe_options_exempt
@require_POST
def deep_link_choose(request: HttpRequest) -> HttpResponse:
    """The teacher's choice, answered with a page that posts the signed response to the LMS."""
    token = request.POST.get("token", "")
    try:
        link_request = deeplinking.load_request(token)
    except deeplinking.DeepLinkError as exc:
        return _refuse(request, str(exc), status=400)
    lessons = list(
        Lesson.objects.visible()
        .select_related("course")
        .filter(pk__in=_ids(request.POST.getlist("lesson")))
    )
    courses = list(
        Course.objects.filter(published=True, pk__in=_ids(request.POST.getlist("course")))
    )
    if not lessons and not courses:
        return _picker(
            request, link_request, token, error="Choose at least one lesson or course.", status=400
        )
    if not link_request.accepts_multiple and len(lessons) + len(courses) > 1:
        return _picker(
            request, link_request, token, error="This LMS accepts one item: choose one.", status=400
        )
    resources = deeplinking.resources_for(request=request, lessons=lessons, courses=courses)
    jwt_value = deeplinking.response_jwt(link_request=link_request, resources=resources)
    response = render(
        request,
        "lti/deep_link_return.html",
        {"return_url": link_request.return_url, "jwt": jwt_value, "chosen": lessons + courses},
    )
    response._csp_update = {"form-action": [deeplinking.platform_origin(link_request.return_url)]}
    return _frame_for_platform(response, *_platform_origins(link_request))


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values[: deeplinking.MAX_ITEMS] if v.isdigit() and len(v) < 19]


# -- the tool's keys, its configuration, rosters, course entry -------------------------------------


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(keys.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@instructor_required
@require_GET
def config(request: HttpRequest) -> HttpResponse:
    """What an LMS administrator types into the LMS to register NetLearn, and the LMS classes
    this instructor teaches (with their roster buttons)."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    classes = tenancy.classes_of(request.user).filter(lms_context__isnull=False)
    contexts = LmsContext.objects.filter(classroom__in=classes).select_related(
        "classroom", "course", "registration"
    )
    return render(
        request,
        "lti/config.html",
        {
            "urls": {
                "login": url("lti:login"),
                "launch": url("lti:launch"),
                "jwks": url("lti:jwks"),
                "deep_link": url("lti:launch"),
                "redirect_uris": [url("lti:launch")],
                "home": url("home"),
            },
            "contexts": contexts,
            "registrations": Registration.objects.prefetch_related("deployments")
            if tenancy.sees_everything(request.user)
            else None,
        },
    )


@instructor_required
@require_POST
def roster_sync(request: HttpRequest, class_pk: int) -> HttpResponse:
    classroom = tenancy.class_for(request.user, class_pk)
    link = LmsContext.objects.select_related("registration").filter(classroom=classroom).first()
    if link is None:
        messages.error(request, f"{classroom.name} is not linked to an LMS course.")
        return redirect("lti:config")
    try:
        result = roster.sync_roster(link=link)
    except roster.RosterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Roster updated from the LMS: {_count(result.learners, 'learner')}, "
            f"{_count(result.instructors, 'instructor')}.",
        )
    return redirect("lti:config")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@login_required
@require_GET
def course_entry(request: HttpRequest, course_slug: str) -> HttpResponse:
    """A course's page for LMS links: the learner's next lesson in it (the first not completed)."""
    course = get_object_or_404(Course, slug=course_slug, published=True)
    lessons = list(Lesson.objects.visible().filter(course=course).order_by("order", "slug"))
    if not lessons:
        raise Http404("This course has no lessons yet.")
    done = set(
        request.user.progress.filter(
            lesson__in=lessons, status=ProgressStatus.COMPLETED
        ).values_list("lesson_id", flat=True)
    )
    lesson = next((item for item in lessons if item.pk not in done), lessons[0])
    return redirect("lesson", course.slug, lesson.slug)
