"""Versioned API: /api/v1/... (a later v2 gets its own router and namespace).

The viewsets of each domain module (``api/<domain>.py``) are registered here; routes the router
does not make come from the module's own ``urlpatterns``.
"""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from rightsmonitor.api import errors, indicators, participation, plans, recommendations, reporting

router = DefaultRouter()
router.register("plans", plans.PlanViewSet, basename="plan")
router.register("sections", plans.SectionViewSet, basename="section")
router.register("actions", plans.ActionViewSet, basename="action")
router.register("agencies", plans.AgencyViewSet, basename="agency")
router.register("instruments", plans.InstrumentViewSet, basename="instrument")
router.register("reports", reporting.ReportViewSet, basename="report")
router.register("periods", reporting.ReportingPeriodViewSet, basename="period")
router.register("indicators", indicators.IndicatorViewSet, basename="indicator")
router.register("observations", indicators.ObservationViewSet, basename="observation")
router.register("recommendations", recommendations.RecommendationViewSet, basename="recommendation")
router.register("comments", participation.CommentViewSet, basename="comment")
router.register("shadow-ratings", participation.ShadowRatingViewSet, basename="shadow-rating")
# What these answer a request without credentials is public and the same for everyone: the
# shared cache keeps it until content changes (core/pagecache.py).
for _prefix, viewset, _basename in router.registry:
    viewset.public_cache = True  # type: ignore[attr-defined]

v1: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    *reporting.urlpatterns,
    *recommendations.urlpatterns,
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
]

urlpatterns = [
    path("v1/", include((v1, "v1"), namespace="v1")),
    # The docs page loads its script from a URL (no inline script), which the CSP requires.
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="v1:schema"), name="api-docs"),
    # Last: whatever else ends in a slash is a JSON 404. (Without the slash, Django first
    # redirects to it, as everywhere.)
    re_path(r"^(?:.*/)?$", errors.not_found),
]
