"""The REST API, versioned by URL path (``/api/v1/...``; a v2 gets its own router and namespace).

One module per domain, each in the same order: filters, permissions, serializers of what is
read, serializers of what is written, views, and ``urlpatterns`` for routes the router does not
make (``urls.py`` registers the rest):

- ``plans.py``            plans, sections, actions, agencies, legal instruments
- ``reporting.py``        progress reports, their workflow and evidence, periods, monitoring
- ``indicators.py``       indicators and observations
- ``recommendations.py``  recommendations, their links to actions, suggested links
- ``participation.py``    published comments and shadow ratings

A FilterSet that pages or open-data files read too lives in its app (``plans/filters.py``,
``reporting/filters.py``, ``recommendations/queries.py``) and the API imports it from there;
only the API's own stay here. Shared by the domain modules: ``fields.py`` (translated texts,
JSON bodies read with the types the schema says) and ``errors.py`` (the apps' exceptions as
HTTP errors); ``schema.py`` declares the answers every operation shares (errors, 304/412, 429).

The rest is the API's own app: tokens (``models``, ``access``, ``actions``, ``forms``,
``pages``, ``page_urls``, ``admin``), ``authentication`` (tokens and their scopes),
``throttling`` and ``conditional`` (ETags). No other app imports this one: only
``rightsmonitor/urls.py`` and the settings name it.
"""
