"""One shape for every error the API answers, `ErrorsOut`: {"detail", "code", "errors":
[{index, field, code, message}]}, with Vietnamese messages, and the handlers that give it.

Also documents, in the OpenAPI document, the error answers every operation may give (401
without authentication, 422 for a refused request, 404 for an id outside the caller's area,
403 for what the role may not do or read), so a client (or schemathesis) finds each answer
described.
"""

from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import ConfigDict

from danso.limits import (
    ColumnLimitError,
    at_least_message,
    at_most_message,
    out_of_range_message,
    too_long_message,
)


class ErrorItem(Schema):
    # Extra keys (a data-entry cell's dataElement, a stale edit's current_version) are kept.
    model_config = ConfigDict(extra="allow")

    index: int | None = None
    field: str = ""
    code: str
    message: str


class ErrorsOut(Schema):
    model_config = ConfigDict(extra="allow")

    detail: str
    code: str = ""
    errors: list[ErrorItem] = []


CODE_FOR_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    415: "unsupported_media_type",
    422: "invalid",
}


def body(detail: str, code: str = "", errors: list | None = None) -> dict:
    return {"detail": detail, "code": code, "errors": errors or []}


def _schema_error(error: dict) -> tuple[str, str]:
    """The code and Vietnamese message of one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("literal_error", "enum"):
        return "invalid_code", _("Unknown code.")
    if kind == "missing":
        return "required", _("This field is required.")
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        low, high = ctx.get("ge", ctx.get("gt")), ctx.get("le", ctx.get("lt"))
        if low is not None and high is not None:
            return "out_of_range", out_of_range_message(low, high)
        if low is not None:
            return "out_of_range", at_least_message(low)
        return "out_of_range", at_most_message(high)
    if kind == "string_too_long":
        return "too_long", too_long_message(ctx.get("max_length", 0))
    if kind == "nul_byte":
        return "nul_byte", _("The text contains a NUL character, which cannot be stored.")
    if kind in ("int_parsing", "int_from_float", "float_parsing", "decimal_parsing"):
        return "invalid_number", _("Not a number.")
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return "invalid_date", _("Not a date (YYYY-MM-DD).")
    return "invalid", _("Invalid value.")


def install(api) -> None:
    """Register the handlers on the NinjaAPI and have its OpenAPI document list the errors."""

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, body(_("Not found."), "not_found"), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorised(request, exc):
        detail = _("Authentication required.")
        return api.create_response(request, body(detail, "unauthenticated"), status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        code = CODE_FOR_STATUS.get(exc.status_code, "error")
        detail = str(exc)
        if detail == "Cannot parse request body":  # django-ninja's own words
            detail = _("The request body cannot be read (send JSON in UTF-8).")
        return api.create_response(request, body(detail, code), status=exc.status_code)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        """A request the schemas refuse: `field` is the path in the body (person_data.sex) or
        the parameter's name, `index` the position in a list of changes."""
        errors = []
        for error in exc.errors:
            loc = list(error.get("loc") or [])
            where = loc[2:] if loc[:1] == ["body"] else loc[1:]
            index = where.pop(0) if where and isinstance(where[0], int) else None
            code, message = _schema_error(error)
            field = ".".join(str(part) for part in where)
            errors.append({"index": index, "field": field, "code": code, "message": message})
        detail = _("The request was refused: nothing was saved.")
        return api.create_response(request, body(detail, "invalid", errors), status=422)

    @api.exception_handler(ColumnLimitError)
    def column_limit(request, exc):
        """A value that slipped past the schemas but does not fit its column."""
        detail = _("The request was refused: nothing was saved.")
        errors = [p.as_dict() for p in exc.problems]
        return api.create_response(request, body(detail, "invalid", errors), status=422)

    @api.exception_handler(OverflowError)
    def overflow(request, exc):
        """An integer too large for the database (SQLite's INTEGER, PostgreSQL's bigint)."""
        error = {"field": "", "code": "out_of_range", "message": _("A number is too large.")}
        detail = _("The request was refused: nothing was saved.")
        return api.create_response(request, body(detail, "invalid", [error]), status=422)

    @api.exception_handler(DataError)
    def data_error(request, exc):
        """What PostgreSQL refuses that no check caught; the request changes nothing."""
        error = {"field": "", "code": "invalid", "message": _("A value cannot be stored.")}
        detail = _("The request was refused: nothing was saved.")
        return api.create_response(request, body(detail, "invalid", [error]), status=422)

    original = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        schema = original(*args, **kwargs)
        document_errors(schema)
        return schema

    api.get_openapi_schema = get_openapi_schema


def document_errors(schema) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorsOut" not in components:
        components["ErrorsOut"] = ErrorsOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        components["ErrorsOut"].pop("$defs", None)
        components["ErrorItem"] = ErrorItem.model_json_schema()
        components["ErrorsOut"]["properties"]["errors"]["items"] = {
            "$ref": "#/components/schemas/ErrorItem"
        }
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorsOut"}}}}
    descriptions = {
        "400": "The body cannot be read",
        "401": "Authentication required",
        "403": "Not allowed for the caller's role or unit",
        "404": "Not found, or outside the caller's area",
        "422": "Refused input (ErrorsOut)",
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # ninja keys its own responses by int; one key type, so no status appears twice.
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            # A unit filter, like an id, may name something outside the caller's area: 404.
            # 403 on reads too: the sensitive registries and user management refuse a role.
            wanted = ["401", "403", "404", "422"]
            if "requestBody" in operation:
                wanted.append("400")  # a body that is not JSON
            for status in wanted:
                responses.setdefault(status, {"description": descriptions[status], **ref})
