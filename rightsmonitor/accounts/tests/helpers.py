"""Real django-otp devices and codes for tests (no mocks)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rightsmonitor.accounts.models import User

BACKUP_CODES = [f"backup{n:02d}" for n in range(10)]


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    return f"{totp(device.bin_key, step=device.step, drift=steps_ahead):0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    right = {code_for(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def enable_two_factor(user: User) -> TOTPDevice:
    """A confirmed authenticator app and ten known backup codes, as set-up leaves them."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=t) for t in BACKUP_CODES)
    return device


def link_in(body: str) -> str:
    """The path of the first http(s) link in an e-mail body."""
    match = re.search(r"https?://\S+", body)
    assert match, body
    return urlsplit(match.group(0)).path
