"""The API's OpenAPI schema (drf-spectacular). Each operation documents the errors it can
answer besides its own responses (issue 11), with the bodies that DRF's exception handler
gives them: one message under `detail`, or for invalid input the errors by field."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
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


def _example(name, value) -> list[OpenApiExample]:
    return [OpenApiExample(name, value=value, response_only=True)]


# What the API answers, in the language it answers in (the portal's: Chinese).
EXAMPLES = {
    "400": _example(
        "字段错误",
        {"id_number": ["身份证号校验位不正确（GB 11643）。"], "phone": ["该字段是必填项。"]},
    ),
    "401": _example("未登录", {"detail": "身份认证信息未提供。"}),
    "403": _example("无权操作", {"detail": "您没有执行该操作的权限。"}),
    "404": _example("未找到", {"detail": "未找到。"}),
    "429": _example("请求过多", {"detail": "请求已被限流。 预计 42 秒后可用。"}),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the 400, 401, 403 and 404 that an operation can answer:
    401 where a view authenticates, 403 where it writes or checks more than a sign-in, 404
    for an id in the path or a page number, 400 for a body or filters; and 429 where the
    view is throttled (every view of the API: portal/throttling.py) or says it is
    `rate_limited`. Each with an example in Chinese, the language the API answers in."""

    def get_description(self):
        """The view's docstring in the language of the request (the portal's: Chinese):
        each docstring is its own message in the catalogue."""
        text = super().get_description()
        return gettext(text) if text else text

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
                FIELD_ERRORS.ref,
                description=_("Invalid input: the errors by field."),
                examples=EXAMPLES["400"],
            )
        authenticates = bool(self.view.get_authenticators())
        if authenticates:
            errors["401"] = OpenApiResponse(
                ErrorOut,
                description=_("No valid credentials: the token is missing, unknown or expired."),
                examples=EXAMPLES["401"],
            )
        checks = {type(p) for p in self.view.get_permissions()} - PLAIN_PERMISSIONS
        if authenticates and (writes or checks):
            errors["403"] = OpenApiResponse(
                ErrorOut,
                description=_(
                    "The caller's role may not do this (signed in with a session: the CSRF "
                    "check failed)."
                ),
                examples=EXAMPLES["403"],
            )
        if getattr(self.view, "rate_limited", False) or self.view.get_throttles():
            errors["429"] = OpenApiResponse(
                ErrorOut,
                description=_(
                    "Too many requests: the caller's allowance (or, for the sign-in, the "
                    "lock-out after failed attempts) is used up; try again after the seconds "
                    "of Retry-After."
                ),
                examples=EXAMPLES["429"],
            )
        paginated = self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paginated:
            errors["404"] = OpenApiResponse(
                ErrorOut,
                description=_("No such page.")
                if paginated
                else _("No such object among those the caller sees."),
                examples=EXAMPLES["404"],
            )
        return errors
