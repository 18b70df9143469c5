from django.urls import path

from . import views

app_name = "sustainability"

urlpatterns = [
    path("<int:pk>/", views.plan, name="plan"),
    path("<int:pk>/advies-overnemen/", views.adopt, name="adopt"),
    path("<int:pk>/bewerken/", views.plan_edit, name="edit"),
    path("<int:pk>/acties/nieuw/", views.action_edit, name="action_add"),
    path("<int:pk>/acties/<int:action_pk>/bewerken/", views.action_edit, name="action_edit"),
    path("<int:pk>/acties/<int:action_pk>/gedaan/", views.action_toggle, name="action_toggle"),
    path("<int:pk>/acties/<int:action_pk>/verwijderen/", views.action_delete, name="action_delete"),
]
