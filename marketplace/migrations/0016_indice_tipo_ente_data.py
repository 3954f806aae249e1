# A provider kind's rows by date (see DocumentoRicerca.Meta): the walk of a broad text
# with a provider kind reads only that kind's rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0015_indice_testi_recenti"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="documentoricerca",
            index=models.Index(
                fields=["tipo_ente", "aggiornato_il", "id"], name="search_doc_ente_data"
            ),
        ),
    ]
