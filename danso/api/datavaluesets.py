"""Aggregate data in DHIS2's formats (/api/v1/dataValueSets) and the metadata a partner needs
to map its own codes onto danso's (/api/v1/dataElements, /api/v1/dataSets)."""

import datetime
from typing import Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from danso.exchange.dhis2_export import ExportError, ExportRequest, export_data_values
from danso.exchange.dhis2_formats import CONTENT_TYPES, EXTENSIONS, format_of, write
from danso.exchange.dhis2_import import import_data_values
from danso.programmes.models import DataElement, DataSet, DataSetElement, DataValue

router = Router(tags=["aggregate data"])

Format = Literal["json", "csv", "adx"]
IdScheme = Literal["code", "uid"]
DHIS2_PERIOD_TYPES = {"month": "Monthly", "quarter": "Quarterly", "half": "SixMonthly",
                      "year": "Yearly"}  # fmt: skip


class ExportParams(Schema):
    dataSet: list[str] = []
    dataElement: list[str] = []
    period: list[str] = []
    startDate: datetime.date | None = None
    endDate: datetime.date | None = None
    orgUnit: list[str] = []
    children: bool = False
    includeActivities: bool = False
    idScheme: IdScheme = "code"
    format: Format | None = None


def _accepted(request) -> str:
    for media in request.headers.get("Accept", "").split(","):
        if fmt := format_of(content_type=media):
            return fmt
    return "json"


def _export(request, params: ExportParams, fmt: str) -> HttpResponse:
    export = ExportRequest(
        data_sets=params.dataSet, data_elements=params.dataElement, periods=params.period,
        start=params.startDate, end=params.endDate, org_units=params.orgUnit,
        children=params.children, include_activities=params.includeActivities,
        id_scheme=params.idScheme,
    )  # fmt: skip
    try:
        records = export_data_values(request.auth, export)
    except ExportError as err:
        raise HttpError(422, str(err)) from err
    data_set = params.dataSet[0] if len(params.dataSet) == 1 else ""
    response = HttpResponse(write(fmt, records, data_set), content_type=CONTENT_TYPES[fmt])
    if fmt != "json":
        name = f"dataValueSets.{EXTENSIONS[fmt]}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


_EXPORT_DOC = """Aggregate values as a DHIS2 dataValueSet. Say which data (`dataSet` and/or
`dataElement`, repeatable), when (`period`, repeatable, or `startDate` and `endDate`) and where
(`orgUnit`, repeatable; `children=true` adds their subtrees). Only values in the caller's area
come out, sensitive elements only with the permission. Values fed by activities come out only
with `includeActivities=true`, marked `storedBy: danso:activities` (danso does not import
them back). The format is the path's suffix, else `format`, else the `Accept` header
(application/json, application/csv or text/csv, application/adx+xml), else JSON."""


@router.get("/dataValueSets", response={200: dict}, description=_EXPORT_DOC)
def get_data_value_sets(request, params: Query[ExportParams]):
    return _export(request, params, params.format or _accepted(request))


@router.get("/dataValueSets.{suffix}", response={200: dict}, description=_EXPORT_DOC)
def get_data_value_sets_as(request, suffix: Format, params: Query[ExportParams]):
    return _export(request, params, suffix)


_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/csv": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}},
        "application/adx+xml": {"schema": {"type": "string"}},
    },
}


@router.post(
    "/dataValueSets",
    response={200: dict, 409: dict},
    openapi_extra={"requestBody": _BODY},
)
def post_data_value_sets(
    request,
    dryRun: bool = False,
    importValid: bool = False,
    idScheme: IdScheme = "code",
    format: Format | None = None,
):
    """Import a dataValueSet (JSON or CSV) or an ADX message, by its Content-Type (or
    `format`). All or nothing: if any value cannot be placed, nothing changes and the answer
    (409) lists every conflict with its `index` (and CSV `line`), `field`, `code` and a
    Vietnamese `message`. `importValid=true` writes the values that can be placed and lists
    the others; `dryRun=true` checks and counts without writing. Codes are matched by default
    (`idScheme=uid` for uids); org units by danso identifier (P66, C24211…). The answer is an
    import summary: `status` (SUCCESS, WARNING, ERROR), `importCount` (imported, updated,
    ignored, deleted) and `conflicts`."""
    fmt = format or format_of(content_type=request.content_type or "")
    if fmt is None:
        raise HttpError(415, _("Send application/json, application/csv or application/adx+xml"))
    if not request.auth.can_edit:
        raise HttpError(403, _("Your role may not import data"))
    summary = import_data_values(
        request.body, fmt, request.auth, dry_run=dryRun, import_valid=importValid,
        id_scheme=idScheme, source=DataValue.Source.API,
    )  # fmt: skip
    return Status(409 if summary.status == "ERROR" else 200, summary.as_dict())


# Tracker-to-aggregate ---------------------------------------------------------------------

_FORM_DOC = """A form of the circular (01-DSH, 02-DSX, 03-DSX, 01-DSX) for one unit (`orgUnit`) and
period (`period`), computed from the register when asked, as DHIS2 aggregate data: data set =
the form's code, data elements `DS_<FIGURE>` (declared in the metadata export), the unit's own
column. An approved report gives the figures it was approved with and carries its
`completeDataSetRegistrations` (JSON) or `completeDate` (ADX group). Format by suffix-free
`format` or the Accept header, as /dataValueSets. 404: no such form; 422: a period or unit
the form cannot take, or outside the caller's area."""


@router.get("/dataValueSets/forms/{form}", response={200: dict, 404: dict, 422: dict},
            description=_FORM_DOC)  # fmt: skip
def get_form_data_values(request, form: str, orgUnit: str, period: str,
                         idScheme: IdScheme = "code", format: Format | None = None):  # fmt: skip
    from danso.exchange.form_export import export_form
    from danso.statistics.forms import FORMS

    if form not in FORMS:
        raise HttpError(404, _("Unknown identifiers: %(ids)s.") % {"ids": form})
    fmt = format or _accepted(request)
    try:
        data = export_form(request.auth, form, orgUnit, period, fmt, idScheme)
    except ExportError as err:
        raise HttpError(422, str(err)) from err
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    if fmt != "json":
        response["Content-Disposition"] = (
            f'attachment; filename="{form}-{orgUnit}-{period}.{EXTENSIONS[fmt]}"'
        )
    return response


# Metadata --------------------------------------------------------------------------------


class OptionOut(Schema):
    uid: str
    code: str
    name: str


class CategoryOut(OptionOut):
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj):
        return [link.option for link in obj.option_links.all()]


class OptionComboOut(OptionOut):
    options: list[str]

    @staticmethod
    def resolve_options(obj):
        return [o.code for o in obj.options.all()]


class CategoryComboOut(OptionOut):
    categories: list[CategoryOut]
    category_option_combos: list[OptionComboOut]

    @staticmethod
    def resolve_category_option_combos(obj):
        return obj.option_combos.all()


class DataElementOut(OptionOut):
    short_name: str
    description: str
    unit: str
    value_type: str
    aggregation_type: str
    sensitive: bool
    fed_by_activities: bool
    category_combo: CategoryComboOut
    data_sets: list[str]

    @staticmethod
    def resolve_fed_by_activities(obj):
        return obj.is_fed_by_activities

    @staticmethod
    def resolve_data_sets(obj):
        return obj.data_set_codes


class DataSetElementOut(OptionOut):
    section: str


class DataSetOut(OptionOut):
    description: str
    period_type: str
    dhis2_period_type: str
    unit_types: list[str]
    sensitive: bool
    data_elements: list[DataSetElementOut]

    @staticmethod
    def resolve_dhis2_period_type(obj):
        return DHIS2_PERIOD_TYPES[obj.period_type]

    @staticmethod
    def resolve_data_elements(obj):
        return [{"uid": link.data_element.uid, "code": link.data_element.code,
                 "name": link.data_element.name, "section": link.section}
                for link in obj.element_links.all()]  # fmt: skip


@router.get("/dataElements", response=list[DataElementOut])
@paginate
def list_data_elements(request):
    """Data elements with their codes and uids, value type, disaggregation (categories,
    options and option combos) and the data sets that report them. Elements fed by activities
    are computed and never imported; sensitive ones need the permission to read or write."""
    sets_of: dict[int, list[str]] = {}
    for link in DataSetElement.objects.select_related("data_set").order_by("data_set__code"):
        sets_of.setdefault(link.data_element_id, []).append(link.data_set.code)
    elements = list(
        DataElement.objects.select_related("category_combo").prefetch_related(
            "category_combo__categories__option_links__option",
            "category_combo__option_combos__options",
        )
    )
    for e in elements:
        e.data_set_codes = sets_of.get(e.pk, [])
    return elements


@router.get("/dataSets", response=list[DataSetOut])
@paginate
def list_data_sets(request):
    """Data sets (forms): period type (danso's and DHIS2's name), the unit types that report
    them, and their data elements by section."""
    return DataSet.objects.prefetch_related("element_links__data_element")
