"""The tool's RSA key pair: made once on first use (or by ``ltiregister``), kept in the database
so every web process signs with the same key, published at ``/lti/jwks/``.

Rotating: add a key (``new_key()``) and deactivate the old one after the platforms have fetched
the new JWKS; every active key is published, the newest signs.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from lti.models import ToolKey

KEY_BITS = 2048


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    numbers = private.public_key().public_numbers()
    jwk = {"kty": "RSA", "e": _b64(numbers.e), "n": _b64(numbers.n), "alg": "RS256", "use": "sig"}
    # RFC 7638 thumbprint as the key id: stable, and derived from the key alone.
    canonical = f'{{"e":"{jwk["e"]}","kty":"RSA","n":"{jwk["n"]}"}}'
    jwk["kid"] = (
        base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return ToolKey.objects.create(kid=jwk["kid"], private_key_pem=pem, public_jwk=jwk)


def signing_key() -> ToolKey:
    """The newest active key, made on first use (two processes racing make one each; both are
    published, the newer signs: harmless)."""
    key = ToolKey.objects.filter(active=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return new_key()
    except IntegrityError:  # the same kid twice cannot happen with fresh keys; be safe anyway
        return ToolKey.objects.filter(active=True).first()


def jwks() -> dict:
    signing_key()  # the JWKS is never empty
    return {"keys": [key.public_jwk for key in ToolKey.objects.filter(active=True)]}
