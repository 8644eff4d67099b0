"""Superusers created before the rule with the default viewer role become administrators."""

from django.db import migrations


def promote(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_superuser=True, role="viewer").update(role="admin", is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(promote, migrations.RunPython.noop)]
