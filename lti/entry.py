"""What a verified resource-link launch does, in order: the user's class, their role in it, the
roster (an instructor's first launch), the grade link (a learner's), and where they land.

Kept out of the view (which logs the user in and redirects) and out of services.py (which the
roster and grade modules build on, so it cannot import them).
"""

from __future__ import annotations

import logging

from django.urls import reverse

from lti import grades, roster, services
from lti.models import LmsAccount, Registration
from lti.roles import teaches
from lti.targets import resolve_target, target_url

logger = logging.getLogger(__name__)


def resource_launch(*, registration: Registration, account: LmsAccount, claims: dict) -> str:
    """Apply the launch to NetLearn; returns the URL the user lands on."""
    target = resolve_target(claims.get(services.CLAIM + "target_link_uri"))
    teaching = teaches(claims.get(services.CLAIM + "roles") or [])
    context = claims.get(services.CLAIM + "context")
    if teaching:
        services.make_instructor(account.user)
    if target is None:
        return reverse("home")
    if isinstance(context, dict) and context.get("id"):
        link = services.classroom_for(
            registration=registration, context=context, course=target.course
        )
        services.enrol(user=account.user, classroom=link.classroom, teaching=teaching)
        services.remember_roster_url(link=link, claims=claims)
        if teaching and link.memberships_url and link.roster_synced_at is None:
            _sync_quietly(link)
    if not teaching:
        grade_link = services.record_grade_link(
            registration=registration, account=account, claims=claims, target=target
        )
        if grade_link is not None and grade_link.last_sent_score is None:
            grades.send_if_started(grade_link)
    return target_url(target)


def _sync_quietly(link) -> None:
    """The first instructor launch fills the roster; the LMS failing must not stop the launch."""
    try:
        roster.sync_roster(link=link)
    except roster.RosterError as exc:
        logger.info("LTI roster not synced on launch: %s", exc)
