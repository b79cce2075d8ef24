from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog

from rightsmonitor.core.views import health

urlpatterns: list[URLPattern | URLResolver] = [
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("rightsmonitor.api.urls")),
]

# Pages carry their language in the address (/ru/plans/...), English without a prefix, so a
# shared link opens in the language it was shared in.
urlpatterns += i18n_patterns(
    path("", include("rightsmonitor.portal.urls")),
    path("accounts/", include("rightsmonitor.accounts.urls")),
    path("home/", include("rightsmonitor.home.urls")),
    path("manage/", include("rightsmonitor.plans.urls")),
    path("reporting/", include("rightsmonitor.reporting.urls")),
    path("assessments/", include("rightsmonitor.assessments.urls")),
    path("indicators/", include("rightsmonitor.indicators.urls")),
    path("recommendations/", include("rightsmonitor.recommendations.urls")),
    path("api-tokens/", include("rightsmonitor.api.page_urls")),
    # participation
    path("participation/", include("rightsmonitor.participation.urls")),
    # feedback
    path("feedback/", include("rightsmonitor.feedback.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=False,
)
# Uploaded files are never served from MEDIA_URL, not even in development: evidence may be a
# draft only its agency may see, so it goes through reporting's evidence_download view.
