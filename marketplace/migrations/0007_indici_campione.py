from django.db import migrations

# The text index of the first 1, 4 and 16 sample buckets (of 64): the facets of a broad
# text search are estimated on those objects, and with these the planner finds them in
# a few thousand index entries instead of collecting every match ("asilo": 38,000
# entries, 12 ms) to keep one in sixty-four. The buckets grow by powers of four
# (backends.postgres._sampled_facet_rows), so each sample matches one index exactly.
SAMPLE_LEVELS = (1, 4, 16)


def sample_indexes(name: str, using: str, bucket: str) -> list[migrations.RunSQL]:
    """One partial index `using` (such as "gin (strip(vettore))") for each sample level,
    named `search_doc_<name>_c<buckets>`, on the rows where `bucket` < buckets."""
    return [
        migrations.RunSQL(
            f"CREATE INDEX search_doc_{name}_c{buckets} ON search_documento USING {using} "
            f"WHERE {bucket} < {buckets}",
            f"DROP INDEX IF EXISTS search_doc_{name}_c{buckets}",
        )
        for buckets in SAMPLE_LEVELS
    ]


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0006_indice_comune_data")]

    operations = sample_indexes("testo", "gin (strip(vettore))", "campione")
