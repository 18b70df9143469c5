"""What every API v1 view shares: authentication, scopes, throttling, problems and headers."""

from __future__ import annotations

from collections import OrderedDict

from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import generics, permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from . import problems
from .authentication import TokenAuthentication, TokenRateThrottle, TokenScope
from .models import ApiToken, ApiTokenUse


class Pages(PageNumberPagination):
    """Dutch parameters and keys: ``pagina``, ``paginaGrootte``; ``aantal``, ``resultaten``."""

    page_query_param = "pagina"
    page_size_query_param = "paginaGrootte"
    page_size = 100
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        """A page number or size that is not a positive whole number is a 400, not ignored."""
        for name in (self.page_query_param, self.page_size_query_param):
            value = request.query_params.get(name)
            if value is not None and not (value.isascii() and value.isdigit() and int(value) > 0):
                raise ValidationError({name: [_("Geef een positief geheel getal.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("aantal", self.page.paginator.count),
                    ("volgende", self.get_next_link()),
                    ("vorige", self.get_previous_link()),
                    ("resultaten", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["aantal", "volgende", "vorige", "resultaten"],
            "properties": {
                "aantal": {"type": "integer"},
                "volgende": link,
                "vorige": link,
                "resultaten": schema,
            },
        }


class V1Schema(AutoSchema):
    """In v1 every POST creates a row and answers 201 with it."""

    def _is_create_operation(self) -> bool:
        return self.method == "POST"


class V1View(generics.GenericAPIView):
    """Base of every v1 view. ``scope_group`` names the token scope the view belongs to."""

    scope_group = "portfolio"
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, TokenScope]
    throttle_classes = [TokenRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = Pages
    schema = V1Schema()

    def get_exception_handler(self):
        return problems.exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = problems.API_VERSION
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):
            # Every use of a token is recorded, refused ones included.
            ApiTokenUse.objects.create(
                token=token,
                method=request.method[:10],
                path=request.path[:300],
                status=response.status_code,
            )
        return response
