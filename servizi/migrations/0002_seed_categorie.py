from django.db import migrations

from servizi.seed import seed_categorie


def forwards(apps, schema_editor):
    seed_categorie(apps.get_model("servizi", "Categoria"))


class Migration(migrations.Migration):
    dependencies = [("servizi", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
