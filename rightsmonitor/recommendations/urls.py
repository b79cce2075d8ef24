"""Recommendation pages. The fixed addresses come before ``<int:pk>/``."""

from django.urls import path

from rightsmonitor.core.pagecache import public_page
from rightsmonitor.recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("", public_page(views.search), name="search"),
    path("coverage/", public_page(views.coverage), name="coverage"),
    path("follow-up.<str:fmt>", views.followup, name="followup"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.import_run, name="import_run"),
    path("import/<int:pk>/progress/", views.import_run_progress, name="import_run_progress"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("import/<int:pk>/rejected.csv", views.import_rejected, name="import_rejected"),
    path("action/<int:action_pk>/", views.action_recommendations, name="action_recommendations"),
    path("<int:pk>/", public_page(views.detail), name="detail"),
    path("<int:pk>/link/", views.link, name="link"),
    path("<int:pk>/links/<int:link_pk>/remove/", views.unlink, name="unlink"),
    path("<int:pk>/suggestions/<int:action_pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/suggestions/<int:action_pk>/reject/", views.reject, name="reject"),
]
