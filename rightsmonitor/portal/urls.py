from django.urls import path

from rightsmonitor.core.pagecache import public_page
from rightsmonitor.portal.views import dashboard, feeds, opendata, pages, search, seo

app_name = "portal"
# public_page: anonymous readers get these from the shared cache until content changes.
urlpatterns = [
    path("", public_page(pages.home), name="home"),
    path("plans/", public_page(pages.plan_list), name="plan_list"),
    path("plans/<slug:code>/", public_page(pages.plan_detail), name="plan"),
    path(
        "plans/<slug:code>/actions/<str:number>/", public_page(pages.action_detail), name="action"
    ),
    path("agencies/", public_page(pages.agency_list), name="agency_list"),
    path("agencies/<str:abbreviation>/", public_page(pages.agency_detail), name="agency"),
    # Dashboard per plan
    path("plans/<slug:code>/dashboard/", public_page(dashboard.plan_dashboard), name="dashboard"),
    # Search across everything
    path("search/", public_page(search.site_search), name="search"),
    # Open data
    path("data/", public_page(opendata.data_catalogue), name="data"),
    path("data/<slug:dataset>.<str:fmt>", opendata.download, name="data_download"),
    # Feeds and calendars
    path("feeds/", public_page(feeds.feed_list), name="feeds"),
    path("plans/<slug:code>/feed.atom", public_page(feeds.plan_feed), name="plan_feed"),
    path("plans/<slug:code>/deadlines.ics", public_page(feeds.plan_calendar), name="plan_calendar"),
    path(
        "agencies/<str:abbreviation>/feed.atom", public_page(feeds.agency_feed), name="agency_feed"
    ),
    path(
        "agencies/<str:abbreviation>/deadlines.ics",
        public_page(feeds.agency_calendar),
        name="agency_calendar",
    ),
    # Sitemap and robots
    path("sitemap.xml", seo.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", seo.sitemap_section, name="sitemap_section"),
    path("robots.txt", seo.robots_txt, name="robots"),
]
