"""Pages for API tokens (in the language-prefixed site, unlike the API itself)."""

from django.urls import URLPattern, path

from rightsmonitor.api import pages

app_name = "api_tokens"
urlpatterns: list[URLPattern] = [
    path("", pages.token_list, name="list"),
    path("new/", pages.token_issue, name="issue"),
    path("<int:pk>/revoke/", pages.token_revoke, name="revoke"),
]
