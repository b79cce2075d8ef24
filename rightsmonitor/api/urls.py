"""Versioned API: /api/v1/... (a later v2 gets its own router and namespace)."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from rightsmonitor.api import indicators, participation, recommendations, reporting, views

router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("sections", views.SectionViewSet, basename="section")
router.register("actions", views.ActionViewSet, basename="action")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("instruments", views.InstrumentViewSet, basename="instrument")
router.register("reports", reporting.ReportViewSet, basename="report")
router.register("periods", reporting.ReportingPeriodViewSet, basename="period")
router.register("indicators", indicators.IndicatorViewSet, basename="indicator")
router.register("observations", indicators.ObservationViewSet, basename="observation")
router.register("recommendations", recommendations.RecommendationViewSet, basename="recommendation")
# participation
router.register("comments", participation.CommentViewSet, basename="comment")
router.register("shadow-ratings", participation.ShadowRatingViewSet, basename="shadow-rating")

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
]
