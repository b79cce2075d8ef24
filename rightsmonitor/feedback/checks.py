"""System checks of the feedback channel's keys.

- ``feedback.E001`` (``check --deploy``): production without FEEDBACK_KEYS of its own.
- ``feedback.E002`` (checks given a database: ``migrate``, ``check --database default``): the
  keys cannot read the canary, i.e. they are not the keys the stored feedback was written with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from rightsmonitor.feedback.crypto import check_canary


@register(Tags.security, deploy=True)
def check_keys_configured(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.FEEDBACK_KEYS and not settings.FEEDBACK_DEVELOPMENT_KEY:
        return []
    return [
        Error(
            "FEEDBACK_KEYS is not set: confidential feedback would be encrypted with a key "
            "derived from SECRET_KEY, or not at all.",
            hint='Set FEEDBACK_KEYS to a key made with: python -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"',
            id="feedback.E001",
        )
    ]


@register(Tags.database)
def check_keys_read_the_data(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for alias in databases or ():
        problem = check_canary(alias)
        if problem:
            errors.append(Error(problem, id="feedback.E002"))
    return errors
