"""Clubs of population programmes, their members and their sessions.

A session is an activity of kind "club session" that names the club (see activities.py), so it
feeds the data elements like any other activity. A member may be linked to a person of the
register in the user's scope; name, sex and year of birth are then taken from the register when
left empty.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import can_record, scoped
from danso.concurrency import claim
from danso.register import codes
from danso.register.models import Person
from danso.register.validation import Problem

from .activities import ActivityError, editable_organiser
from .models import Club, ClubMember, Sex

PERSON_SEX = {codes.MALE: Sex.MALE, codes.FEMALE: Sex.FEMALE}


@dataclass
class ClubInput:
    organiser: str  # uid
    name: str
    topic: str = ""
    founded_on: datetime.date | None = None
    closed_on: datetime.date | None = None


@dataclass
class MemberInput:
    full_name: str = ""
    sex: str = ""
    birth_year: int | None = None
    person: int | None = None
    joined_on: datetime.date | None = None  # today when empty
    left_on: datetime.date | None = None


def _require_editor(user, club: Club) -> None:
    if not can_record(user, club.ou_path):
        raise PermissionDenied("You may not change this club")


def save_club(user, data: ClubInput, club: Club | None = None, expected: int | None = None) -> Club:
    """Create or replace a club; StaleEdit when someone saved it since version `expected`."""
    if not user.can_edit or (club and not can_record(user, club.ou_path)):
        raise PermissionDenied("You may not record this club")
    problems: list[Problem] = []
    organiser = editable_organiser(user, data.organiser, problems)
    name = " ".join(data.name.split())
    if not name:
        problems.append(Problem("name", "required", _("Enter the club's name.")))
    elif len(name) > 200:
        problems.append(Problem("name", "too_long", _("The name is longer than 200 characters.")))
    if len(data.topic) > 200:
        problems.append(Problem("topic", "too_long", _("The topic is longer than 200 characters.")))
    if data.founded_on and data.closed_on and data.closed_on < data.founded_on:
        message = _("The club closes before it was founded.")
        problems.append(Problem("closed_on", "closed_before_founded", message))
    if problems:
        raise ActivityError(problems)
    with transaction.atomic():
        if club:
            claim(club, expected)
        club = club or Club(created_by=user)
        _fill_club(club, organiser, name, data)
    return club


def _fill_club(club: Club, organiser, name: str, data: ClubInput) -> None:
    club.organiser, club.ou_path = organiser, organiser.path
    club.name, club.topic = name, data.topic.strip()
    club.founded_on, club.closed_on = data.founded_on, data.closed_on
    club.save()


def delete_club(user, club: Club) -> None:
    """Only a club without sessions goes; one that met is closed instead (closed_on)."""
    _require_editor(user, club)
    if club.sessions.exists():
        raise ActivityError(
            [Problem("club", "has_sessions", _("The club has sessions: close it instead."))]
        )
    club.delete()


def save_member(
    user, club: Club, data: MemberInput, member: ClubMember | None = None, today=None
) -> ClubMember:
    _require_editor(user, club)
    today = today or timezone.localdate()
    problems: list[Problem] = []
    person = None
    if data.person:
        person = scoped(user, Person.objects.all()).filter(pk=data.person).first()
        if person is None:
            problems.append(Problem("person", "unknown_person", _("No such person in your scope.")))
        elif (
            club.members.filter(person=person, left_on__isnull=True)
            .exclude(pk=member.pk if member else None)
            .exists()
        ):
            problems.append(
                Problem("person", "already_member", _("%(name)s is already a member.")
                        % {"name": person.full_name})
            )  # fmt: skip
    full_name = " ".join(data.full_name.split()) or (person.full_name if person else "")
    sex = data.sex or (PERSON_SEX.get(person.sex, "") if person else "")
    birth_year = data.birth_year or (person.date_of_birth.year if person else None)
    joined_on = data.joined_on or (member.joined_on if member else today)
    if not full_name:
        problems.append(Problem("full_name", "required", _("Enter the member's name.")))
    if sex not in Sex.values:
        problems.append(Problem("sex", "required", _("Choose the member's sex.")))
    if birth_year is not None and not 1900 <= birth_year <= today.year:
        problems.append(
            Problem("birth_year", "invalid_year", _("The year of birth is not plausible."))
        )
    if data.left_on and data.left_on < joined_on:
        problems.append(
            Problem("left_on", "left_before_joined", _("The member leaves before joining."))
        )
    if problems:
        raise ActivityError(problems)
    member = member or ClubMember(club=club)
    member.full_name, member.sex, member.birth_year = full_name[:150], sex, birth_year
    member.person, member.joined_on, member.left_on = person, joined_on, data.left_on
    member.save()
    return member


def leave_club(user, member: ClubMember, day: datetime.date | None = None) -> None:
    """The member leaves (kept in the list of former members): the usual way out."""
    _require_editor(user, member.club)
    day = day or timezone.localdate()
    if day < member.joined_on:
        raise ActivityError(
            [Problem("left_on", "left_before_joined", _("The member leaves before joining."))]
        )
    member.left_on = day
    member.save(update_fields=["left_on"])


@transaction.atomic
def remove_member(user, member: ClubMember) -> None:
    """Delete a member entered by mistake."""
    _require_editor(user, member.club)
    member.delete()
