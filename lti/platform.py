"""NetLearn talking to a platform (the LMS): its public keys, and OAuth2 tokens for its services.

Everything goes through one ``requests`` session with a short timeout, so a slow LMS costs a
learner's page a few seconds at worst, never a hung worker.

- The platform's JWKS is cached in Django's cache under a key carrying the registration's
  version (editing the registration changes the key, so nothing is invalidated by hand) and
  fetched again when a launch names a key id the cached set lacks (the platform rotated its keys;
  at most once a minute, so made-up key ids cannot make NetLearn hammer the LMS).
- Service tokens (Assignment and Grade Services, Names and Role Provisioning) are bought with a
  JWT client assertion signed by the tool's key (RFC 7523, as LTI's security framework says) and
  cached until shortly before they expire.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Sequence

import jwt
import requests
from django.core.cache import cache
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.registration import Registration as LibRegistration
from pylti1p3.service_connector import ServiceConnector

from lti import keys
from lti.models import Registration

HTTP_TIMEOUT = 5  # seconds, for every request to a platform
JWKS_CACHE_SECONDS = 3600
JWKS_REFETCH_INTERVAL = 60  # at most one unplanned refetch a minute per registration
TOKEN_EXPIRY_MARGIN = 30  # seconds before expiry when a cached token is no longer used
MAX_JWKS_KEYS = 50


class _TimeoutSession(requests.Session):
    """A session whose requests time out unless told otherwise (pylti1p3 passes no timeout)."""

    def request(self, method, url, *args, **kwargs):  # requests' signature
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(method, url, *args, **kwargs)


def http_session() -> requests.Session:
    session = _TimeoutSession()
    session.headers["User-Agent"] = "NetLearn-LTI/1.3"
    return session


# -- the platform's keys ---------------------------------------------------------------------------


def _jwks_cache_key(registration: Registration) -> str:
    return f"lti:jwks:{registration.version}"


def _fetch_keyset(url: str) -> dict:
    try:
        response = http_session().get(url)
        response.raise_for_status()
        keyset = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise LtiException(f"The LMS's public keys could not be fetched from {url}.") from exc
    if not isinstance(keyset, dict) or not isinstance(keyset.get("keys"), list):
        raise LtiException(f"The LMS's key set at {url} is not a JWKS ({{'keys': [...]}}).")
    keyset["keys"] = [k for k in keyset["keys"][:MAX_JWKS_KEYS] if isinstance(k, dict)]
    return keyset


def _has_kid(keyset: dict, kid: str | None) -> bool:
    return any(key.get("kid") == kid for key in keyset.get("keys", []))


def platform_keyset(registration: Registration, *, kid: str | None) -> dict:
    """The platform's JWKS, from the cache unless it lacks ``kid``."""
    cache_key = _jwks_cache_key(registration)
    keyset = cache.get(cache_key)
    if keyset is not None and _has_kid(keyset, kid):
        return keyset
    if keyset is not None and not cache.add(f"{cache_key}:refetched", True, JWKS_REFETCH_INTERVAL):
        return keyset  # refetched a moment ago: the key id is unknown, not new
    keyset = _fetch_keyset(registration.keyset_url)
    cache.set(cache_key, keyset, JWKS_CACHE_SECONDS)
    return keyset


# -- the registration as pylti1p3 sees it ----------------------------------------------------------


class _LibRegistration(LibRegistration):
    """pylti1p3's registration with the tool's key id taken from our key (not recomputed)."""

    _kid: str | None = None

    def get_kid(self) -> str | None:
        return self._kid


def lib_registration(registration: Registration) -> LibRegistration:
    key = keys.signing_key()
    lib = _LibRegistration()
    lib._kid = key.kid
    lib.set_issuer(registration.issuer).set_client_id(registration.client_id)
    lib.set_auth_login_url(registration.auth_login_url)
    lib.set_auth_token_url(registration.auth_token_url)
    lib.set_key_set_url(registration.keyset_url)
    lib.set_tool_private_key(key.private_key_pem)
    if registration.auth_audience:
        lib.set_auth_audience(registration.auth_audience)
    return lib


# -- service tokens --------------------------------------------------------------------------------


class CachedTokenConnector(ServiceConnector):
    """pylti1p3's service connector with tokens kept in Django's cache until they expire (the
    library keeps them per object, i.e. per request) and a timeout on every request."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(lib_registration(registration), http_session())
        self._row = registration

    def _token_key(self, scopes: Sequence[str]) -> str:
        digest = hashlib.sha256(" ".join(sorted(scopes)).encode()).hexdigest()[:32]
        return f"lti:token:{self._row.version}:{digest}"

    def client_assertion(self) -> str:
        """RFC 7523: a short-lived JWT naming the tool (iss = sub = client id) to the token URL."""
        row, key = self._row, keys.signing_key()
        now = int(time.time())
        claims = {
            "iss": row.client_id,
            "sub": row.client_id,
            "aud": row.auth_audience or row.auth_token_url,
            "iat": now - 5,
            "exp": now + 60,
            "jti": f"netlearn-{uuid.uuid4()}",
        }
        return jwt.encode(claims, key.private_key_pem, algorithm="RS256", headers={"kid": key.kid})

    def get_access_token(self, scopes: Sequence[str]) -> str:
        cache_key = self._token_key(scopes)
        token = cache.get(cache_key)
        if token:
            return token
        response = self._requests_session.post(
            self._row.auth_token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": self.client_assertion(),
                "scope": " ".join(scopes),
            },
        )
        if not response.ok:
            raise LtiServiceException(response)
        try:
            body = response.json()
            token = str(body["access_token"])
            lifetime = int(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise LtiException("The LMS's token endpoint answered without a token.") from exc
        if lifetime > TOKEN_EXPIRY_MARGIN:
            cache.set(cache_key, token, lifetime - TOKEN_EXPIRY_MARGIN)
        return token

    def make_service_request(self, scopes, url, *args, **kwargs):
        """As pylti1p3's, and a token the LMS no longer accepts (401) is dropped and bought
        again once."""
        try:
            return super().make_service_request(scopes, url, *args, **kwargs)
        except LtiServiceException as exc:
            if exc.response.status_code != 401:
                raise
            cache.delete(self._token_key(scopes))
            return super().make_service_request(scopes, url, *args, **kwargs)
