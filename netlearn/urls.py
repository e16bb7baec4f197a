from django.contrib import admin
from django.urls import include, path

from netlearn import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("lti/", include("lti.urls")),
    path("", include("instructors.urls")),
    path("", include("lessons.urls")),
]

# The 500 page renders without the database or a request context (netlearn/errors.py); 400, 403
# and 404 are Django's own views with templates/400.html, 403.html, 404.html.
handler500 = "netlearn.errors.server_error"
