# The recent rows' text index also holds the filters with sets (see
# search.index.index_recent_texts): built anew, on the same rows, where a rebuild has
# made it. A database with no recent rows' date has none, and waits for a rebuild.

from django.db import migrations


def _recreate(columns: str) -> str:
    return f"""
DO $$
DECLARE since timestamptz;
BEGIN
  SELECT recenti_dal INTO since FROM search_stato WHERE id = 1;
  IF since IS NOT NULL THEN
    DROP INDEX IF EXISTS search_doc_testo_recenti;
    EXECUTE format(
      'CREATE INDEX search_doc_testo_recenti ON search_documento USING gin ({columns}) '
      'WHERE aggiornato_il >= %L::timestamptz',
      since
    );
  END IF;
END $$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0019_vocabolo_gin"),
    ]

    operations = [
        migrations.RunSQL(
            _recreate("strip(vettore), categorie, lingue, destinatari"),
            _recreate("strip(vettore)"),
        ),
    ]
