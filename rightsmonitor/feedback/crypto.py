"""Encryption at rest of the feedback channel (Fernet: AES-128-CBC with HMAC-SHA256).

``settings.FEEDBACK_KEYS`` lists the keys: the first encrypts, all decrypt (``MultiFernet``),
so a rotation is: put a new key first, run ``manage.py rotate_feedback_keys`` (which calls
``rotate_token`` on every stored token and file), then remove the old key.

A wrong key must stop the application rather than show garbage or fail case by case: a known
text (the canary, ``KeyCanary``) is encrypted with the keys when the first case is stored, and
``check_canary`` tries to read it back (system check on ``migrate``/``check --database``, and
``verify_keys_at_start`` when the WSGI application loads).
"""

from __future__ import annotations

import functools
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

CANARY_TEXT = b"rightsmonitor feedback canary v1"
WRONG_KEY_MESSAGE = (
    "FEEDBACK_KEYS cannot decrypt the stored feedback: none of the keys is the one the data "
    "was encrypted with. Restore the previous key (a rotation keeps the old key after the new "
    "one until rotate_feedback_keys has run)."
)


class UndecryptableError(ImproperlyConfigured):
    """A stored token that none of the configured keys can read."""


@functools.lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def keys() -> MultiFernet:
    configured = tuple(settings.FEEDBACK_KEYS)
    if not configured:
        raise ImproperlyConfigured(
            "FEEDBACK_KEYS is not set: the confidential feedback channel needs an encryption key "
            "in production (see README, Configuration)."
        )
    return _multifernet(configured)


def encrypt_bytes(data: bytes) -> bytes:
    return keys().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return keys().decrypt(token)
    except InvalidToken as exc:
        raise UndecryptableError(WRONG_KEY_MESSAGE) from exc


def encrypt_text(text: str) -> str:
    """A Fernet token (ASCII) for ``text``; "" stays "" so that "nothing given" needs no key."""
    return encrypt_bytes(text.encode()).decode("ascii") if text else ""


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode() if token else ""


def rotate_token(token: bytes) -> bytes:
    """The same plaintext encrypted with the first key (MultiFernet.rotate)."""
    try:
        return keys().rotate(token)
    except InvalidToken as exc:
        raise UndecryptableError(WRONG_KEY_MESSAGE) from exc


def rotate_text(token: str) -> str:
    return rotate_token(token.encode("ascii")).decode("ascii") if token else ""


# The canary ------------------------------------------------------------------------------------


def ensure_canary() -> None:
    """Store the canary if there is none yet (called when a case is stored)."""
    from rightsmonitor.feedback.models import KeyCanary

    if not KeyCanary.objects.exists():
        KeyCanary.objects.create(token=encrypt_text(CANARY_TEXT.decode()))


def check_canary(using: str = "default") -> str | None:
    """Why the configured keys cannot be used with the database ``using``, or None if they can.

    No canary yet (nothing encrypted so far) or no table yet (before ``migrate``) is fine.
    """
    from rightsmonitor.feedback.models import KeyCanary

    try:
        canary = KeyCanary.objects.using(using).first()
    except DatabaseError:
        return None
    if canary is None:
        return None
    if not settings.FEEDBACK_KEYS:
        return "FEEDBACK_KEYS is not set, but the database holds encrypted feedback."
    try:
        plain = decrypt_text(canary.token)
    except UndecryptableError:
        return WRONG_KEY_MESSAGE
    return None if plain.encode() == CANARY_TEXT else WRONG_KEY_MESSAGE


def verify_keys_at_start() -> None:
    """Refuse to serve (ImproperlyConfigured) with no key, or keys that cannot read the data."""
    keys()
    try:
        problem = check_canary()
    finally:
        # A server that loads the application before forking workers (gunicorn --preload)
        # must not hand them this connection. Inside a transaction (tests) it is not ours.
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
    if problem:
        raise ImproperlyConfigured(problem)
