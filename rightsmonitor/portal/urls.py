from django.urls import path

from rightsmonitor.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<slug:code>/", views.plan_detail, name="plan"),
    path("plans/<slug:code>/actions/<str:number>/", views.action_detail, name="action"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<str:abbreviation>/", views.agency_detail, name="agency"),
]
