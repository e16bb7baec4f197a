"""Names and Role Provisioning Services: fill an LMS class's roster from the LMS.

Members become NetLearn accounts (as on their first launch) and join the class; instructors
become its co-instructors. Inactive members (``status`` other than Active) are skipped; nobody
is removed (a learner who left the LMS course keeps their NetLearn work and class record).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils import timezone
from pylti1p3.names_roles import NamesRolesProvisioningService

from lti import services
from lti.models import LmsContext
from lti.platform import CachedTokenConnector
from lti.roles import teaches

logger = logging.getLogger(__name__)

MAX_MEMBERS = 5000  # a bound on one sync (paged by the LMS)


class RosterError(Exception):
    """The roster could not be fetched; the message is for the instructor."""


@dataclass(frozen=True, slots=True)
class RosterResult:
    learners: int
    instructors: int


def sync_roster(*, link: LmsContext) -> RosterResult:
    if not link.memberships_url:
        raise RosterError(
            "The LMS did not offer this class's roster (Names and Role Provisioning Services)."
        )
    registration = link.registration
    nrps = NamesRolesProvisioningService(
        CachedTokenConnector(registration), {"context_memberships_url": link.memberships_url}
    )
    try:
        members = nrps.get_members()[:MAX_MEMBERS]
    except Exception as exc:  # the LMS's failure, whatever it is, is reported, not a 500
        logger.warning("LTI roster fetch from %s failed: %s", link.memberships_url, exc)
        raise RosterError("The LMS did not answer with the roster; try again later.") from exc
    learners = instructors = 0
    for member in members:
        if not isinstance(member, dict) or not member.get("user_id"):
            continue
        if member.get("status", "Active") != "Active":
            continue
        claims = {**member, "iss": registration.issuer, "sub": str(member["user_id"])}
        account = services.account_for(registration=registration, claims=claims)
        teaching = teaches(member.get("roles") or [])
        services.enrol(user=account.user, classroom=link.classroom, teaching=teaching)
        instructors += teaching
        learners += not teaching
    link.roster_synced_at = timezone.now()
    link.save(update_fields=["roster_synced_at"])
    return RosterResult(learners=learners, instructors=instructors)
