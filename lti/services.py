"""What a verified launch does in NetLearn: the LMS user's account, their class, their grade link.

- An LMS user (issuer, ``sub``) gets a NetLearn account on first launch, with no usable password:
  the LMS is how they log in.
- The LMS context (its course) gets one NetLearn class per NetLearn course it launches into,
  owned by the registration's service account (an inactive user standing for the LMS), so that
  no LMS instructor owns a class they would otherwise not see; LMS instructors become NetLearn
  instructors and co-instructors of *that* class only, learners its members.
- A learner's launch with an Assignment and Grade Services line item records where their score
  goes (grades.py sends it).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from instructors import services as instructor_services
from instructors.models import Classroom
from lessons.models import Course, Lesson
from lti.models import GradeLink, LmsAccount, LmsContext, Registration
from netlearn.context_processors import INSTRUCTORS_GROUP

logger = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MAX_USERNAME_BASE = 24


@dataclass(frozen=True, slots=True)
class Target:
    """What a resource link opens: a lesson, or a course (its next lesson)."""

    course: Course
    lesson: Lesson | None = None


# -- accounts --------------------------------------------------------------------------------------


def _username_for(issuer: str, sub: str, claims: dict) -> str:
    email = claims.get("email") if isinstance(claims.get("email"), str) else ""
    hint = claims.get("preferred_username") or email.split("@")[0] or claims.get("name") or "lms"
    base = slugify(str(hint))[:MAX_USERNAME_BASE] or "lms"
    digest = hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()
    users = get_user_model().objects
    for length in (6, 12, 64):
        username = f"{base}-{digest[:length]}"
        if not users.filter(username=username).exists():
            return username
    raise IntegrityError("no free username")  # 64 hex digits of a hash taken: not in practice


def _text(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name)
    return value[:limit] if isinstance(value, str) else ""


def account_for(*, registration: Registration, claims: dict) -> LmsAccount:
    """The NetLearn account of the launch's user, created on first launch (no password)."""
    issuer, sub = claims["iss"], str(claims["sub"])
    account = LmsAccount.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            user = get_user_model()(
                username=_username_for(issuer, sub, claims),
                first_name=_text(claims, "given_name", 150),
                last_name=_text(claims, "family_name", 150),
                email=_text(claims, "email", 254),
            )
            user.set_unusable_password()
            user.save()
            return LmsAccount.objects.create(
                issuer=issuer, sub=sub, registration=registration, user=user
            )
    except IntegrityError:  # the same user's two first launches at once: the other one won
        return LmsAccount.objects.select_related("user").get(issuer=issuer, sub=sub)


def make_instructor(user) -> None:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    user.groups.add(group)


# -- classes ---------------------------------------------------------------------------------------


def service_user(registration: Registration):
    """The inactive account that owns the LMS's classes (it cannot log in)."""
    user, created = get_user_model().objects.get_or_create(
        username=f"lms-registration-{registration.pk}",
        defaults={"is_active": False, "first_name": registration.name[:150]},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def classroom_for(*, registration: Registration, context: dict, course: Course) -> LmsContext:
    """The class of this LMS context in ``course``, made on first launch."""
    context_id = str(context["id"])
    found = LmsContext.objects.select_related("classroom").filter(
        registration=registration, context_id=context_id, course=course
    )
    link = found.first()
    if link is not None:
        return link
    title = str(context.get("title") or context.get("label") or context_id)[:200]
    try:
        with transaction.atomic():
            classroom = instructor_services.create_classroom(
                instructor=service_user(registration), course=course, name=title
            )
            return LmsContext.objects.create(
                registration=registration,
                context_id=context_id,
                course=course,
                classroom=classroom,
                title=title,
            )
    except IntegrityError:
        return found.get()


def enrol(*, user, classroom: Classroom, teaching: bool) -> None:
    if teaching:
        make_instructor(user)
        classroom.co_instructors.add(user)
    else:
        instructor_services.join_classroom(learner=user, classroom=classroom)


# -- grade links -----------------------------------------------------------------------------------


def record_grade_link(
    *, registration: Registration, account: LmsAccount, claims: dict, target: Target
) -> GradeLink | None:
    """Where this learner's score for the target goes, from the launch's AGS claim (None when
    the link is not graded or the platform did not grant the score scope)."""
    endpoint = claims.get(AGS_CLAIM)
    if not isinstance(endpoint, dict):
        return None
    lineitem, scopes = endpoint.get("lineitem"), endpoint.get("scope")
    if not isinstance(lineitem, str) or not isinstance(scopes, list) or SCORE_SCOPE not in scopes:
        return None
    link, _ = GradeLink.objects.update_or_create(
        account=account,
        lineitem_url=lineitem[:1000],
        defaults={
            "registration": registration,  # the launch's: an issuer may have several
            "course": target.course,
            "lesson": target.lesson,
            "scopes": [s for s in scopes if isinstance(s, str)],
        },
    )
    return link


def remember_roster_url(*, link: LmsContext, claims: dict) -> None:
    service = claims.get(NRPS_CLAIM)
    url = service.get("context_memberships_url") if isinstance(service, dict) else None
    if isinstance(url, str) and url != link.memberships_url and len(url) <= 1000:
        link.memberships_url = url
        link.save(update_fields=["memberships_url"])
