from django.urls import re_path

from . import views

app_name = "reporting"

urlpatterns = [
    re_path(
        r"^project/(?P<pk>\d+)\.(?P<fmt>pdf|html|docx|odt)$", views.project_report, name="project"
    ),
    re_path(r"^portfolio\.(?P<fmt>pdf|html|docx|odt)$", views.portfolio_report, name="portfolio"),
]
