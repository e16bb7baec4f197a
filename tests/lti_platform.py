"""A test LTI 1.3 platform (an "LMS"), built from the specifications, serving on loopback.

It has its own RSA key pair and serves, over real HTTP on 127.0.0.1 (a ``http.server`` thread):

- ``GET /jwks``: its public keys (the tool verifies id_tokens with them);
- ``POST /token``: OAuth2 client credentials with a JWT client assertion (RFC 7523), verified
  against the tool's public JWKS (iss = sub = client id, aud = this URL, a fresh jti);
- ``POST /lineitems/<n>/scores``: Assignment and Grade Services scores, recorded (bearer token
  and score media type checked);
- ``GET /memberships``: a Names and Role Provisioning Services membership container;
- ``GET /auth``: the OIDC authorisation endpoint, for browser tests: a page that form-posts the
  id_token (``next_claims`` with the request's nonce) to the tool's redirect URI;
- ``POST /deep_links``: the deep-linking return URL, which records the response JWT.

The test plays the browser: it follows the tool's redirect to ``/auth`` by reading its query
(state, nonce) and posts the id_token this platform signs (``id_token``) to the tool's launch.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "netlearn-client"
DEPLOYMENT_ID = "deployment-1"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
LEARNER = f"{LIS}membership#Learner"
INSTRUCTOR = f"{LIS}membership#Instructor"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class Platform:
    def __init__(self) -> None:
        self.key = rsa_key()
        self.kid = "platform-key-1"
        self.tool_jwks: dict = {"keys": []}  # the tool's public keys, given by the test
        self.tokens: dict[str, str] = {}  # access token -> scope
        self.token_requests: list[dict] = []
        self.scores: list[dict] = []
        self.members: list[dict] = []
        self.jwks_fetches = 0
        self.next_claims: dict = {}  # what /auth signs next (a browser-driven launch)
        self.deep_link_responses: list[str] = []
        self.seen_jti: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle --

    def start(self) -> Platform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def issuer(self) -> str:
        return self.url

    def lineitem(self, n: int = 1) -> str:
        return f"{self.url}/lineitems/{n}"

    # -- messages --

    def claims(self, **overrides) -> dict:
        """A resource link launch's claims for a learner (override any of them; None drops one)."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "learner-1",
            "iat": now,
            "exp": now + 300,
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": "ada@school.example",
            f"{LTI}message_type": "LtiResourceLinkRequest",
            f"{LTI}version": "1.3.0",
            f"{LTI}deployment_id": DEPLOYMENT_ID,
            f"{LTI}resource_link": {"id": "link-1", "title": "Routing"},
            f"{LTI}roles": [LEARNER],
            f"{LTI}context": {"id": "course-101", "title": "Networking 101", "label": "NET101"},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": AGS_SCOPES,
                "lineitems": f"{self.url}/lineitems",
                "lineitem": self.lineitem(1),
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.url}/memberships",
                "service_versions": ["2.0"],
            },
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def id_token(self, claims: dict, *, key: rsa.RSAPrivateKey | None = None) -> str:
        return jwt.encode(
            claims, pem(key or self.key), algorithm="RS256", headers={"kid": self.kid}
        )

    # -- what the platform's endpoints do --

    def jwks(self) -> dict:
        self.jwks_fetches += 1
        return {"keys": [public_jwk(self.key, self.kid)]}

    def issue_token(self, form: dict[str, str]) -> tuple[int, dict]:
        self.token_requests.append(form)
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return 400, {"error": "unsupported_grant_type"}
        try:
            header = jwt.get_unverified_header(form["client_assertion"])
            [jwk] = [k for k in self.tool_jwks["keys"] if k["kid"] == header["kid"]]
            claims = jwt.decode(
                form["client_assertion"],
                jwt.PyJWK(jwk).key,
                algorithms=["RS256"],
                audience=f"{self.url}/token",
                options={"require": ["exp", "iat", "jti", "iss", "sub"]},
            )
        except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
            return 401, {"error": "invalid_client", "error_description": str(exc)}
        if (
            claims["iss"] != CLIENT_ID
            or claims["sub"] != CLIENT_ID
            or claims["jti"] in self.seen_jti
        ):
            return 401, {"error": "invalid_client"}
        self.seen_jti.add(claims["jti"])
        token = secrets.token_urlsafe(16)
        self.tokens[token] = form.get("scope", "")
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def authorised(self, headers, scope: str) -> bool:
        auth = headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        return auth.startswith("Bearer ") and scope in self.tokens.get(token, "").split()


def _handler(platform: Platform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet test output
            pass

        def _send(self, status: int, body: dict | None = None, content_type="application/json"):
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/jwks":
                return self._send(200, platform.jwks())
            if path == "/auth":
                return self._authorise()
            if path == "/memberships":
                scope = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
                if not platform.authorised(self.headers, scope):
                    return self._send(401, {"error": "unauthorised"})
                container = {
                    "id": f"{platform.url}/memberships",
                    "context": {"id": "course-101", "title": "Networking 101"},
                    "members": platform.members,
                }
                return self._send(
                    200, container, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
                )
            return self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            if path == "/token":
                form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
                status, body = platform.issue_token(form)
                return self._send(status, body)
            if path == "/deep_links":
                form = parse_qs(self._body().decode())
                platform.deep_link_responses.append(form["JWT"][0])
                data = b"<!doctype html><title>LMS</title><h1>Content added</h1>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None
            if path.startswith("/lineitems/") and path.endswith("/scores"):
                if not platform.authorised(self.headers, AGS_SCOPES[2]):
                    return self._send(401, {"error": "unauthorised"})
                if self.headers.get("Content-Type") != SCORE_TYPE:
                    return self._send(415, {"error": "score media type expected"})
                score = json.loads(self._body())
                platform.scores.append({**score, "lineitem": path.removesuffix("/scores")})
                return self._send(200, {})
            return self._send(404, {"error": "not found"})

        def _authorise(self) -> None:
            """The platform's side of the OIDC login: sign the launch for the nonce the tool
            chose and post it to the tool's redirect URI (response_mode=form_post)."""
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            token = platform.id_token(platform.claims(nonce=query["nonce"], **platform.next_claims))
            page = (
                "<!doctype html><title>LMS</title>"
                f'<form method="post" action="{html.escape(query["redirect_uri"])}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{html.escape(query["state"])}">'
                "<button>Launch</button></form>"
                "<script>document.forms[0].submit()</script>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    return Handler
