"""Org-unit groups and group sets: a list every user sees (they are units of analysis), and
editing and CSV import for national administrators."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso.accounts.scope import is_national_administrator
from danso.concurrency import StaleEdit
from danso.orgunits import groups as service
from danso.orgunits.models import OrgUnitGroup, OrgUnitGroupSet

from .forms import VillageImportForm


class GroupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=50)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    short_name = forms.CharField(label=gettext_lazy("Short name"), max_length=100,
                                 required=False)  # fmt: skip
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    members = forms.CharField(
        label=gettext_lazy("Members: identifiers of the units (C24211, LC24214…), one per line"),
        required=False, widget=forms.Textarea(attrs={"rows": 8}),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GroupSetForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=50)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    exclusive = forms.BooleanField(
        label=gettext_lazy("Exclusive: a unit is in one group of the set at most"),
        required=False,
    )
    groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Groups"), queryset=OrgUnitGroup.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GroupImportForm(VillageImportForm):
    replace = forms.BooleanField(
        label=gettext_lazy("Replace the members of the groups in the file (else add to them)"),
        required=False,
    )


def _require_administrator(user):
    if not is_national_administrator(user):
        raise PermissionDenied


@login_required
def group_list(request):
    groups = OrgUnitGroup.objects.annotate(n=Count("members")).order_by("name")
    sets = OrgUnitGroupSet.objects.prefetch_related("groups").order_by("name")
    return render(request, "groups/list.html", {
        "groups": groups, "sets": sets, "can_edit": is_national_administrator(request.user),
    })  # fmt: skip


def _add_problems(form, problems):
    for p in problems:
        form.add_error(p.field if p.field in form.fields else None, p.message)


@login_required
def group_edit(request, code=None):
    _require_administrator(request.user)
    group = get_object_or_404(OrgUnitGroup, code=code) if code else None
    initial = {}
    if group:
        members = "\n".join(group.members.order_by("path").values_list("uid", flat=True))
        initial = {"code": group.code, "name": group.name, "short_name": group.short_name,
                   "description": group.description, "members": members,
                   "version": group.version}  # fmt: skip
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved, problems = service.save_group(
                group, code=data["code"], name=data["name"], short_name=data["short_name"],
                description=data["description"], members_text=data["members"],
                expected_version=data["version"],
            )  # fmt: skip
        except StaleEdit as err:
            saved, problems = None, [service.GroupProblem(0, "", err.code, err.message)]
        if saved:
            messages.success(request, _("Saved the group %(name)s.") % {"name": saved.name})
            return redirect("group_list")
        _add_problems(form, problems)
    return render(request, "groups/edit.html", {"form": form, "group": group,
                                                 "title": _("Org unit group")})  # fmt: skip


@login_required
def group_set_edit(request, code=None):
    _require_administrator(request.user)
    group_set = get_object_or_404(OrgUnitGroupSet, code=code) if code else None
    initial = {"exclusive": True}
    if group_set:
        initial = {
            "code": group_set.code,
            "name": group_set.name,
            "description": group_set.description,
            "exclusive": group_set.exclusive,
            "groups": list(group_set.groups.all()),
            "version": group_set.version,
        }
    form = GroupSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved, problems = service.save_group_set(
                group_set, code=data["code"], name=data["name"],
                description=data["description"], exclusive=data["exclusive"],
                groups=data["groups"], expected_version=data["version"],
            )  # fmt: skip
        except StaleEdit as err:
            saved, problems = None, [service.GroupProblem(0, "", err.code, err.message)]
        if saved:
            messages.success(request, _("Saved the group set %(name)s.") % {"name": saved.name})
            return redirect("group_list")
        _add_problems(form, problems)
    return render(request, "groups/edit.html", {"form": form, "group": group_set,
                                                 "title": _("Org unit group set")})  # fmt: skip


@login_required
def group_import(request):
    _require_administrator(request.user)
    form = GroupImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        result = service.import_csv(form.cleaned_data["file"].read(),
                                    replace=form.cleaned_data["replace"])  # fmt: skip
        if not result.problems:
            messages.success(request, _("Imported %(members)s memberships of %(groups)s groups.")
                             % {"members": result.members, "groups": result.groups})  # fmt: skip
            return redirect("group_list")
        problems = result.problems
    return render(request, "groups/import.html", {"form": form, "errors": problems})


@login_required
def group_template(request):
    response = HttpResponse(service.CSV_TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-nhom-don-vi.csv"'
    return response
