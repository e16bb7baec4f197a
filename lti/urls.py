from django.urls import path

from lti import views

app_name = "lti"

urlpatterns = [
    path("login/", views.oidc_login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("continue/", views.continue_in_window, name="continue"),
    path("jwks/", views.jwks, name="jwks"),
    path("deep-link/", views.deep_link_choose, name="deep_link"),
    path("config/", views.config, name="config"),
    path("classes/<int:class_pk>/roster/", views.roster_sync, name="roster_sync"),
    path("courses/<slug:course_slug>/", views.course_entry, name="course"),
]
