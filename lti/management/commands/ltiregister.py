"""``python manage.py ltiregister --issuer ISS --client-id CID --deployment-id DID
--auth-login-url URL --auth-token-url URL --keyset-url URL [--name NAME]``

Registers an LMS (DESIGN.md, "LTI 1.3"): creates the registration, or updates the one with the
same issuer and client id, and adds the deployment id (repeat ``--deployment-id`` for several).
Running it twice changes nothing. Prints the URLs to give the LMS. Also editable in the admin.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from lti import keys
from lti.models import Deployment, Registration


class Command(BaseCommand):
    help = "Register an LMS (LTI 1.3 platform) with NetLearn, or update its registration."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issuer", required=True, help="the platform's issuer (iss)")
        parser.add_argument("--client-id", required=True, help="the client id the LMS gave")
        parser.add_argument(
            "--deployment-id", required=True, action="append", help="a deployment id (repeatable)"
        )
        parser.add_argument("--auth-login-url", required=True, help="OIDC authorisation URL")
        parser.add_argument("--auth-token-url", required=True, help="OAuth2 token URL")
        parser.add_argument("--keyset-url", required=True, help="the platform's JWKS URL")
        parser.add_argument("--auth-audience", default="", help="token audience, if not the URL")
        parser.add_argument("--name", default="", help="a name for people (default: the issuer)")
        parser.add_argument(
            "--base-url", default="https://netlearn.example.org", help="NetLearn's public URL"
        )

    def handle(self, *args, **options) -> None:
        fields = {
            "name": options["name"] or options["issuer"],
            "auth_login_url": options["auth_login_url"],
            "auth_token_url": options["auth_token_url"],
            "auth_audience": options["auth_audience"],
            "keyset_url": options["keyset_url"],
            "active": True,
        }
        registration = Registration.objects.filter(
            issuer=options["issuer"], client_id=options["client_id"]
        ).first() or Registration(issuer=options["issuer"], client_id=options["client_id"])
        for name, value in fields.items():
            setattr(registration, name, value)
        try:
            registration.full_clean(validate_unique=False)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Invalid registration: {problems}") from exc
        created = registration.pk is None
        with transaction.atomic():
            registration.save()
            for deployment_id in options["deployment_id"]:
                Deployment.objects.get_or_create(
                    registration=registration, deployment_id=deployment_id
                )
        keys.signing_key()
        verb = "Registered" if created else "Updated"
        self.stdout.write(f"{verb} {registration} with deployments {options['deployment_id']}.")
        base = options["base_url"].rstrip("/")
        for label, name in (
            ("Initiate login URL", "lti:login"),
            ("Launch / redirect URI / deep linking URL", "lti:launch"),
            ("Public keyset URL", "lti:jwks"),
        ):
            self.stdout.write(f"  {label}: {base}{reverse(name)}")
