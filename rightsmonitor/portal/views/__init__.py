"""Public pages, one module per feature: pages (plans, actions, agencies), dashboard, search,
open data, feeds and calendars, and the files for crawlers (sitemap, robots)."""
