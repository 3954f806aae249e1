# One GIN index over the text and the filters that hold sets (category, language, group
# of people): a broad text's matches collected with such a filter (see
# backends.postgres._collect_matches) are read in one scan of it, where GIN intersects
# the lists of the words and of the filter's codes, skipping what either rules out. With
# the two indexes apart, each built its own bitmap of every row it lists before they were
# intersected: at a million services "assistenza domiciliare" among the services for the
# disabled, 40 ms for the text's 47,000 rows and 34 ms for the category's 130,000, then
# 3,700 rows; in one scan, 21 ms. The indexes apart stay, for the text or a set alone.

from django.db import migrations

INDEX = (
    "CREATE INDEX search_doc_testo_insiemi ON search_documento "
    "USING gin (strip(vettore), categorie, lingue, destinatari)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0017_lessemi"),
    ]

    operations = [
        migrations.RunSQL(INDEX, "DROP INDEX search_doc_testo_insiemi"),
    ]
