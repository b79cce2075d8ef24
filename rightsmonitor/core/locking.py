"""Optimistic locking: an edit carries the version it started from.

Two coordinators editing the same action must not silently overwrite each other. Each
lockable row has a ``version`` column; an update succeeds only if the version is still the one
the editor loaded, and bumps it. The loser gets ``ConcurrentEditError`` and a form error.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class ConcurrentEditError(Exception):
    message = _(
        "Someone else changed this record while you were editing it. "
        "Reload the page to see their changes, then apply yours again."
    )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def claim_version(instance: VersionedModel, expected_version: int | None) -> None:
    """Bump the stored version if it still equals ``expected_version``; raise otherwise.

    Call inside the transaction that saves the instance, before saving it.
    """
    if instance.pk is None:
        return
    if expected_version is None:
        expected_version = instance.version
    updated = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1)
    )
    if not updated:
        raise ConcurrentEditError(ConcurrentEditError.message)
    instance.version = expected_version + 1
