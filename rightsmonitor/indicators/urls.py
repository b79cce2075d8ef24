"""Indicator pages. The fixed addresses come before ``<code>/``: no indicator may be coded
``upload`` or ``review`` (the catalogue's codes look like ``TORT-P1``)."""

from django.urls import path

from rightsmonitor.core.pagecache import public_page
from rightsmonitor.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", public_page(views.overview), name="overview"),
    path("upload/", views.upload, name="upload"),
    path("review/", views.review, name="review"),
    path("<str:code>/", public_page(views.indicator_detail), name="detail"),
    path("<str:code>/enter/", views.enter, name="enter"),
    path("<str:code>/download.<str:fmt>", views.download, name="download"),
]
