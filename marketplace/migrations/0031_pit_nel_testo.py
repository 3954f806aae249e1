# Every PIT's text says what people call the desks before its kind ("Punto di
# informazione territoriale (PIT), Segretariato sociale": punti_informazione.selectors.
# tipo_nel_testo), so that "pit" and "punto informazione" find them. The PITs already
# indexed get their rows again from the index's own code (a few per district: the
# catalogue's services are untouched). Elasticsearch gets the new texts with
# `search_index --rebuild`, as after migration 0030.
from django.db import migrations

from marketplace.search.index import PIT, reindex


def write_the_pits_again(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT oggetto_id FROM search_documento WHERE tipo = %s", [PIT])
        ids = [row[0] for row in cursor.fetchall()]
    if ids:
        reindex({PIT: ids}, sync_elasticsearch=False)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0030_sigle"),
        # The index's code reads the catalogue as it is now.
        ("servizi", "0004_ricerca_admin_trigrammi"),
        ("punti_informazione", "0002_voce_convenzione"),
        ("convenzioni", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(write_the_pits_again, migrations.RunPython.noop),
    ]
