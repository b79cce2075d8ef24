"""A home per role (namespace "home"): what waits for the signed-in user, in one page."""

from django.urls import URLPattern, path

from rightsmonitor.home import views

app_name = "home"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="index"),
    path("count/", views.work_count, name="count"),
    path("work.xlsx", views.work_export, name="export"),
]
