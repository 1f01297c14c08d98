"""/api/openapi.json describes every route the app has, and is a valid OpenAPI 3.1 document."""

from __future__ import annotations

import re

import pytest

from api.openapi import routes


@pytest.fixture(scope="module")
def document(app):
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_it_is_valid_openapi_3_1(document):
    from openapi_spec_validator import validate

    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_of_the_app_is_documented(app, document):
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    missing = sorted(routes(app) - documented)
    assert not missing, f"路由缺少说明 / routes without a description in api/openapi.py: {missing}"


def test_every_operation_says_what_it_does_in_chinese_and_english(document):
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            summary = op["summary"]
            assert re.search(r"[\u4e00-\u9fff]", summary) and re.search(r"[A-Za-z]{3}", summary), (path, method)


def test_every_path_parameter_is_declared(document):
    for path, operations in document["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for op in operations.values():
            assert names == {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}, path


@pytest.mark.parametrize("url", ["/api/measures?theme=不存在", "/api/tasks/0-0-0-0-0", "/api/matrix?format=pdf"])
def test_the_documented_error_shape_is_what_errors_look_like(client, document, url):
    from jsonschema import validate

    schema = document["components"]["schemas"]["Error"]
    validate(client.get(url).get_json(), schema)
