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
    path("plans/<slug:code>/dashboard/", dashboard.plan_dashboard, name="dashboard"),
    # Search across everything
    path("search/", search.site_search, name="search"),
    # Open data
    path("data/", opendata.data_catalogue, name="data"),
    path("data/<slug:dataset>.<str:fmt>", opendata.download, name="data_download"),
    # Feeds and calendars
    path("feeds/", feeds.feed_list, name="feeds"),
    path("plans/<slug:code>/feed.atom", feeds.plan_feed, name="plan_feed"),
    path("plans/<slug:code>/deadlines.ics", feeds.plan_calendar, name="plan_calendar"),
    path("agencies/<str:abbreviation>/feed.atom", feeds.agency_feed, name="agency_feed"),
    path(
        "agencies/<str:abbreviation>/deadlines.ics", feeds.agency_calendar, name="agency_calendar"
    ),
    # Sitemap and robots
    path("sitemap.xml", seo.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", seo.sitemap_section, name="sitemap_section"),
    path("robots.txt", seo.robots_txt, name="robots"),
]
