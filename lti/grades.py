"""Assignment and Grade Services: a learner's score goes back to the LMS when it changes.

Every graded attempt (lessons' ``Attempt`` rows, saved by ``attempt_grade``) is followed, once its
transaction commits, by ``push_scores`` for that learner and lesson: for each line item the
learner launched the lesson (or its course) from, the current score is POSTed to the line item's
``/scores`` when it differs from what was last sent. A signal rather than a call in lessons'
services, so no grading code has to remember the LMS.

The LMS being slow or down never breaks the learner's page: requests time out after a few
seconds (platform.HTTP_TIMEOUT), failures are logged and kept on the link (``last_error``), an LMS
that did not answer is left alone for a minute (``UNREACHABLE_BACKOFF``), and the next score
change sends again.
"""

from __future__ import annotations

import logging

import requests
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.signals import post_save
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade

from lessons.models import Attempt, Lesson, Progress, ProgressStatus
from lti.models import GradeLink
from lti.platform import CachedTokenConnector

logger = logging.getLogger(__name__)

SCORE_MAXIMUM = 100
# After the LMS failed to answer (timeout, refused connection), scores to it wait this long, so a
# down LMS costs one learner one timeout a minute rather than every learner every check.
UNREACHABLE_BACKOFF = 60


def connect_signals() -> None:
    post_save.connect(_attempt_saved, sender=Attempt, dispatch_uid="lti-grade-passback")


def _attempt_saved(sender, instance: Attempt, created: bool, **kwargs) -> None:
    if not created:
        return
    learner_id, exercise_id = instance.learner_id, instance.exercise_id
    transaction.on_commit(lambda: push_scores(learner_id=learner_id, exercise_id=exercise_id))


def push_scores(*, learner_id: int, exercise_id: int) -> None:
    """Send the learner's changed scores for the exercise's lesson (and its course) to the LMS."""
    lesson = Lesson.objects.filter(exercise__pk=exercise_id).only("pk", "course_id").first()
    if lesson is None:
        return
    links = GradeLink.objects.select_related("registration", "account").filter(
        Q(lesson=lesson) | Q(lesson__isnull=True, course_id=lesson.course_id),
        account__user_id=learner_id,
        registration__active=True,
    )
    for link in links:
        send_score(link)


def score_for(link: GradeLink) -> tuple[int, bool]:
    """(score out of 100, completed) of the link's lesson, or the mean over its course."""
    user_id = link.account.user_id
    if link.lesson_id is not None:
        progress = Progress.objects.filter(learner_id=user_id, lesson_id=link.lesson_id).first()
        if progress is None:
            return 0, False
        return progress.best_score, progress.status == ProgressStatus.COMPLETED
    lessons = Lesson.objects.visible().filter(course_id=link.course_id)
    total = lessons.count()
    if total == 0:
        return 0, False
    mine = Progress.objects.filter(learner_id=user_id, lesson__in=lessons)
    done = mine.filter(status=ProgressStatus.COMPLETED).count()
    summed = mine.aggregate(total=Sum("best_score"))["total"] or 0
    return round(summed / total), done == total


def send_score(link: GradeLink, *, force: bool = False) -> bool:
    """POST the link's current score unless it is what the LMS already has; True if sent.
    Never raises: a failure is logged and recorded on the link."""
    score, completed = score_for(link)
    if not force and link.last_sent_score == score and not link.last_error:
        return False
    grade = (
        Grade()
        .set_score_given(score)
        .set_score_maximum(SCORE_MAXIMUM)
        .set_activity_progress("Completed" if completed else "InProgress")
        .set_grading_progress("FullyGraded")
        .set_timestamp(timezone.now().isoformat(timespec="milliseconds"))
        .set_user_id(link.account.sub)
    )
    unreachable = f"lti:unreachable:{link.registration.version}"
    if cache.get(unreachable):  # timed out a moment ago: do not make this learner wait too
        link.last_error = "Not sent: the LMS did not answer a moment ago."
        link.save(update_fields=["last_error"])
        return False
    service = AssignmentsGradesService(
        CachedTokenConnector(link.registration),
        {"scope": link.scopes, "lineitem": link.lineitem_url},
    )
    try:
        service.put_grade(grade)
    except Exception as exc:  # any failure of the LMS must stay out of the learner's page
        logger.warning("LTI score passback to %s failed: %s", link.lineitem_url, exc)
        if isinstance(exc, requests.RequestException):
            cache.set(unreachable, True, UNREACHABLE_BACKOFF)
        link.last_error = str(exc)[:500]
        link.save(update_fields=["last_error"])
        return False
    link.last_sent_score, link.last_sent_at, link.last_error = score, timezone.now(), ""
    link.save(update_fields=["last_sent_score", "last_sent_at", "last_error"])
    return True


def send_if_started(link: GradeLink) -> bool:
    """On a learner's first launch from a line item: send what they already scored, if anything
    (a lesson passed before the LMS linked it would otherwise wait for the next attempt)."""
    started = Progress.objects.filter(learner_id=link.account.user_id, attempts__gt=0)
    if link.lesson_id is not None:
        started = started.filter(lesson_id=link.lesson_id)
    else:
        started = started.filter(lesson__course_id=link.course_id)
    return started.exists() and send_score(link)
