from django.urls import path

from . import views

app_name = "valuation"

urlpatterns = [
    path("<int:pk>/", views.chain, name="project"),
    path("<int:pk>/werkplaats/", views.workshop, name="workshop"),
    path("<int:pk>/werkplaats/<str:kind>/<int:item_pk>/", views.autosave, name="autosave"),
    path("<int:pk>/resultaten/", views.results, name="results"),
    path("<int:pk>/prijzen/", views.prices, name="prices"),
    path("<int:pk>/instellingen/", views.settings_edit, name="settings"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/<str:kind>/nieuw/", views.element_edit, name="add"),
    path("<int:pk>/<str:kind>/<int:item_pk>/bewerken/", views.element_edit, name="edit"),
    path("<int:pk>/<str:kind>/<int:item_pk>/verwijderen/", views.element_delete, name="delete"),
]
