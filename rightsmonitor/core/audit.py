"""Audit rows: one row per event, naming who did it and when, written once and never changed.

Editable objects (plans, actions, progress reports, ...) keep their versions in
django-simple-history. Events and steps (a report's transition, a change of monitoring, an
account event, a participation event, a read of confidential feedback) are rows of their own
app's model, and every such model inherits ``AuditRow``. The shared idea:

- an **actor** (a user, or nobody for the public and for the system) and a **time**, in fields
  each model names as it likes (``actor``/``at``, ``actor``/``created_at``, ``user``/``at``);
- **immutable**: ``save()`` refuses to update a saved row, ``delete()`` refuses always, and the
  default manager's querysets refuse ``update()`` and ``delete()`` in bulk.

``AuditRow`` has no fields, so inheriting it needs no migration. Deleting the object a row
points to still works as its foreign key says (CASCADE or SET_NULL): Django's deletion
collector goes through the plain base manager, not through these querysets.

The one way to delete audit rows is ``AuditRowQuerySet.purge_past_retention()``, for a
retention rule written in an app's ``actions.py`` (today only feedback's
``purge_closed_cases``, which keeps access-log rows only for FEEDBACK_RETENTION_DAYS).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

IMMUTABLE = "Audit rows are immutable."

_Row = TypeVar("_Row", bound="AuditRow")


class AuditRowQuerySet(models.QuerySet[_Row]):
    """Audit rows in bulk: read them, add them; bulk updates and deletes are refused."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError(IMMUTABLE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError(IMMUTABLE)

    def purge_past_retention(self) -> tuple[int, dict[str, int]]:
        """Delete these rows because a retention period says so; returns what ``delete()`` would.

        Only for a documented retention rule in an app's actions (feedback's
        ``purge_closed_cases``); never to tidy or correct an audit trail.
        """
        return super().delete()


class AuditRow(models.Model):
    """Base of every audit row: written once by an action, never changed, never deleted."""

    objects = AuditRowQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(IMMUTABLE)
