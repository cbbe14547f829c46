"""The API's OpenAPI schema (drf-spectacular). Each operation documents the errors it can
answer besides its own responses (issue 11), with the bodies that DRF's exception handler
gives them: one message under `detail`, or for invalid input the errors by field."""

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

# What an API view may refuse without a check of its own in the view.
PLAIN_PERMISSIONS = {permissions.AllowAny, permissions.IsAuthenticated}


class ErrorOut(serializers.Serializer):
    """401, 403, 404, and a body that cannot be read: one message."""

    detail = serializers.CharField()


FIELD_ERRORS = ResolvedComponent(
    name="FieldErrors",
    type=ResolvedComponent.SCHEMA,
    object="FieldErrors",
    schema={
        "type": "object",
        "description": "Per field, the list of its errors; a nested object or list has the "
        "errors of its own fields (an item without errors is an empty object); "
        "`non_field_errors` for the input as a whole; `detail` alone when the body could "
        "not be read (not JSON, nested too deep, too large).",
        "additionalProperties": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {}},
                {"type": "object"},
            ]
        },
    },
)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the 400, 401, 403 and 404 that an operation can answer:
    401 where a view authenticates, 403 where it writes or checks more than a sign-in, 404
    for an id in the path or a page number, 400 for a body or filters; and 429 where the
    view says it is `rate_limited`."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, answer in self._error_responses().items():
            responses.setdefault(
                code, self._get_response_for_code(answer, code, direction=direction)
            )
        return responses

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        errors = {}
        writes = self.method not in permissions.SAFE_METHODS
        if writes or self._get_filter_parameters():
            self.registry.register_on_missing(FIELD_ERRORS)
            errors["400"] = OpenApiResponse(
                FIELD_ERRORS.ref, description="Invalid input: the errors by field."
            )
        authenticates = bool(self.view.get_authenticators())
        if authenticates:
            errors["401"] = OpenApiResponse(
                ErrorOut,
                description="No valid credentials: the token is missing, unknown or expired.",
            )
        checks = {type(p) for p in self.view.get_permissions()} - PLAIN_PERMISSIONS
        if authenticates and (writes or checks):
            errors["403"] = OpenApiResponse(
                ErrorOut,
                description="The caller's role may not do this (signed in with a "
                "session: the CSRF check failed).",
            )
        if getattr(self.view, "rate_limited", False):
            errors["429"] = OpenApiResponse(
                ErrorOut,
                description="Too many requests: the caller's allowance (or, for the sign-in, "
                "the lock-out after failed attempts) is used up; try again later.",
            )
        paginated = self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paginated:
            errors["404"] = OpenApiResponse(
                ErrorOut,
                description="No such page."
                if paginated
                else "No such object among those the caller sees.",
            )
        return errors
