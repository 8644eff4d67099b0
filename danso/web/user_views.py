"""User management in the product (/nguoi-dung/): administrators, central and province officers
create users in their area, give roles and units, reset passwords, deactivate, issue and revoke
API tokens. The rules are danso.accounts.users'; these views only show and ask."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danso.accounts import users as service
from danso.accounts.users import UserError

from .user_forms import IssueTokenForm, UserCreateForm, UserEditForm, UserFilterForm


def _manager(request):
    if not service.can_manage_users(request.user):
        raise PermissionDenied
    return request.user


def _target(request, username):
    found = service.get_manageable(_manager(request), username)
    if found is None:
        raise Http404("No such user in your area")
    return found


def _refused(form, err: UserError) -> None:
    form.add_error(err.field if err.field in form.fields else None, err.message)


def _chosen_units(request, form, initial=()):
    """The units the picker shows as chosen: what was posted, or the user's own."""
    if form.is_bound:
        uids = request.POST.getlist("org_units")
        return list(service.assignable_units(request.user).filter(uid__in=uids).order_by("path"))
    return list(initial)


@login_required
def user_list(request):
    actor = _manager(request)
    form = UserFilterForm(request.GET or None, actor=actor)
    users = service.manageable_users(actor).prefetch_related("org_units").order_by("username")
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"]:
            users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
        if data["role"]:
            users = users.filter(role=data["role"])
        if data["active"]:
            users = users.filter(is_active=data["active"] == "1")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@login_required
def user_create(request):
    actor = _manager(request)
    form = UserCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = service.create_user(
                actor,
                username=data["username"],
                full_name=data["full_name"],
                role=data["role"],
                units=data["org_units"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"],
                sensitive=data.get("sensitive", False),
                token_name=data["token_name"],
                token_expires=data["token_expires"],
            )
        except UserError as err:
            _refused(form, err)
        else:
            messages.success(request, _("User %s created.") % created.user.username)
            return _detail(request, created.user, new_password=created.password,
                           new_token=created.token)  # fmt: skip
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "chosen": _chosen_units(request, form), "creating": True},
    )


def _detail(request, user, *, form=None, new_password=None, new_token=None, token_form=None):
    actor = request.user
    form = form or UserEditForm(
        actor=actor,
        initial={
            "full_name": user.full_name,
            "role": user.role,
            "email": user.email,
            "phone": user.phone,
            "sensitive": user.can_access_sensitive,
            "is_active": user.is_active,
        },
    )
    chosen = _chosen_units(request, form, user.org_units.order_by("path"))
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": user,
            "form": form,
            "chosen": chosen,
            "new_password": new_password,
            "new_token": new_token,
            "token_form": token_form or IssueTokenForm(),
            "tokens": user.access_tokens.filter(revoked_at__isnull=True),
            "is_self": user.pk == actor.pk,
        },
    )


@login_required
def user_detail(request, username):
    user = _target(request, username)
    if request.method != "POST":
        return _detail(request, user)
    form = UserEditForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.update_user(
                request.user,
                user,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                role=data["role"],
                units=data["org_units"],
                sensitive=data.get("sensitive"),
                is_active=data["is_active"],
            )
        except UserError as err:
            _refused(form, err)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("user_detail", username=user.username)
    return _detail(request, user, form=form)


@login_required
@require_POST
def user_password(request, username):
    user = _target(request, username)
    password = service.reset_password(request.user, user)
    messages.success(request, _("Password reset."))
    return _detail(request, user, new_password=password)


@login_required
@require_POST
def user_token(request, username):
    user = _target(request, username)
    token_form = IssueTokenForm(request.POST)
    if token_form.is_valid():
        data = token_form.cleaned_data
        _, clear = service.issue_token(request.user, user, data["name"], data["expires_at"])
        messages.success(request, _("Token issued."))
        return _detail(request, user, new_token=clear)
    return _detail(request, user, token_form=token_form)


@login_required
@require_POST
def user_token_revoke(request, username, pk):
    user = _target(request, username)
    try:
        service.revoke_token(request.user, user, pk)
    except UserError as err:
        raise Http404(err.message) from err
    messages.success(request, _("Token revoked."))
    return redirect("user_detail", username=user.username)


@login_required
def unit_choices(request):
    """The picker's search: units of the manager's area in both maps, as boxes to tick."""
    actor = _manager(request)
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        found = service.assignable_units(actor).search(query).select_related("parent")
        current_first = F("valid_to").asc(nulls_first=True)
        results = found.order_by(current_first, "path")[:30]
    return render(request, "accounts/_unit_choices.html", {"query": query, "results": results})
