"""Two-factor questions and code checks over django-otp's devices.

Each user has at most one confirmed authenticator app (a ``TOTPDevice``) and one set of
single-use backup codes (a ``StaticDevice``). Two-factor authentication is "on" when the
authenticator app is confirmed.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"


def confirmed_authenticator(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user: Any) -> bool:
    return (
        bool(user.is_authenticated)
        and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def unconfirmed_authenticator(user: Any) -> TOTPDevice:
    """The device being set up: reused while the user reloads the page, created once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def new_backup_codes() -> list[str]:
    return [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]


def normalise_code(code: str) -> str:
    """Codes are often copied with spaces or typed with hyphens; backup codes are lower case."""
    return "".join(code.split()).replace("-", "").lower()


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None
    throttled: bool = False


def check_code(user: Any, *, code: str = "", backup_code: str = "") -> CodeCheck:
    """Check an authenticator code (or else a backup code) against the user's confirmed devices.

    A backup code is used up when it matches. Wrong codes count towards django-otp's throttling
    of the device (each failure doubles the wait before the next attempt).
    """
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if code else StaticDevice
    token = normalise_code(code or backup_code)
    if not token:
        return CodeCheck(None)
    throttled = False
    with transaction.atomic():
        devices = model.objects.filter(user=user, confirmed=True).select_for_update()
        for device in devices:
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(token):
                return CodeCheck(device)
    return CodeCheck(None, throttled=throttled)


def check_setup_code(device: TOTPDevice, code: str) -> CodeCheck:
    """Check the first code from an authenticator app that is being set up."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _info = locked.verify_is_allowed()
        if not allowed:
            return CodeCheck(None, throttled=True)
        if locked.verify_token(normalise_code(code)):
            return CodeCheck(locked)
    return CodeCheck(None)


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as authenticator apps ask for it."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (the CSP allows img-src data:)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
