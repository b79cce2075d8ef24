"""Reporting pages (namespace "reporting").

Agency side (views.py): my tasks, a report's page, editing, evidence, workflow transitions.
Coordinator side (review_views.py): dashboard, monitoring verdicts, schedules, agency settings.
"""

from django.urls import URLPattern, URLResolver, path

from rightsmonitor.reporting import bulk_views, public_views, review_views, views

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [
    # Agency side
    path("tasks/", views.my_tasks, name="my_tasks"),
    path(
        "actions/<int:action_pk>/periods/<int:period_pk>/start/",
        views.report_start,
        name="report_start",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/assign/", views.report_assign, name="report_assign"),
    path("reports/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "reports/<int:pk>/transition/<str:name>/", views.report_transition, name="report_transition"
    ),
    path("notifications/", views.notifications, name="notifications"),
    # Everyone: the files of accepted reports of public plans
    path("evidence/<int:evidence_pk>/", public_views.public_evidence, name="public_evidence"),
    # Coordinator side
    path("dashboard/", review_views.dashboard, name="dashboard"),
    path("dashboard/bulk/", bulk_views.bulk_review, name="bulk_review"),
    path("actions/<int:action_pk>/timeline/", review_views.action_timeline, name="action_timeline"),
    path(
        "actions/<int:action_pk>/monitoring/",
        review_views.action_monitoring,
        name="action_monitoring",
    ),
    path("plans/<slug:code>/schedule/", review_views.plan_schedule, name="plan_schedule"),
    path(
        "agencies/<int:agency_pk>/settings/", review_views.agency_settings, name="agency_settings"
    ),
]
