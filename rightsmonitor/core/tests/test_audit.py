"""Every audit row, whatever its app, is written once and then neither changed nor deleted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from rightsmonitor.accounts.models import AccountEvent, User
from rightsmonitor.core.audit import AuditRow
from rightsmonitor.feedback.models import AccessLog
from rightsmonitor.participation.models import ParticipationEvent
from rightsmonitor.plans.tests.factories import ActionFactory
from rightsmonitor.reporting.models import MonitoringChange, ReportTransition
from rightsmonitor.reporting.tests.factories import ProgressReportFactory
from rightsmonitor.reporting.workflow import ReportState


def _transition(actor: User) -> AuditRow:
    return ReportTransition.objects.create(
        report=ProgressReportFactory(),
        name="submit",
        from_state=ReportState.DRAFT,
        to_state=ReportState.SUBMITTED,
        actor=actor,
    )


def _monitoring_change(actor: User) -> AuditRow:
    return MonitoringChange.objects.create(
        action=ActionFactory(),
        field=MonitoringChange.Field.ON_MONITORING,
        old_value="True",
        new_value="False",
        actor=actor,
    )


def _account_event(actor: User) -> AuditRow:
    return AccountEvent.objects.create(kind=AccountEvent.Kind.ROLE_CHANGED, actor=actor, user=actor)


def _participation_event(actor: User) -> AuditRow:
    return ParticipationEvent.objects.create(
        kind=ParticipationEvent.Kind.COMMENT_POSTED,
        actor=actor,
        subject_type="comment",
        subject_id=1,
    )


def _access_log(actor: User) -> AuditRow:
    return AccessLog.objects.create(
        kind=AccessLog.Kind.READ_CONTENT, user=actor, reference="ABCD2345", at=timezone.now()
    )


WRITERS = [_transition, _monitoring_change, _account_event, _participation_event, _access_log]


@pytest.mark.parametrize("write", WRITERS, ids=lambda w: w.__name__.strip("_"))
def test_a_saved_row_can_be_neither_changed_nor_deleted(
    write: Callable[[User], AuditRow], coordinator: User
) -> None:
    row = write(coordinator)
    model = type(row)
    actor_field = "user" if model is AccessLog else "actor"
    with pytest.raises(ValueError, match="Audit rows are immutable"):
        row.save()
    with pytest.raises(ValueError, match="Audit rows are immutable"):
        row.delete()
    with pytest.raises(ValueError, match="Audit rows are immutable"):
        model.objects.filter(pk=row.pk).update(**{actor_field: None})  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="Audit rows are immutable"):
        model.objects.filter(pk=row.pk).delete()  # type: ignore[attr-defined]
    assert model.objects.filter(pk=row.pk).exists()  # type: ignore[attr-defined]


def test_deleting_the_actor_still_empties_the_actor_column(coordinator: User) -> None:
    """Foreign keys keep working: the deletion collector does not go through the audit queryset."""
    rows = [write(coordinator) for write in WRITERS]
    coordinator.delete()
    for row in rows:
        row.refresh_from_db()
        assert getattr(row, "user_id" if isinstance(row, AccessLog) else "actor_id") is None


def test_a_retention_rule_may_purge_rows(coordinator: User) -> None:
    row = _access_log(coordinator)
    assert AccessLog.objects.filter(pk=row.pk).purge_past_retention()[0] == 1
    assert not AccessLog.objects.exists()
