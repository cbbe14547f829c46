"""The OpenAPI schema documents the errors each operation answers (issue 11)."""

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

ERROR = "#/components/schemas/ErrorOut"
FIELD_ERRORS = "#/components/schemas/FieldErrors"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def body_schema(operation, code: str) -> str:
    return operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]


def test_every_operation_but_the_sign_in_documents_401(schema):
    for label, operation in operations(schema):
        if label == "POST /api/v1/auth/token/":
            assert "401" not in operation["responses"] and "security" not in operation
            continue
        assert body_schema(operation, "401") == ERROR, label


def test_an_id_in_the_path_or_a_page_number_can_be_404(schema):
    for label, operation in operations(schema):
        takes_a_page = any(p["name"] == "page" for p in operation.get("parameters", []))
        if "{id}" in label or takes_a_page:
            assert body_schema(operation, "404") == ERROR, label
        else:
            assert "404" not in operation["responses"], label


def test_writes_and_filters_can_be_400_with_the_errors_by_field(schema):
    paths = schema["paths"]
    for label, operation in operations(schema):
        if label.startswith("POST"):
            assert body_schema(operation, "400") == FIELD_ERRORS, label
    assert "400" in paths["/api/v1/residents/"]["get"]["responses"]  # filters
    assert "400" not in paths["/api/v1/residents/{id}/"]["get"]["responses"]
    assert "400" not in paths["/api/v1/me/"]["get"]["responses"]


def test_writes_of_signed_in_users_can_be_403(schema):
    for label, operation in operations(schema):
        if label == "POST /api/v1/auth/token/":
            assert "403" not in operation["responses"]
        elif label.startswith("POST"):
            assert body_schema(operation, "403") == ERROR, label
        else:
            assert "403" not in operation["responses"], label


@pytest.mark.parametrize(
    "body",
    [
        {"name": ["该字段是必填项。"]},
        {"stays": [{}, {"to": ["A stay cannot end before it starts."]}]},
        {"persons": {"0": {"community": ["无效主键。"]}}},
        {"non_field_errors": ["无法使用提供的认证信息登录。"]},
        {"detail": "JSON parse error"},
    ],
)
def test_the_field_errors_schema_takes_the_bodies_drf_gives(schema, body):
    jsonschema.validate(body, schema["components"]["schemas"]["FieldErrors"])


def test_the_rate_limited_operations_document_429_and_the_hand_over_202(schema):
    limited = {label for label, op in operations(schema) if "429" in op["responses"]}
    assert limited == {"POST /api/v1/auth/token/", "POST /api/v1/venue-reports/"}
    for label, operation in operations(schema):
        if label in limited:
            assert body_schema(operation, "429") == ERROR, label
        if label == "POST /api/v1/arrivals/":
            assert "202" in operation["responses"]  # handed to the person's own grid
