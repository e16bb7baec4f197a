"""What NetLearn keeps to act as an LTI 1.3 tool inside an LMS (the "platform").

- A **registration** is one platform's record of NetLearn (issuer + client id, its endpoints);
  its **deployments** are the ids the platform sends in each launch (unknown ones are refused).
- The tool's own **keys** sign what NetLearn sends (deep-linking responses, the client assertions
  that buy service tokens); their public halves are served at ``/lti/jwks/``.
- A **nonce** issued at login initiation may be used by one launch only.
- An **LMS account** links the platform's user (issuer, ``sub``) to a NetLearn user, created on
  first launch without a password.
- An **LMS context** (a course in the LMS) gets a NetLearn class per NetLearn course it uses: a
  class is of one course (instructors.models.Classroom).
- A **grade link** remembers where a learner's score for a lesson (or course) goes: the line
  item of the launch's Assignment and Grade Services claim, and what was last sent there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from instructors.models import Classroom
from lessons.models import Course, Lesson


class Registration(models.Model):
    name = models.CharField(max_length=200, help_text="For people: which LMS this is.")
    issuer = models.URLField(max_length=500, help_text="The platform's issuer (iss).")
    client_id = models.CharField(max_length=255, help_text="The client id the LMS gave NetLearn.")
    auth_login_url = models.URLField(
        max_length=500, help_text="The platform's OIDC authorisation endpoint."
    )
    auth_token_url = models.URLField(
        max_length=500, help_text="The platform's OAuth2 token endpoint (for grades, rosters)."
    )
    auth_audience = models.CharField(
        max_length=500,
        blank=True,
        help_text="The token endpoint's audience if not its URL (Moodle: blank).",
    )
    keyset_url = models.URLField(max_length=500, help_text="The platform's public keys (JWKS).")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "LTI registration"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="lti_registration_issuer_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer}, client {self.client_id})"

    @property
    def version(self) -> str:
        """Changes whenever the registration is saved: cache keys carry it (keys, tokens)."""
        return f"{self.pk}-{int(self.updated_at.timestamp() * 1000)}" if self.updated_at else "0"


class Deployment(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="deployments"
    )
    deployment_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "deployment_id"], name="lti_deployment_unique"
            )
        ]

    def __str__(self) -> str:
        return self.deployment_id


class ToolKey(models.Model):
    """An RSA key pair of the tool; the newest active one signs, all active ones are published."""

    kid = models.CharField(max_length=64, unique=True)
    private_key_pem = models.TextField()
    public_jwk = models.JSONField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Tool key {self.kid}"


class Nonce(models.Model):
    """A nonce issued at login initiation; deleting it is what uses it (once)."""

    value = models.CharField(max_length=128, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.value


class LmsAccount(models.Model):
    issuer = models.CharField(max_length=500)
    sub = models.CharField(max_length=255)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="accounts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lms_accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "LMS account"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="lti_account_unique")]

    def __str__(self) -> str:
        return f"{self.user} = {self.sub} at {self.issuer}"


class LmsContext(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="contexts"
    )
    context_id = models.CharField(max_length=255)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lms_contexts")
    classroom = models.OneToOneField(
        Classroom, on_delete=models.CASCADE, related_name="lms_context"
    )
    title = models.CharField(max_length=255, blank=True)
    # Names and Role Provisioning Services: where the roster is (from the last launch).
    memberships_url = models.URLField(max_length=1000, blank=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "LMS course (context)"
        verbose_name_plural = "LMS courses (contexts)"
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "context_id", "course"], name="lti_context_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title or self.context_id} ({self.registration.name})"


class GradeLink(models.Model):
    """Where a learner's score for ``lesson`` (or, for a course link, ``course``) goes."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="grade_links"
    )
    account = models.ForeignKey(LmsAccount, on_delete=models.CASCADE, related_name="grade_links")
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, null=True, blank=True, related_name="lms_grade_links"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lms_grade_links")
    lineitem_url = models.URLField(max_length=1000)
    scopes = models.JSONField(default=list)
    last_sent_score = models.PositiveSmallIntegerField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "lineitem_url"], name="lti_grade_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account.user} → {self.lineitem_url}"
