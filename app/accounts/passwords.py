"""Salted, slow password hashes with the standard library's scrypt (no extra dependency).

Stored as ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` so the cost can rise later without
invalidating old hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

N, R, P = 2**14, 8, 1  # ~50 ms on this class of machine: slow for a guesser, fine at sign-in
KEY_LENGTH = 32


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("パスワードを入力してください")
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P,
                            dklen=KEY_LENGTH)
    return "$".join(["scrypt", str(N), str(R), str(P), base64.b64encode(salt).decode(),
                     base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)
