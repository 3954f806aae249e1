from django.db import migrations

ITALIANO = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'italiano') THEN
    CREATE TEXT SEARCH CONFIGURATION italiano (COPY = pg_catalog.italian);
    ALTER TEXT SEARCH CONFIGURATION italiano
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;
  END IF;
END $$;
"""


class Migration(migrations.Migration):
    """Italian full-text search that also folds accents ('caffe' finds 'caffè'), and a
    geography index for radius and nearest searches in metres."""

    dependencies = [
        ("marketplace", "0001_initial"),
        ("geo_data", "0001_initial"),  # creates the unaccent extension
    ]

    operations = [
        migrations.RunSQL(ITALIANO, "DROP TEXT SEARCH CONFIGURATION IF EXISTS italiano"),
        migrations.RunSQL(
            "CREATE INDEX search_doc_geografia ON search_documento "
            "USING gist ((punto::geography))",
            "DROP INDEX IF EXISTS search_doc_geografia",
        ),
    ]
