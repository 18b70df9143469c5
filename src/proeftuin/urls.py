"""URL map. Dutch paths for people; the API under /api/."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from proeftuin.api.schema import SchemaView
from proeftuin.common.pages import accessibility_statement

admin.site.site_header = "Proeftuin installatiebeheer"
admin.site.site_title = "Proeftuin installatiebeheer"


def _superuser_only(request) -> bool:
    """The Django admin crosses tenants, so only an installation superuser may use it."""
    user = request.user
    return user.is_active and user.is_superuser


admin.site.has_permission = _superuser_only

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portfolio:overview", permanent=False), name="home"),
    path("account/", include("proeftuin.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("projecten/", include("proeftuin.portfolio.urls")),
    path("rapporten/", include("proeftuin.reporting.urls")),
    path("agenda/", include("proeftuin.agenda.urls")),
    path("beoordelingen/", include("proeftuin.assessments.urls")),
    path("verduurzaming/", include("proeftuin.sustainability.urls")),
    path("waarde/", include("proeftuin.valuation.urls")),
    path("leren/", include("proeftuin.learning.urls")),
    path("tel-en-vertel/", include("proeftuin.monitoring.urls")),
    path("wijken/", include("proeftuin.neighbourhoods.urls")),
    # API v1 (NLGov REST API Design Rules): before the old paths, which stay for one release.
    path("", include("proeftuin.api.urls")),
    path("api/tel-en-vertel/", include("proeftuin.monitoring.api_urls")),
    path("api/", include("proeftuin.portfolio.api_urls")),
    path("api/schema/", login_required(SchemaView.as_view()), name="api-schema"),
    path("beheer/organisatie/", include("proeftuin.administration.urls")),
    path("django-beheer/", admin.site.urls),
    path("toegankelijkheid/", accessibility_statement, name="accessibility"),
    path("favicon.ico", RedirectView.as_view(url="/static/img/favicon.svg", permanent=True)),
]

# The 500 page shows the request id that the log line carries (see common/request_id.py).
handler500 = "proeftuin.common.request_id.server_error"
