"""A real local HTTP server behaving like FCM HTTP v1 and Google's OAuth 2 token endpoint.

``POST /token``: the JWT-bearer grant (RFC 7523). The assertion's RS256 signature is verified
with the service account's public key, and its claims (iss, scope, aud = this URL, iat/exp
within an hour) are checked; an access token valid for ``token_lifetime`` seconds is issued.

``POST /v1/projects/{project}/messages:send``: the bearer must be an issued, unexpired token;
the body is validated with jsonschema against the schema derived from FCM's discovery document
(``tests/data/specs/fcm/derived-SendMessageRequest.schema.json``) plus FCM's own rules (exactly
one target, topic name pattern without ``/topics/``, 4,096 bytes). Errors in google.rpc.Status
shape with an ``FcmError`` detail.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

import jsonschema
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.peers.scripted_http import Answer, Fault, Request, ScriptedPeer

SCHEMA_PATH = (Path(__file__).resolve().parents[1] / "data" / "specs" / "fcm"
               / "derived-SendMessageRequest.schema.json")
SEND = re.compile(r"^/v1/projects/([a-z0-9-]+)/messages:send$")
TOPIC = re.compile(r"^[a-zA-Z0-9\-_.~%]+$")
SCOPE = "https://www.googleapis.com/auth/firebase.messaging"


@functools.cache
def fcm_validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    return cls(schema)


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fcm_error(status: int, state: str, error_code: str, message: str,
              **headers: str) -> Fault:
    return Fault(status, {"error": {"code": status, "message": message, "status": state,
                                    "details": [{
                                        "@type": "type.googleapis.com/"
                                                 "google.firebase.fcm.v1.FcmError",
                                        "errorCode": error_code}]}}, dict(headers))


class FcmPeer(ScriptedPeer):
    name = "fcm"

    def __init__(self, project_id: str, client_email: str, public_key: rsa.RSAPublicKey,
                 token_lifetime: int = 3600) -> None:
        super().__init__()
        self.project_id = project_id
        self.client_email = client_email
        self.public_key = public_key
        self.token_lifetime = token_lifetime
        self.tokens: dict[str, float] = {}  # access token → expiry (epoch)
        self.sent: list[dict[str, Any]] = []
        self.token_requests = 0
        self._ids = itertools.count(7000000000000000001)

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    def revoke_all(self) -> None:
        self.tokens.clear()

    # -- validation ------------------------------------------------------------------------

    def validate(self, request: Request) -> list[str]:
        if request.path == "/token":
            return self._validate_grant(request)
        if not SEND.match(request.path) or request.method != "POST":
            return [f"fcm: unsupported request {request.method} {request.path}"]
        body = request.json
        found = [f"schema: {'/'.join(map(str, e.absolute_path))}: {e.message}"[:300]
                 for e in fcm_validator().iter_errors(body)]
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(message, dict):
            targets = [k for k in ("token", "topic", "condition", "fid") if k in message]
            if len(targets) != 1:
                found.append(f"fcm-rule: exactly one target, got {targets}")
            topic = message.get("topic")
            if isinstance(topic, str) and (topic.startswith("/topics/")
                                           or not TOPIC.match(topic)):
                found.append(f"fcm-rule: invalid topic {topic!r}")
            if len(json.dumps(message, ensure_ascii=False).encode()) > 4096:
                found.append("fcm-rule: message larger than 4096 bytes")
        return found

    def _validate_grant(self, request: Request) -> list[str]:
        form = {k: v[-1] for k, v in request.form.items()}
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return [f"oauth: grant_type {form.get('grant_type')!r}"]
        parts = form.get("assertion", "").split(".")
        if len(parts) != 3:
            return ["oauth: assertion is not a JWT"]
        try:
            header = json.loads(_unb64(parts[0]))
            claims = json.loads(_unb64(parts[1]))
            self.public_key.verify(_unb64(parts[2]), f"{parts[0]}.{parts[1]}".encode(),
                                   padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, InvalidSignature) as exc:
            return [f"oauth: bad assertion ({type(exc).__name__})"]
        found = []
        if header.get("alg") != "RS256":
            found.append(f"oauth: alg {header.get('alg')!r}")
        if claims.get("iss") != self.client_email:
            found.append(f"oauth: iss {claims.get('iss')!r}")
        if claims.get("scope") != SCOPE:
            found.append(f"oauth: scope {claims.get('scope')!r}")
        if claims.get("aud") != self.token_url:
            found.append(f"oauth: aud {claims.get('aud')!r} is not {self.token_url}")
        now = time.time()
        iat, exp = claims.get("iat", 0), claims.get("exp", 0)
        if not (iat - 60 <= now <= exp and 0 < exp - iat <= 3600):
            found.append(f"oauth: iat/exp {iat}/{exp} not valid now")
        return found

    def authorized(self, request: Request) -> bool:
        if request.path == "/token":
            return True
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        return auth.startswith("Bearer ") and self.tokens.get(token, 0) > time.time()

    def unauthorized(self, request: Request) -> Answer:
        return Answer(401, {"error": {
            "code": 401, "status": "UNAUTHENTICATED",
            "message": "Request had invalid authentication credentials."}})

    def invalid(self, request: Request, violations: list[str]) -> Answer:
        if request.path == "/token":
            return Answer(400, {"error": "invalid_grant",
                                "error_description": "; ".join(violations)[:300]})
        fault = fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
                          "; ".join(violations)[:300])
        return Answer(400, fault.body)

    def accept(self, request: Request) -> Answer:
        if request.path == "/token":
            token = "ya29." + secrets.token_urlsafe(24)
            with self._lock:
                self.token_requests += 1
                self.tokens[token] = time.time() + self.token_lifetime
            return Answer(200, {"access_token": token, "expires_in": self.token_lifetime,
                                "token_type": "Bearer"})
        match = SEND.match(request.path)
        assert match is not None
        if match.group(1) != self.project_id:
            return Answer(403, fcm_error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH",
                                         "The project does not match.").body)
        with self._lock:
            self.sent.append(request.json["message"])
        return Answer(200, {"name": f"projects/{self.project_id}/messages/{next(self._ids)}"})

    def check_answer(self, request: Request, answer: Answer) -> list[str]:
        body = answer.body
        if request.path == "/token" or answer.status != 200:
            return []
        name = body.get("name", "") if isinstance(body, dict) else ""
        ok = re.match(rf"^projects/{self.project_id}/messages/\d+$", name)
        return [] if ok else [f"200 without a message name: {body!r}"]


def make_service_account(path_token_url: str = "") -> tuple[rsa.RSAPrivateKey, str]:
    """A throwaway key pair and the service-account JSON Google would issue for it."""
    from cryptography.hazmat.primitives import serialization

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    account = {
        "type": "service_account", "project_id": "issei-test", "private_key_id": "k1",
        "private_key": pem, "client_email": "issei@issei-test.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": path_token_url or "https://oauth2.googleapis.com/token",
    }
    return key, json.dumps(account)
