from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("", views.link, name="link"),
    path("intrekken/", views.revoke, name="revoke"),
    path("<str:token>.ics", views.feed, name="feed"),
]
