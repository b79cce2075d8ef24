"""Staff pages that create and change plans (namespace "manage")."""

from django.urls import path

from rightsmonitor.plans import views

app_name = "manage"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<slug:code>/", views.plan_edit, name="plan_edit"),
    path("plans/<slug:code>/history/", views.plan_history, name="plan_history"),
    path("plans/<slug:code>/export/", views.plan_export, name="plan_export"),
    path("plans/<slug:code>/import/", views.plan_import, name="plan_import"),
    path("plans/<slug:code>/sections/new/", views.section_create, name="section_create"),
    path("plans/<slug:code>/sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("plans/<slug:code>/sections/<int:pk>/move/", views.section_move, name="section_move"),
    path(
        "plans/<slug:code>/sections/<int:pk>/delete/", views.section_delete, name="section_delete"
    ),
    path("plans/<slug:code>/actions/new/", views.action_create, name="action_create"),
    path("plans/<slug:code>/actions/<int:pk>/", views.action_edit, name="action_edit"),
    path(
        "plans/<slug:code>/actions/<int:pk>/history/", views.action_history, name="action_history"
    ),
    path("plans/<slug:code>/actions/<int:pk>/move/", views.action_move, name="action_move"),
    path("plans/<slug:code>/actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("plans/<slug:code>/amendments/new/", views.amendment_create, name="amendment_create"),
    path("import/", views.plan_import_new, name="plan_import_new"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_edit, name="agency_edit"),
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/new/", views.instrument_create, name="instrument_create"),
    path("instruments/<int:pk>/", views.instrument_edit, name="instrument_edit"),
]
