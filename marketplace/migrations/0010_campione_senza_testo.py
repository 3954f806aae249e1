from django.db import migrations, models
from django.db.models.functions import Cast

# The sample of a broad search without text (backends.postgres._sampled_facet_rows).
# - The index of the buckets moves to the cast, so that a text search's sample is read
#   from its buckets' own text index (0007) rather than from both
#   (models.DocumentoRicerca).
# - The first bucket gets a covering index with every column that a search without text
#   filters on or counts in its facets: its sample (a sixty-fourth of the rows, 14,000
#   at a million services) is read from 4.6 MB of index instead of 14,000 pages of the
#   table ("anziani": 46 -> 20 ms for the facets). A filter on a column left out of it
#   still gives the same answer, from the table.
FIRST_BUCKET_COLUMNS = (
    "oggetto_id, tipo_ente, comune_id, categorie, valido_dal, valido_al, ente_id, "
    "destinatari, comuni_copertura, punto, orario_id, gratuito, lingue, accessibile"
)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0009_celle_per_filtro"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="documentoricerca",
            name="search_doc_campione",
        ),
        migrations.AddIndex(
            model_name="documentoricerca",
            index=models.Index(
                Cast("campione", models.IntegerField()), name="search_doc_campione"
            ),
        ),
        migrations.RunSQL(
            "CREATE INDEX search_doc_campione_c1 ON search_documento (tipo) "
            f"INCLUDE ({FIRST_BUCKET_COLUMNS}) WHERE campione::integer < 1",
            "DROP INDEX IF EXISTS search_doc_campione_c1",
        ),
    ]
