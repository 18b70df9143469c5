from django.urls import re_path

from . import views

app_name = "reporting"

urlpatterns = [
    re_path(r"^project/(?P<pk>\d+)\.(?P<fmt>pdf|html)$", views.project_report, name="project"),
]
