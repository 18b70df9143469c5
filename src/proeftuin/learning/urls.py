from django.urls import path

from . import benchmark_views, signal_views, views

app_name = "learning"

urlpatterns = [
    path("signalen/", signal_views.signal_list, name="signals"),
    path("signalen/nieuw/", signal_views.signal_create, name="signal_create"),
    path("signalen/export.<str:fmt>", signal_views.signal_export, name="signal_export"),
    path("signalen/<int:signal_pk>/", signal_views.signal_detail, name="signal"),
    path("signalen/<int:signal_pk>/status/", signal_views.signal_move, name="signal_move"),
    path("zoeken/", views.search_view, name="search"),
    path("benchmark/", benchmark_views.benchmark_view, name="benchmark"),
    path("lessen/catalogus/", views.catalogue_view, name="catalogue"),
    path("project/<int:pk>/", views.project_tab, name="project"),
    path("project/<int:pk>/lessen/nieuw/", views.lesson_create, name="lesson_create"),
    path("project/<int:pk>/eindevaluatie/", views.close_out, name="close_out"),
    path("project/<int:pk>/catalogus/", views.publish_view, name="publish"),
    path("project/<int:pk>/catalogus/intrekken/", views.withdraw_view, name="withdraw"),
]
