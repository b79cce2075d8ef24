from django.urls import path

from rightsmonitor.portal.views import dashboard, feeds, opendata, pages, search, seo

app_name = "portal"
urlpatterns = [
    path("", pages.home, name="home"),
    path("plans/", pages.plan_list, name="plan_list"),
    path("plans/<slug:code>/", pages.plan_detail, name="plan"),
    path("plans/<slug:code>/actions/<str:number>/", pages.action_detail, name="action"),
    path("agencies/", pages.agency_list, name="agency_list"),
    path("agencies/<str:abbreviation>/", pages.agency_detail, name="agency"),
    # Dashboard per plan
    path("plans/<slug:code>/dashboard/", dashboard.placeholder, name="dashboard"),
    # Search across everything
    path("search/", search.placeholder, name="search"),
    # Open data
    path("data/", opendata.placeholder, name="data"),
    # Feeds and calendars
    path("feeds/", feeds.placeholder, name="feeds"),
    # Sitemap and robots
    path("sitemap.xml", seo.placeholder, name="sitemap"),
]
