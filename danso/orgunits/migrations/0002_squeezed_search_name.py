"""Unit search ignores spaces and apostrophes: `search_name` now holds the squeezed name."""

from django.db import migrations

from danso.text import squeeze


def squeeze_search_names(apps, schema_editor):
    OrgUnit = apps.get_model("orgunits", "OrgUnit")
    units = list(OrgUnit.objects.only("pk", "name", "short_name"))
    for unit in units:
        unit.search_name = squeeze(f"{unit.name} {unit.short_name}")
    OrgUnit.objects.bulk_update(units, ["search_name"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0001_initial")]

    operations = [migrations.RunPython(squeeze_search_names, migrations.RunPython.noop)]
