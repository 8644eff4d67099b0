"""Forms of the user-management pages; the rules themselves live in danso.accounts.users."""

from django import forms
from django.utils.translation import gettext_lazy as _

from danso.accounts.users import assignable_roles, assignable_units


class UnitsField(forms.ModelMultipleChoiceField):
    """Units picked by uid from the manager's scope (the picker posts uids, never internal ids)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="uid", **kwargs)


class _UserFields(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    org_units = UnitsField(
        label=_("Units"),
        help_text=_("The user sees and works on these units and everything below them."),
        error_messages={"required": _("Give the user at least one unit.")},
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    sensitive = forms.BooleanField(
        label=_("May open sensitive programmes (domestic violence, sponsored children)"),
        required=False,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = assignable_roles(actor)
        self.fields["org_units"].queryset = assignable_units(actor)
        if not actor.can_access_sensitive:
            del self.fields["sensitive"]


class UserCreateForm(_UserFields):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only, e.g. xa.easup"),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Leave empty to have one generated; it is shown once."),
    )
    token_name = forms.CharField(
        label=_("Also issue an API token named"),
        max_length=100,
        required=False,
        help_text=_("For a script or another system that sends data as this user."),
    )
    token_expires = forms.DateField(label=_("Token expires on"), required=False)

    field_order = ["username", "full_name", "role", "org_units", "password", "email", "phone"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        # The usual case, never an administrator by accident: a commune officer.
        roles = [value for value, _label in self.fields["role"].choices]
        self.fields["role"].initial = "commune" if "commune" in roles else roles[-1]


class UserEditForm(_UserFields):
    is_active = forms.BooleanField(
        label=_("Active (may log in)"),
        required=False,
        help_text=_("A deactivated user cannot log in and their tokens stop working."),
    )


class IssueTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    expires_at = forms.DateField(label=_("Expires on"), required=False)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or username"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All"))] + assignable_roles(actor)
