"""The proof of work that anyone submitting an action without an account does: ALTCHA
challenges made and verified by this site (the `altcha` library), solved in the browser by the
widget bundled from npm. No third-party service sees the submitter.

A challenge is signed (HMAC, with a key derived from SECRET_KEY), expires after POW_MINUTES,
and in "deterministic" mode carries the HMAC of the expected key, so that verifying costs the
server one HMAC while solving costs the browser up to POW_COUNTER key derivations. A solved
challenge is accepted once: its signature is kept in the database until it expires.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import altcha
from django.conf import settings
from django.utils.translation import gettext as _

from unmask.accounts.throttle import spend

ALGORITHM = "PBKDF2/SHA-256"


def _secret(purpose: str) -> str:
    return hashlib.sha256(f"unmask-pow-{purpose}:{settings.SECRET_KEY}".encode()).hexdigest()


def challenge() -> dict:
    """A new challenge, as the widget reads it."""
    top = max(2, settings.POW_COUNTER)
    made = altcha.create_challenge(
        ALGORITHM,
        settings.POW_COST,
        counter=top // 2 + secrets.randbelow(top - top // 2),
        expires_at=int(time.time()) + settings.POW_MINUTES * 60,
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return made.to_dict()


@dataclass
class Verdict:
    ok: bool
    message: str = ""


def verify(payload: str) -> Verdict:
    """Check a solved challenge from the form, and spend it. The message says what is wrong in
    words a submitter understands; a replayed payload is refused like a wrong one."""
    if not payload:
        return Verdict(
            False,
            _("The anti-spam check did not run. Wait for it to finish, then send the form again."),
        )
    result = altcha.verify_solution(payload, _secret("challenge"), hmac_key_secret=_secret("key"))
    if result.expired:
        return Verdict(
            False, _("The anti-spam check expired. It runs again; then send the form again.")
        )
    if not result.verified:
        return Verdict(
            False, _("The anti-spam check failed. It runs again; then send the form again.")
        )
    signature = altcha.Payload.from_base64(payload).challenge.signature
    if not spend(signature, settings.POW_MINUTES * 60 + 60):
        return Verdict(
            False,
            _("This anti-spam check was already used. It runs again; then send the form again."),
        )
    return Verdict(True)
