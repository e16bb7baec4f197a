"""OIDC login initiation and the verified launch, on pylti1p3 with NetLearn's own storage.

pylti1p3 does the protocol (state cookie, nonce, registration and deployment lookup, signature,
message validators); what it leaves out or does differently is done here, and why:

- **Registrations and deployments** come from NetLearn's models (``DbToolConf``), so the admin and
  ``ltiregister`` edit them; the library's Django config app would bring its own tables.
- **Nonces are single use** and kept in the database: the library only checks a nonce exists
  (in the session), so replaying a captured id_token would pass. Here the launch deletes the
  nonce; a second launch with it is refused, whichever web process it reaches.
- **Order**: the signature is checked before the nonce is used, so a forged token cannot burn a
  genuine login's nonce.
- **aud/azp**: the client id must be among ``aud``; with several audiences ``azp`` must be
  present, and when present it must be the client id (OIDC Core 3.1.3.7).
- **exp and iat are required** (PyJWT checks them only when present), iat not in the future.
- **The platform's keys** come from ``platform.platform_keyset`` (cached, with a timeout).
- Launch data is not stored in the session: NetLearn keeps what it needs in its own models.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db.models import QuerySet
from django.utils import timezone
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.deployment import Deployment as LibDeployment
from pylti1p3.exception import LtiException
from pylti1p3.tool_config import ToolConfAbstract

from lti import platform
from lti.models import Deployment, Nonce, Registration

NONCE_LIFETIME = dt.timedelta(minutes=10)
JWT_REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub", "aud", "nonce"]


class DbToolConf(ToolConfAbstract):
    """Registrations and deployments from the database (many client ids per issuer)."""

    def __init__(self) -> None:
        super().__init__()
        self.registration: Registration | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def _registrations(self, iss: str) -> QuerySet[Registration]:
        return Registration.objects.filter(issuer=iss, active=True)

    def find_registration_by_params(self, iss: str, client_id: str | None, *args, **kwargs):
        rows = self._registrations(iss)
        if client_id:
            row = rows.filter(client_id=client_id).first()
        else:  # login initiation may omit client_id: fine when the issuer has one registration
            candidates = list(rows[:2])
            row = candidates[0] if len(candidates) == 1 else None
        self.registration = row
        return None if row is None else platform.lib_registration(row)

    def find_deployment(self, iss: str, deployment_id: str):
        return None

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        known = Deployment.objects.filter(
            registration__issuer=iss,
            registration__client_id=client_id,
            registration__active=True,
            deployment_id=deployment_id,
        ).exists()
        return LibDeployment().set_deployment_id(deployment_id) if known else None


class NonceStore(DjangoSessionService):
    """Nonces in the database, used up by the launch that presents them."""

    def save_nonce(self, nonce: str) -> None:
        now = timezone.now()
        Nonce.objects.filter(expires_at__lt=now).delete()
        Nonce.objects.create(value=nonce, expires_at=now + NONCE_LIFETIME)

    def check_nonce(self, nonce: str) -> bool:
        if not isinstance(nonce, str) or len(nonce) > 128:
            return False
        deleted, _ = Nonce.objects.filter(value=nonce, expires_at__gte=timezone.now()).delete()
        return deleted == 1


class OidcLogin(DjangoOIDCLogin):
    def __init__(self, request, tool_conf: DbToolConf) -> None:
        super().__init__(request, tool_conf, session_service=NonceStore(request))

    def _generate_nonce(self) -> str:
        return secrets.token_urlsafe(32)


class Launch(DjangoMessageLaunch):
    def __init__(self, request, tool_conf: DbToolConf) -> None:
        super().__init__(
            request,
            tool_conf,
            session_service=NonceStore(request),
            requests_session=platform.http_session(),
        )
        self.set_jwt_verify_options({"verify_aud": False, "require": JWT_REQUIRED_CLAIMS})

    @property
    def registration_row(self) -> Registration:
        row = self._tool_config.registration
        assert row is not None, "validate() finds the registration first"
        return row

    def validate(self) -> Launch:
        if self._restored:
            raise LtiException("Can't validate restored launch")
        self._validated = True
        try:
            self.validate_state().validate_jwt_format().validate_registration()
            self.validate_audience().validate_jwt_signature().validate_nonce()
            return self.validate_deployment().validate_message()
        except Exception:
            self._validated = False
            raise

    def validate_jwt_format(self) -> Launch:
        super().validate_jwt_format()
        if not isinstance(self._jwt.get("header"), dict) or not isinstance(
            self._jwt.get("body"), dict
        ):
            raise LtiException("Invalid id_token: its header and body must be JSON objects")
        return self

    def get_client_id(self) -> str:
        body = self._get_jwt_body()
        aud, azp = body.get("aud"), body.get("azp")
        if isinstance(aud, list):
            return azp if isinstance(azp, str) and azp in aud else (aud[0] if aud else "")
        return aud if isinstance(aud, str) else ""

    def validate_registration(self) -> Launch:
        try:
            return super().validate_registration()
        except LtiException as exc:
            if self._tool_config.registration is not None:
                raise
            raise LtiException(
                "The id_token is not addressed to NetLearn: no registration has its issuer and "
                "client id (iss, aud/azp)"
            ) from exc

    def validate_audience(self) -> Launch:
        body = self._get_jwt_body()
        aud, azp = body.get("aud"), body.get("azp")
        audiences = aud if isinstance(aud, list) else [aud]
        client_id = self.registration_row.client_id
        if client_id not in audiences:
            raise LtiException("The id_token is not addressed to NetLearn (aud)")
        if len(audiences) > 1 and azp is None:
            raise LtiException("The id_token has several audiences and no azp")
        if azp is not None and azp != client_id:
            raise LtiException("The id_token's azp is not NetLearn's client id")
        return self

    def get_public_key(self):
        kid = self._jwt.get("header", {}).get("kid")
        self._registration.set_key_set(
            platform.platform_keyset(
                self.registration_row, kid=kid if isinstance(kid, str) else None
            )
        )
        return super().get_public_key()

    def validate_nonce(self) -> Launch:
        nonce = self._get_jwt_body().get("nonce")
        if not nonce or not self._session_service.check_nonce(nonce):
            raise LtiException(
                "This launch was already used or has expired (nonce): launch again from the LMS"
            )
        return self

    def save_launch_data(self) -> Launch:
        return self
