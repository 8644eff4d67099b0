"""The union's registries through the API: /api/v1/sponsorships (with the children and the
sponsors under it), /api/v1/dv-cases and /api/v1/trusted-addresses.

Reads and writes follow casework.access (the sensitive permission and a union role over the
record's area; a break-the-glass access reads one record); anything else answers 404 for a
record and 403 for a list. Writes validate through casework.forms, so a refusal carries the
same codes as the pages: 422 {"detail": "Refused", "errors": [{index, field, code, message}]}.
Names appear only for records kept by name with the person's consent.
"""

import datetime

from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from danso.api.register import ProblemsOut

from . import access, forms
from .models import Child, DVCase, Sponsor, Sponsorship, TrustedAddress

router = Router(tags=["women's union"])


def _require(request):
    if not access.has_union_access(request.auth):
        raise HttpError(403, "The sensitive permission and a union role are needed")


def _refused(form):
    return Status(422, {"detail": "Refused", "errors": forms.errors_of(form)})


def _saved(form):
    """201 with the saved record, or 422 with every refusal."""
    if not form.is_valid():
        return _refused(form)
    return Status(201, form.save())


def _place(record) -> str:
    return (record.village or record.commune).uid


def _name(record) -> str:
    return record.full_name if record.naming == "named" else ""


class ChildIn(Schema):
    place: str
    naming: str = "pseudonymous"
    full_name: str = ""
    birth_date: datetime.date
    sex: str
    orphaned: str
    cause: str
    circumstances: str = ""
    consent_date: datetime.date | None = None
    consent_by: str = ""
    purpose: str = ""


class ChildOut(Schema):
    code: str
    place: str
    branch: str
    naming: str
    full_name: str
    birth_date: datetime.date
    sex: str
    orphaned: str
    cause: str

    @staticmethod
    def resolve_place(obj):
        return _place(obj)

    @staticmethod
    def resolve_branch(obj):
        return obj.branch.uid

    @staticmethod
    def resolve_full_name(obj):
        return _name(obj)


class SponsorIn(Schema):
    place: str
    kind: str
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""


class SponsorOut(Schema):
    code: str
    place: str
    kind: str
    name: str
    phone: str

    @staticmethod
    def resolve_place(obj):
        return _place(obj)


class SponsorshipIn(Schema):
    child: str  # the child's code
    sponsor: str  # the sponsor's code
    kind: str
    start: datetime.date
    expected_end: datetime.date | None = None
    monthly_amount: int = 0
    in_kind: str = ""


class SupportIO(Schema):
    date: datetime.date
    cash: int = 0
    in_kind_value: int = 0
    description: str = ""
    given_by: str = ""


class SponsorshipOut(Schema):
    code: str
    child: ChildOut
    sponsor: SponsorOut
    kind: str
    start: datetime.date
    expected_end: datetime.date | None
    monthly_amount: int
    in_kind: str
    closed_on: datetime.date | None
    closure_reason: str
    supports: list[SupportIO]

    @staticmethod
    def resolve_supports(obj):
        return list(obj.supports.all())


def _form_data(payload, **extra):
    data = {k: ("" if v is None else v) for k, v in payload.dict().items()}
    data.update(extra)
    return data


def _get(request, kind, model, code):
    return access.get_readable_or_404(request.auth, kind, model, code=code)


def _writable(request, record):
    if not access.can_write(request.auth, record.ou_path):
        raise HttpError(403, "You may not change this record")


@router.get("/sponsorships", response=list[SponsorshipOut])
@paginate
def list_sponsorships(request):
    """The sponsorships of the caller's union area, newest first, a page at a time (`limit`,
    `offset`; `count` is the total)."""
    _require(request)
    rows = access.readable(request.auth, Sponsorship.objects.all())
    rows = rows.select_related("child__commune", "child__village", "child__branch",
                               "sponsor__commune", "sponsor__village")  # fmt: skip
    return rows.prefetch_related("supports").order_by("-start", "code", "pk")


@router.post("/sponsorships", response={201: SponsorshipOut, 422: ProblemsOut})
def create_sponsorship(request, payload: SponsorshipIn):
    _require(request)
    child = _get(request, "child", Child, payload.child)
    _writable(request, child)
    sponsor = access.readable(request.auth, Sponsor.objects.filter(code=payload.sponsor)).first()
    data = _form_data(payload, sponsor=sponsor.pk if sponsor else "")
    form = forms.SponsorshipForm(data, user=request.auth, child=child)
    return _saved(form)


@router.get("/sponsorships/children", response=list[ChildOut])
@paginate
def list_children(request):
    """The children of the caller's union area, a page at a time."""
    _require(request)
    rows = access.readable(request.auth, Child.objects.select_related("commune", "village"))
    return rows.select_related("branch").order_by("ou_path", "code", "pk")


@router.post("/sponsorships/children", response={201: ChildOut, 422: ProblemsOut})
def create_child(request, payload: ChildIn):
    _require(request)
    form = forms.ChildForm(_form_data(payload), user=request.auth)
    return _saved(form)


@router.get("/sponsorships/children/{code}", response=ChildOut)
def get_child(request, code: str):
    return _get(request, "child", Child, code)


@router.get("/sponsorships/sponsors", response=list[SponsorOut])
@paginate
def list_sponsors(request):
    """The sponsors of the caller's union area, a page at a time."""
    _require(request)
    rows = access.readable(request.auth, Sponsor.objects.select_related("commune", "village"))
    return rows.order_by("ou_path", "code", "pk")


@router.post("/sponsorships/sponsors", response={201: SponsorOut, 422: ProblemsOut})
def create_sponsor(request, payload: SponsorIn):
    _require(request)
    form = forms.SponsorForm(_form_data(payload), user=request.auth)
    return _saved(form)


@router.get("/sponsorships/{code}", response=SponsorshipOut)
def get_sponsorship(request, code: str):
    found = Sponsorship.objects.filter(code=code).select_related("child").first()
    if found is None or not access.can_read(request.auth, "child", found.child):
        raise HttpError(404, "Not found")
    return found


@router.post("/sponsorships/{code}/supports", response={201: SupportIO, 422: ProblemsOut})
def add_support(request, code: str, payload: SupportIO):
    found = get_sponsorship(request, code)
    _writable(request, found.child)
    form = forms.SupportForm(_form_data(payload), user=request.auth, parent=found)
    return _saved(form)


class CaseIn(Schema):
    place: str
    opened_on: datetime.date
    naming: str = "pseudonymous"
    full_name: str = ""
    birth_year: int | None = None
    is_girl: bool = False
    form: str
    detected_by: str
    description: str = ""
    consent_date: datetime.date | None = None
    consent_by: str = ""
    purpose: str = ""


class DVServiceIO(Schema):
    service: str
    date: datetime.date
    provider: str


class CaseOut(Schema):
    code: str
    place: str
    branch: str
    opened_on: datetime.date
    naming: str
    full_name: str
    birth_year: int | None
    is_girl: bool
    form: str
    detected_by: str
    supported: bool
    services: list[DVServiceIO]
    outcome: str
    closed_on: datetime.date | None

    @staticmethod
    def resolve_place(obj):
        return _place(obj)

    @staticmethod
    def resolve_branch(obj):
        return obj.branch.uid

    @staticmethod
    def resolve_full_name(obj):
        return _name(obj)

    @staticmethod
    def resolve_services(obj):
        return list(obj.services.all())


@router.get("/dv-cases", response=list[CaseOut])
@paginate
def list_cases(request):
    """Domestic-violence cases of the caller's union area, newest first, a page at a time;
    `supported` is computed."""
    _require(request)
    rows = access.readable(request.auth, DVCase.objects.all())
    return (
        rows.select_related("commune", "village", "branch")
        .prefetch_related("services")
        .order_by("-opened_on", "code", "pk")
    )


@router.post("/dv-cases", response={201: CaseOut, 422: ProblemsOut})
def create_case(request, payload: CaseIn):
    _require(request)
    form = forms.CaseForm(_form_data(payload), user=request.auth)
    return _saved(form)


@router.get("/dv-cases/{code}", response=CaseOut)
def get_case(request, code: str):
    return _get(request, "case", DVCase, code)


@router.post("/dv-cases/{code}/services", response={201: DVServiceIO, 422: ProblemsOut})
def add_service(request, code: str, payload: DVServiceIO):
    found = _get(request, "case", DVCase, code)
    _writable(request, found)
    form = forms.ServiceForm(_form_data(payload), user=request.auth, parent=found)
    return _saved(form)


class AddressIn(Schema):
    place: str
    name: str
    host_kind: str
    host_name: str
    phone: str = ""
    hours: str = ""
    capacity: int = 1
    established_on: datetime.date
    project: str
    closed_on: datetime.date | None = None


class AddressOut(Schema):
    code: str
    place: str
    name: str
    host_kind: str
    host_name: str
    phone: str
    hours: str
    capacity: int
    established_on: datetime.date
    project: str
    closed_on: datetime.date | None
    active: bool

    @staticmethod
    def resolve_place(obj):
        return _place(obj)


class UseIO(Schema):
    date: datetime.date
    kind: str
    nights: int = 0


@router.get("/trusted-addresses", response=list[AddressOut])
@paginate
def list_addresses(request):
    """The trusted addresses of the caller's union area, a page at a time."""
    _require(request)
    rows = access.readable(request.auth, TrustedAddress.objects.all())
    return rows.select_related("commune", "village").order_by("ou_path", "name", "pk")


@router.post("/trusted-addresses", response={201: AddressOut, 422: ProblemsOut})
def create_address(request, payload: AddressIn):
    _require(request)
    form = forms.AddressForm(_form_data(payload), user=request.auth)
    return _saved(form)


@router.get("/trusted-addresses/{code}", response=AddressOut)
def get_address(request, code: str):
    return _get(request, "address", TrustedAddress, code)


@router.post("/trusted-addresses/{code}/uses", response={201: UseIO, 422: ProblemsOut})
def add_use(request, code: str, payload: UseIO):
    found = _get(request, "address", TrustedAddress, code)
    _writable(request, found)
    form = forms.AddressUseForm(_form_data(payload), user=request.auth, parent=found)
    return _saved(form)
