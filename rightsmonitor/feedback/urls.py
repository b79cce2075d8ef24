"""Feedback pages (namespace "feedback"): public submission and check, staff cases, admin."""

from django.urls import URLPattern, URLResolver, path

from rightsmonitor.feedback import views

app_name = "feedback"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.submit, name="submit"),
    path("check/", views.check, name="check"),
    path("check/reply/", views.reply, name="reply"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/contact/", views.case_contact, name="case_contact"),
    path("cases/<int:pk>/file/", views.case_file, name="case_file"),
    path("cases/<int:pk>/answer/", views.case_answer, name="case_answer"),
    path("cases/<int:pk>/steps/<str:name>/", views.case_transition, name="case_transition"),
    path("cases/<int:pk>/notes/", views.case_note, name="case_note"),
    path("cases/<int:pk>/notes/<int:note_pk>/file/", views.note_file, name="note_file"),
    path("cases/<int:pk>/refer/", views.case_refer, name="case_refer"),
    path(
        "cases/<int:pk>/referrals/<int:referral_pk>/withdraw/",
        views.referral_withdraw,
        name="referral_withdraw",
    ),
    path("cases/<int:pk>/due/", views.case_due, name="case_due"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("access-log/", views.access_log, name="access_log"),
]
