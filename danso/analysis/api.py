"""GET /api/v1/analytics: DHIS2's /api/analytics over danso's figures, computed live."""

from django.http import HttpResponse
from ninja import Query, Router, Status

from .errors import AnalysisError
from .output import as_json, flat_csv, layout, pivot_csv, pivot_xlsx
from .query import run

router = Router(tags=["analytics"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refused(err: AnalysisError) -> Status:
    return Status(400, {"detail": err.message, "errors": [err.as_dict()]})


# Repeated query parameters (dimension=…&dimension=…), declared once.
DIMENSIONS = Query(None, description="dx:…, pe:… or ou:… (items `;`-separated), or an "
                                     "org-unit group set's code")  # fmt: skip
FILTERS = Query(None, description="the same, added up into one")


@router.get("/analytics", response={200: dict, 400: dict})
def analytics(
    request,
    dimension: list[str] | None = DIMENSIONS,
    filter: list[str] | None = FILTERS,
    dx: str = Query("", description="shortcut for dimension=dx:…"),
    pe: str = Query("", description="shortcut for dimension=pe:…"),
    ou: str = Query("", description="shortcut for dimension=ou:…"),
    format: str = Query("json", description="json, csv or xlsx (or the suffix: "
                                            "/analytics.csv)"),
    tableLayout: bool = Query(False, description="csv: a pivot table instead of one row per "
                                                 "cell (xlsx is always one)"),
    rows: str = Query("", description="pivot rows, e.g. ou;dx"),
    columns: str = Query("", description="pivot columns, e.g. pe"),
    previousYear: bool = Query(False, description="each figure also for the same period of "
                                                  "the year before, and the change"),
):  # fmt: skip
    """Figures × periods × org units, modelled on DHIS2's `/api/analytics`.

    - `dx`: register figures and indicators (`births`, `cpr`, `third_share`), data elements
      (`FPA_CLIENTS`, `KCN_WORKERS_SERVED.FEMALE_ETHNIC_MINORITY`), aggregate indicators,
      activity measures (`ACTIVITIES.mobile_trip`, `PARTICIPANTS.ALL`, `CLIENTS.iud`),
      targets and progress (`TARGET.cpr`, `PROGRESS.births`).
    - `pe`: 202406, 2024Q2, 2024S1, 2024, or relative: LAST_4_QUARTERS, LAST_8_QUARTERS,
      THIS_YEAR, LAST_12_MONTHS, LAST_YEAR, QUARTERS_THIS_YEAR…
    - `ou`: uids of either map, USER_ORGUNIT(_CHILDREN, _GRANDCHILDREN), LEVEL-n,
      OU_GROUP-code; a level or group is taken inside the units named beside it.
    - A dimension given as `filter=` is added up (units as one area, periods as one span).
    - `previousYear=true`: each figure is followed by `<dx>__LY` (the same period of the year
      before) and `<dx>__CHANGE` (the difference; points for a rate).

    Rows hold the dimensions' keys, then value, numerator, denominator (for every rate) and a
    caution where a rate rests on too few events or people. Computed from the register and
    the data at the moment of the request (`as_of`); only the caller's area is counted.
    Errors: 400 with `errors: [{field, code, message}]`."""
    return _answer(request, dimension or [], filter or [], {"dx": dx, "pe": pe, "ou": ou},
                   format, tableLayout, rows, columns, previousYear)  # fmt: skip


@router.get("/analytics.{suffix}", response={200: dict, 400: dict}, url_name="analytics_as")
def analytics_as(request, suffix: str):
    """The same as `/analytics` with the same parameters, the format named by the suffix as
    DHIS2 does: `/analytics.json`, `/analytics.csv`, `/analytics.xlsx`."""
    get = request.GET
    shortcuts = {axis: get.get(axis, "") for axis in ("dx", "pe", "ou")}
    flag = lambda name: get.get(name, "").lower() == "true"  # noqa: E731
    return _answer(request, get.getlist("dimension"), get.getlist("filter"), shortcuts, suffix,
                   flag("tableLayout"), get.get("rows", ""), get.get("columns", ""),
                   flag("previousYear"))  # fmt: skip


def _answer(request, dimension, filter, shortcuts, format, table_layout, rows, columns,
            previous_year):  # fmt: skip
    try:
        result = run(request.auth, dimension, filter, shortcuts, previous_year=previous_year)
        if format == "json":
            return as_json(result)
        if format == "csv" and not table_layout:
            return _download(flat_csv(result), "text/csv; charset=utf-8", "csv")
        chosen = layout(result, _axes(rows), _axes(columns))
    except AnalysisError as err:
        return _refused(err)
    if format == "csv":
        return _download(pivot_csv(result, *chosen), "text/csv; charset=utf-8", "csv")
    if format == "xlsx":
        return _download(pivot_xlsx(result, *chosen), XLSX, "xlsx")
    return _refused(AnalysisError("invalid_format", "format: json, csv or xlsx", "format"))


def _axes(value: str) -> list[str]:
    return [a.strip() for a in value.split(";") if a.strip()]


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="phan-tich.{extension}"'
    return response
