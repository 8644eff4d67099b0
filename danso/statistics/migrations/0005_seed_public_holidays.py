from django.db import migrations


def seed(apps, schema_editor):
    from danso.statistics.holidays import LUNAR, seed_days

    PublicHoliday = apps.get_model("statistics", "PublicHoliday")
    for year in LUNAR:
        for day, name in seed_days(year):
            PublicHoliday.objects.get_or_create(day=day, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("statistics", "0004_public_holidays")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
