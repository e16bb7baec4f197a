"""Which LMS roles make a NetLearn instructor (LIS v2 role URIs, LTI 1.3 core section 5.3.7).

A context role of Instructor (any sub-role, e.g. a teaching assistant) or Administrator teaches
the LMS course's class; so does an institution or system administrator launching into it.
Everyone else (Learner, Mentor, ContentDeveloper...) is a learner of the class.
"""

from __future__ import annotations

from collections.abc import Iterable

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
TEACHING_ROLES = frozenset(
    {
        f"{LIS}membership#Instructor",
        f"{LIS}membership#Administrator",
        f"{LIS}institution/person#Administrator",
        f"{LIS}system/person#Administrator",
        # LTI 1.3 lets context roles be written short ("Instructor"); deprecated, still seen.
        "Instructor",
        "Administrator",
    }
)
TEACHING_SUBROLE_PREFIXES = (f"{LIS}membership/Instructor#", f"{LIS}membership/Administrator#")


def teaches(roles: Iterable[object]) -> bool:
    for role in roles:
        if not isinstance(role, str):
            continue
        if role in TEACHING_ROLES or role.startswith(TEACHING_SUBROLE_PREFIXES):
            return True
    return False
