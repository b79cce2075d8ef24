"""Participation pages (namespace "participation")."""

from django.urls import URLPattern, URLResolver, path

from rightsmonitor.participation import views

app_name = "participation"
urlpatterns: list[URLPattern | URLResolver] = [
    # Organisations
    path("organisations/register/", views.register, name="register"),
    path("organisations/register/sent/", views.register_sent, name="register_sent"),
    path("organisations/applications/", views.applications, name="applications"),
    path(
        "organisations/applications/<int:pk>/<str:name>/", views.decide, name="decide_application"
    ),
    path("organisations/<int:pk>/approve/", views.accredit, name="accredit"),
    # Comments and moderation
    path("actions/<int:action_pk>/comments/", views.action_comments, name="action_comments"),
    path("reports/<int:report_pk>/comments/", views.report_comments, name="report_comments"),
    path(
        "assessments/<int:assessment_pk>/comments/",
        views.assessment_comments,
        name="assessment_comments",
    ),
    path("comments/<int:pk>/reply/", views.comment_reply, name="reply"),
    path("moderation/", views.moderation, name="moderation"),
    path("comments/<int:pk>/moderate/<str:name>/", views.moderate, name="moderate"),
    # Shadow ratings
    path("ratings/", views.my_ratings, name="my_ratings"),
    path("ratings/<int:pk>/edit/", views.rating_edit, name="rating_edit"),
    path("actions/<int:action_pk>/rate/", views.rate_action, name="rate_action"),
    path("actions/<int:action_pk>/ratings/", views.action_ratings_page, name="action_ratings"),
    path("plans/<slug:code>/ratings/", views.plan_ratings, name="plan_ratings"),
    # Consultations
    path("consultations/", views.consultation_list, name="consultations"),
    path("plans/<slug:code>/consultations/new/", views.consultation_new, name="consultation_new"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path(
        "consultations/<int:pk>/actions/<int:action_pk>/",
        views.consultation_action,
        name="consultation_action",
    ),
    path(
        "consultations/<int:pk>/step/<str:name>/",
        views.consultation_step,
        name="consultation_step",
    ),
    path(
        "consultations/<int:pk>/summary.<str:fmt>",
        views.consultation_summary,
        name="consultation_summary",
    ),
]
