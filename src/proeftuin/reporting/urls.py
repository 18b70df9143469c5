from django.urls import path, re_path

from . import views

app_name = "reporting"

urlpatterns = [
    re_path(
        r"^project/(?P<pk>\d+)\.(?P<fmt>pdf|html|docx|odt)$", views.project_report, name="project"
    ),
    path("project/<int:pk>/maken/<str:fmt>/", views.report_job_start, name="job_start"),
    path("project/<int:pk>/taken/<int:job_pk>/", views.report_job, name="job"),
    path("project/<int:pk>/taken/<int:job_pk>/bestand/", views.report_job_file, name="job_file"),
    re_path(r"^portfolio\.(?P<fmt>pdf|html|docx|odt)$", views.portfolio_report, name="portfolio"),
]
