from django.urls import path

from . import views

app_name = "neighbourhoods"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("import/", views.upload, name="upload"),
    path("import/<int:upload_pk>/", views.check, name="check"),
    path("<str:code>/", views.panel, name="panel"),
]
