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


def test_every_operation_documents_429_in_chinese_and_the_hand_over_202(schema):
    """Every operation is throttled (issue 15: API_USER_RATE, API_ANON_RATE), and says so."""
    for label, operation in operations(schema):
        assert "429" in operation["responses"], label
        assert body_schema(operation, "429") == ERROR, label
        example = operation["responses"]["429"]["content"]["application/json"]["examples"]
        assert next(iter(example.values()))["value"]["detail"].startswith("请求已被限流")
        if label == "POST /api/v1/arrivals/":
            assert "202" in operation["responses"]  # handed to the person's own grid


def test_the_docs_read_in_chinese(schema):
    """Each operation's description and each error's is in Chinese (the views' docstrings
    are messages of the catalogue: portal/openapi.py)."""
    for label, operation in operations(schema):
        description = operation.get("description", "")
        assert description and not description.isascii(), label
        for code in ("400", "401", "403", "404", "429"):
            if code in operation["responses"]:
                assert not operation["responses"][code]["description"].isascii(), (label, code)
    assert not schema["info"]["description"].isascii()
