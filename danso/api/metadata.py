"""Metadata shaped like DHIS2's /api/metadata: read by any signed-in user, written by
national administrators (exchange/dhis2_metadata*.py)."""

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from danso.accounts.scope import is_national_administrator
from danso.exchange.dhis2_metadata import export_metadata
from danso.exchange.dhis2_metadata_import import import_metadata

router = Router(tags=["metadata"])


@router.get("/metadata", response={200: dict})
def get_metadata(request, forms: bool = False):
    """The whole metadata as DHIS2 writes it: organisationUnits (both maps, with `openingDate`
    and `closedDate`), organisationUnitGroups and organisationUnitGroupSets, categoryOptions,
    categories, categoryCombos, categoryOptionCombos, dataElements, dataSets (with
    dataSetElements and organisationUnits), indicatorTypes, indicators and validationRules.
    References are `{"id": uid}`; expressions name uids. What DHIS2 has no field for is under
    `danso` in each object. Not limited to the caller's area: it holds no figures.
    `forms=true` adds the circular's forms (01-DSH…) as data sets, their figures as data
    elements `DS_…`, for the values of /dataValueSets/forms/{form}."""
    return export_metadata(forms=forms)


@router.post(
    "/metadata",
    response={200: dict, 409: dict},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object"}}}}},
)  # fmt: skip
def post_metadata(request, dryRun: bool = False):
    """Import a metadata document (national administrators only). Objects are matched by
    uid, then code (org units by identifier), created or updated; all or nothing: with any
    problem nothing changes and the answer (409) lists each in `errorReports` (`type`,
    `index`, `id`, `property`, `errorCode`, Vietnamese `message`). `dryRun=true` counts
    without writing. The answer is an import report: `status` (OK, ERROR), `stats` and
    `typeReports` (created, updated, ignored per type). Indicators are declared in danso's
    code: a file's indicator must match a declared one."""
    if not is_national_administrator(request.auth):
        raise HttpError(403, _("Only national administrators may import metadata"))
    report = import_metadata(request.body, request.auth, dry_run=dryRun)
    return Status(409 if report.status == "ERROR" else 200, report.as_dict())
