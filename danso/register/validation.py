"""Checks on a change before it enters the register.

Each problem names the field it is about and a stable code (for the API and imports) and
carries a Vietnamese message (through the translation catalogue) for the forms. Errors refuse
the change; warnings (a child marriage, say) are recorded with it, because the register records
what happened.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from danso.text import fold

from . import codes
from .models import EventKind, Household, Person
from .projection import ENTRY_KINDS

MOTHER_AGE_RANGE = (10, 60)
RECORDABLE_KINDS = frozenset(EventKind.values) - {EventKind.VOID.value}
LEGAL_MARRIAGE_AGE = {codes.MALE: 20, codes.FEMALE: 18}
ELDERLY_AGE = 60
# Province codes that start a citizen ID: the 63 pre-2025 GSO province codes (3 digits).
CITIZEN_ID_PROVINCES = {
    "001",
    "002",
    "004",
    "006",
    "008",
    "010",
    "011",
    "012",
    "014",
    "015",
    "017",
    "019",
    "020",
    "022",
    "024",
    "025",
    "026",
    "027",
    "030",
    "031",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "040",
    "042",
    "044",
    "045",
    "046",
    "048",
    "049",
    "051",
    "052",
    "054",
    "056",
    "058",
    "060",
    "062",
    "064",
    "066",
    "067",
    "068",
    "070",
    "072",
    "074",
    "075",
    "077",
    "079",
    "080",
    "082",
    "083",
    "084",
    "086",
    "087",
    "089",
    "091",
    "092",
    "093",
    "094",
    "095",
    "096",
}


@dataclass
class Problem:
    field: str
    code: str
    message: str
    severity: str = "error"
    index: int | None = None  # position of the change in a slip or import

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass
class Change:
    """A change as entered on a slip, in a form, through the API or in an import row."""

    kind: str
    occurred_on: datetime.date
    household: Household
    person: Person | None = None
    person_data: dict = field(default_factory=dict)  # who enters: birth, move in, registration
    other_person: Person | None = None  # the mother of a birth, the spouse of a marriage
    method: str = ""
    place: str = ""
    outcome: str = ""
    birth_order: int | None = None
    is_consanguineous: bool = False
    data: dict = field(default_factory=dict)


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_citizen_id(value: str, sex: str, born: datetime.date | None) -> str | None:
    """The 12-digit citizen ID: province of registration, century and sex, year of birth."""
    if len(value) != 12 or not value.isdigit():
        return _("A citizen ID has exactly 12 digits.")
    if value[:3] not in CITIZEN_ID_PROVINCES:
        return _("The first 3 digits of a citizen ID are a province code.")
    century_sex = int(value[3])
    if sex and century_sex % 2 != (0 if sex == codes.MALE else 1):
        return _("The 4th digit of the citizen ID does not match the sex.")
    if born:
        century = {0: 1900, 2: 2000, 4: 2100, 6: 2200, 8: 1800}[century_sex - century_sex % 2]
        if century + int(value[4:6]) != born.year:
            return _("Digits 4 to 6 of the citizen ID do not match the year of birth.")
    return None


class Checker:
    def __init__(self, change: Change, today: datetime.date, state=None, check_duplicates=True):
        self.c = change
        # A bulk importer compares rows with each other and the register in memory instead.
        self.check_duplicates = check_duplicates
        self.today = today
        self.problems: list[Problem] = []
        # The person's state just before the change (for a person already in the register).
        self.state = state or {}

    def error(self, field_name, code, message):
        self.problems.append(Problem(field_name, code, message))

    def warn(self, field_name, code, message):
        self.problems.append(Problem(field_name, code, message, "warning"))

    @property
    def sex(self) -> str:
        return self.c.person_data.get("sex") or (self.c.person.sex if self.c.person else "")

    @property
    def born(self) -> datetime.date | None:
        born = self.c.person_data.get("date_of_birth") or (
            self.c.person.date_of_birth if self.c.person else None
        )
        return datetime.date.fromisoformat(born) if isinstance(born, str) else born

    def run(self) -> list[Problem]:
        c = self.c
        if c.kind not in RECORDABLE_KINDS:
            self.error("kind", "invalid_kind", _("Unknown kind of change."))
            return self.problems
        if c.occurred_on > self.today:
            self.error("occurred_on", "date_in_future", _("The date is in the future."))
        if c.kind in ENTRY_KINDS:
            self.check_new_person()  # a returning person (move in) re-enters with their data
        elif c.person is None:
            self.error("person", "required", _("Choose the person this change is about."))
            return self.problems
        else:
            self.check_existing_person()
        if self.born and c.occurred_on < self.born:
            self.error("occurred_on", "before_birth", _("The date is before the date of birth."))
        getattr(self, f"check_{c.kind}", lambda: None)()
        self.check_place_and_outcome()
        return self.problems

    def check_place_and_outcome(self):
        """Whatever the kind: a birth's place is a place of delivery, any other a service
        place; only a pregnancy event has (and needs) an outcome."""
        c = self.c
        places = codes.PLACE_OF_DELIVERY if c.kind == EventKind.BIRTH else codes.SERVICE_PLACE
        if c.place and c.place not in places.codes:
            self.error("place", "invalid_code", _("Unknown code."))
        needs_outcome = c.kind == EventKind.PREGNANCY
        if (c.outcome or needs_outcome) and c.outcome not in codes.PREGNANCY_OUTCOME.codes:
            self.error("outcome", "invalid_code", _("Choose what happened."))

    def check_new_person(self):
        p = self.c.person_data
        for name in ("full_name", "sex", "date_of_birth"):
            if not p.get(name):
                self.error(f"person.{name}", "required", _("This field is required."))
        for name, code_list in codes.PERSON_CODE_LISTS.items():
            if p.get(name) and p[name] not in code_list.codes:
                self.error(f"person.{name}", "invalid_code", _("Unknown code."))
        born = self.born
        if born and born > self.today:
            self.error("person.date_of_birth", "date_in_future", _("The date is in the future."))
        if p.get("citizen_id"):
            if message := check_citizen_id(p["citizen_id"], p.get("sex", ""), born):
                self.error("person.citizen_id", "invalid_citizen_id", message)
        if self.check_duplicates and p.get("full_name") and born:
            same = Person.objects.filter(
                household=self.c.household,
                search_name=fold(p["full_name"]),
                sex=p.get("sex"),
                date_of_birth=born,
                died_on__isnull=True,
                left_on__isnull=True,
            )
            if same.exists():
                self.error(
                    "person.full_name",
                    "duplicate_person",
                    _(
                        "A person with this name, sex and date of birth is already in the "
                        "household."
                    ),
                )

    def check_existing_person(self):
        person = self.c.person
        if person.household_id != self.c.household.pk:
            self.error("person", "not_in_household", _("This person is not in this household."))
        if person.died_on:
            code = "dies_twice" if self.c.kind == EventKind.DEATH else "already_dead"
            self.error(
                "person",
                code,
                _("This person died on %(date)s.") % {"date": f"{person.died_on:%d/%m/%Y}"},
            )
        elif person.left_on:
            self.error("person", "moved_out", _("This person has moved out of the commune."))

    def check_birth(self):
        mother = self.c.other_person
        if mother is None:
            self.error("mother", "required", _("Choose the mother."))
            return
        if mother.sex != codes.FEMALE:
            self.error("mother", "sex_mismatch", _("The mother must be a woman."))
        age = age_on(mother.date_of_birth, self.c.occurred_on)
        low, high = MOTHER_AGE_RANGE
        if not low <= age <= high:
            self.error(
                "mother",
                "mother_age",
                _("The mother would be %(age)s at the birth: outside %(low)s–%(high)s years.")
                % {"age": age, "low": low, "high": high},
            )
        if mother.died_on and mother.died_on < self.c.occurred_on:
            self.error("mother", "already_dead", _("The mother died before this date."))
        expected = self.state.get("mother_live_births", 0) + 1
        if self.c.birth_order is not None and self.c.birth_order != expected:
            self.error(
                "birth_order",
                "birth_order_inconsistent",
                _("The register makes this the mother's child number %(n)s.") % {"n": expected},
            )

    def check_registration(self):
        if self.c.data.get("method"):
            self.check_method_start(self.c.data["method"], "data.method")

    def check_move_in(self):
        """A move in from another commune names it (`origin`, a commune's identifier); a
        person who moved out of another commune keeps their record (`person` is set: see
        danso.fieldwork.moves), so they must have moved out and not died."""
        self.check_registration()
        self._check_commune("origin")
        person = self.c.person
        if person is not None and (person.left_on is None or person.died_on):
            self.error("person", "not_moved_out", _("This person has not moved out."))

    def check_move_out(self):
        """The commune moved to is a unit, not free text (`destination`: its identifier)."""
        if not self.c.data.get("destination"):
            self.error("data.destination", "required", _("Choose the commune moved to."))
            return
        unit = self._check_commune("destination")
        if unit is not None and unit.pk == self.c.household.village.parent_id:
            message = _("A move within the commune is a move within, not a move out.")
            self.error("data.destination", "same_commune", message)

    def _check_commune(self, name):
        from danso.orgunits.models import Level, OrgUnit

        uid = self.c.data.get(name)
        if not uid:
            return None
        unit = OrgUnit.objects.filter(uid=uid, level=Level.COMMUNE).first()
        if unit is None or unit.is_legacy:
            message = _("Not the identifier of a current commune (%(uid)s).") % {"uid": uid}
            self.error(f"data.{name}", "unknown_unit", message)
        return unit

    def check_method_start(self, method=None, field_name="method"):
        method = method or self.c.method
        if method not in codes.METHOD.codes:
            self.error(field_name, "invalid_code", _("Choose a contraceptive method."))
        elif self.sex == codes.MALE and method in codes.FEMALE_ONLY_METHODS:
            self.error(field_name, "sex_mismatch", _("This method is for women."))
        elif self.sex == codes.FEMALE and method in codes.MALE_ONLY_METHODS:
            self.error(field_name, "sex_mismatch", _("This method is for men."))

    def check_method_stop(self):
        if not self.state.get("method"):
            self.error("method", "no_method_in_use", _("This person uses no method."))

    def check_method_resupply(self):
        """Only pills and injectables are resupplied, to someone using that method."""
        method = self.c.method or self.state.get("method")
        if method not in codes.RESUPPLIED_METHODS:
            self.error("method", "not_resupplied", _("Only pills and injectables are resupplied."))
        elif self.state.get("method") != method:
            self.error("method", "no_method_in_use", _("This person does not use this method."))

    def _must_be_woman(self):
        if self.sex == codes.MALE:
            self.error("person", "sex_mismatch", _("Only a woman can be pregnant."))

    def check_pregnancy(self):
        self._must_be_woman()

    def check_prenatal_screening(self):
        self._must_be_woman()
        self._check_results(codes.PRENATAL_CONDITIONS)

    def check_newborn_screening(self):
        self._check_results(codes.NEWBORN_CONDITIONS)

    def _check_results(self, conditions):
        results = self.c.data.get("results", {})
        for name, value in results.items():
            if name not in conditions.codes or value not in codes.SCREENING_RESULT.codes:
                self.error(f"results.{name}", "invalid_code", _("Unknown code."))
        if not results:
            self.error("results", "required", _("Enter at least one screening result."))

    def check_elderly_check(self):
        if self.born and age_on(self.born, self.c.occurred_on) < ELDERLY_AGE:
            self.error("person", "not_elderly", _("The person is not yet 60."))

    def check_marriage(self):
        """A marriage entered once marries both spouses (see projection.events_for), so both
        are checked; it is a child marriage if either is under the legal age."""
        if self.state.get("marital_status") == codes.MARRIED:
            self.error("person", "already_married", _("This person is already married."))
        spouse, day = self.c.other_person, self.c.occurred_on
        people = [(self.sex, self.born)]
        if spouse is not None:
            people.append((spouse.sex, spouse.date_of_birth))
            if spouse.pk == self.c.person.pk:
                self.error("other_person", "same_person", _("Choose the other spouse."))
            elif spouse.died_on and spouse.died_on <= day:
                self.error("other_person", "already_dead", _("The spouse died before this date."))
            elif spouse.left_on and spouse.left_on <= day:
                self.error(
                    "other_person", "moved_out", _("The spouse had moved out of the commune.")
                )
            elif self.state.get("spouse_marital_status") == codes.MARRIED:
                self.error("other_person", "already_married", _("The spouse is already married."))
        if any(
            born and sex in LEGAL_MARRIAGE_AGE and age_on(born, day) < LEGAL_MARRIAGE_AGE[sex]
            for sex, born in people
        ):
            self.warn(
                "occurred_on",
                "child_marriage",
                _(
                    "Married under the legal age (20 for men, 18 for women): recorded as a "
                    "child marriage."
                ),
            )

    def check_divorce(self):
        if self.state.get("marital_status") != codes.MARRIED:
            self.error("person", "not_married", _("This person is not married."))

    def check_move_within(self):
        target = self.c.data.get("to_household")
        household = Household.objects.filter(pk=target).select_related("village").first()
        if household is None:
            self.error("to_household", "required", _("Choose the household moved to."))
        elif household.village.parent_id != self.c.household.village.parent_id:
            self.error(
                "to_household",
                "not_same_commune",
                _("That household is in another commune: record a move out instead."),
            )
        elif household.pk == self.c.household.pk:
            self.error("to_household", "same_household", _("That is the same household."))

    def check_change(self):
        changes = self.c.data.get("changes", {})
        if not changes:
            self.error("changes", "required", _("Enter at least one change."))
        for name, pair in changes.items():
            if name not in {
                "full_name",
                "date_of_birth",
                "sex",
                "ethnicity",
                "education",
                "relationship",
                "residence_kind",
                "citizen_id",
                "subject_code",
                "phone",
                "marital_status",
            }:
                self.error(f"changes.{name}", "invalid_field", _("This field cannot be changed."))
                continue
            code_list = codes.PERSON_CODE_LISTS.get(name)
            blank_allowed = not pair[1] and Person._meta.get_field(name).blank
            if code_list and pair[1] not in code_list.codes and not blank_allowed:
                self.error(f"changes.{name}", "invalid_code", _("Unknown code."))
            current = self.state.get(name, getattr(self.c.person, name, None))
            if str(pair[0] or "") != str(current or ""):
                self.error(
                    f"changes.{name}",
                    "stale_old_value",
                    _("The old value does not match the register (%(value)s).")
                    % {"value": current},
                )


def check(change: Change, today: datetime.date, state=None) -> list[Problem]:
    return Checker(change, today, state).run()
