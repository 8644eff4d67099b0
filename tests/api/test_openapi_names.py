"""Every schema of the OpenAPI document has its own name. django-ninja names a component after
the pydantic model's class name (its `$defs` key, `#/components/schemas/{model}`) and merges
the components of every operation into one dict, so two modules' classes of the same name
(data entry's and narratives' `SectionOut` once) end as one component: the later silently
replaces the earlier, and a client reads the wrong shape for one of the operations."""

from collections import defaultdict

import pytest
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema

from danso.api.api import api

pytestmark = pytest.mark.django_db


def _operations():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def _definitions(model, mode):
    schema = model.model_json_schema(
        ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode=mode
    )
    return schema.get("$defs", {})


def test_no_two_schemas_share_a_component_name():
    """Each component name stands for one definition across all operations (parameters and
    bodies read as input, answers as output, as ninja builds the document)."""
    seen = defaultdict(dict)
    for operation in _operations():
        where = f"{'/'.join(operation.methods)} {operation.view_func.__module__}."
        where += operation.view_func.__name__
        models = [(m, "validation") for m in operation.models]
        models += [
            (m, "serialization")
            for m in operation.response_models.values()
            if hasattr(m, "model_json_schema")
        ]
        for model, mode in models:
            for name, definition in _definitions(model, mode).items():
                seen[name].setdefault(repr(sorted(definition.items(), key=str)), where)
    clashes = {name: sorted(shapes.values()) for name, shapes in seen.items() if len(shapes) > 1}
    assert clashes == {}


def test_the_document_has_the_renamed_components(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("FormSectionOut", "NarrativeSectionOut", "EntryConflictOut", "EntryErrorsOut",
                 "NarrativeConflictOut"):  # fmt: skip
        assert name in schemas, name
    assert "SectionOut" not in schemas and "ConflictOut" not in schemas


def test_no_operation_lists_a_status_twice():
    """ninja keys an operation's own answers by int and the documented errors are added as
    strings: both kinds once made `403` and `"403"` two keys, one status twice in the JSON."""
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = [str(status) for status in operation["responses"]]
            assert len(statuses) == len(set(statuses)), (method, path, statuses)
