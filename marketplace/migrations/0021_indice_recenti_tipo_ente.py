# The recent rows' text index also holds the provider kind, a scalar that a GIN index
# takes through btree_gin (see search.index.index_recent_texts): built anew, on the same
# rows, where a rebuild has made it, as migration 0020 does.

from importlib import import_module

from django.db import migrations

_recreate = import_module("marketplace.migrations.0020_indice_recenti_insiemi")._recreate


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0020_indice_recenti_insiemi"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS btree_gin", "DROP EXTENSION IF EXISTS btree_gin"
        ),
        migrations.RunSQL(
            _recreate("strip(vettore), categorie, lingue, destinatari, tipo_ente"),
            _recreate("strip(vettore), categorie, lingue, destinatari"),
        ),
    ]
