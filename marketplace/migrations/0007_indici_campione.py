from django.db import migrations

# The text index of the first 1, 4 and 16 sample buckets (of 64): the facets of a broad
# text search are estimated on those objects, and with these the planner finds them in
# a few thousand index entries instead of collecting every match ("asilo": 38,000
# entries, 12 ms) to keep one in sixty-four. The buckets grow by powers of four
# (backends.postgres._sampled_facet_rows), so each sample matches one index exactly.
SAMPLE_TEXT_INDEXES = [
    (f"search_doc_testo_c{buckets}", buckets) for buckets in (1, 4, 16)
]


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0006_indice_comune_data")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON search_documento USING gin (strip(vettore)) "
            f"WHERE campione < {buckets}",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, buckets in SAMPLE_TEXT_INDEXES
    ]
