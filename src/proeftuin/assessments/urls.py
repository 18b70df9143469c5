from django.urls import path

from . import lifecycle, matrix, views

app_name = "assessments"

P = "project/<int:pk>/"
A = P + "<int:apk>/"

urlpatterns = [
    path("matrix/", matrix.matrix, name="matrix"),
    path("matrix/export.<str:fmt>", matrix.matrix_export, name="matrix_export"),
    path(P, views.project_assessments, name="project"),
    path(A, views.rate, name="rate"),
    path(A + "indicator/<slug:indicator_id>/", views.save_rating, name="save_rating"),
    path(A + "afronden/", lifecycle.finalise, name="finalise"),
    path(A + "heropenen/", lifecycle.reopen, name="reopen"),
    path(A + "kenmerk/<slug:dimension_id>/", lifecycle.rate_dimension, name="rate_dimension"),
    path(A + "profiel/", views.profile, name="profile"),
    path(A + "vergelijking/", views.compare, name="compare"),
    path(A + "geschiedenis/", views.history, name="history"),
    path(A + "export.<str:fmt>", views.export, name="export"),
    path(A + "bewijs/<int:rating_pk>/", views.evidence, name="evidence"),
]
