"""Assessment pages (namespace "assessments")."""

from django.urls import URLPattern, URLResolver, path

from rightsmonitor.assessments import views

app_name = "assessments"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="edit"),
    path("<int:pk>/transition/<str:name>/", views.assessment_transition, name="transition"),
    path("<int:pk>/new-edition/", views.assessment_new_edition, name="new_edition"),
    path("<int:pk>/generate/", views.assessment_generate, name="generate"),
    path("<int:pk>/progress/", views.assessment_progress, name="progress"),
    path(
        "<int:pk>/files/<str:file_format>/<str:language>/",
        views.assessment_file,
        name="file",
    ),
]
