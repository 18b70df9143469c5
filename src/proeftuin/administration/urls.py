from django.urls import path

from . import api_tokens, approval_views, views

app_name = "administration"

urlpatterns = [
    path("", views.index, name="index"),
    path("gebruikers/", views.users, name="users"),
    path("gebruikers/nieuw/", views.user_create, name="user_create"),
    path("gebruikers/<int:user_pk>/", views.user_edit, name="user_edit"),
    path("gebruikers/<int:user_pk>/link/", views.user_send_link, name="user_send_link"),
    path("goedkeuren/", approval_views.approvals, name="approvals"),
    path(
        "goedkeuren/<int:request_pk>/goedkeuren/", approval_views.approve, name="approval_approve"
    ),
    path("goedkeuren/<int:request_pk>/afwijzen/", approval_views.reject, name="approval_reject"),
    path("delingen/", views.grants, name="grants"),
    path("delingen/<int:grant_pk>/intrekken/", views.grant_revoke, name="grant_revoke"),
    path("partners/", views.partners, name="partners"),
    path("partners/<int:partnership_pk>/verwijderen/", views.partner_remove, name="partner_remove"),
    path("toegangslog/", views.access_log, name="access_log"),
    path("toegangslog/export.csv", views.access_log_export, name="access_log_export"),
    path("api-sleutels/", api_tokens.api_tokens, name="api_tokens"),
    path(
        "api-sleutels/<int:token_pk>/intrekken/",
        api_tokens.api_token_revoke,
        name="api_token_revoke",
    ),
]
