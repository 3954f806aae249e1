# The words of Comune names that the stemmer folds into a common word's stem keep their
# own lexeme, as the sigle do (search.text.MARKED_WORDS, place_words.PLACE_WORDS):
# "Cenate" is indexed as 'cenate0', no longer as 'cen' with every "cena"; "Salò" as
# 'salo0', no longer 'sal' with "salute". The configuration now folds the accents of
# the words with a digit (the parser's numword, as 'Salò0'), as it folds the others'.
# The rows already indexed with one of those stems whose texts name one of those
# Comuni get their vectors written again, in place, by the index's own code (as
# migration 0030 did). Elasticsearch reads them with the new analyzer after
# `search_index --rebuild`; until then its index answers as before.
from django.db import migrations

from marketplace.search.index import rewrite_rows_naming
from marketplace.search.place_words import PLACE_WORDS

NUMWORD_UNACCENT = "ALTER TEXT SEARCH CONFIGURATION italiano ALTER MAPPING FOR numword WITH unaccent, simple"
NUMWORD_SIMPLE = "ALTER TEXT SEARCH CONFIGURATION italiano ALTER MAPPING FOR numword WITH simple"


def mark_the_place_words(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        rewrite_rows_naming(cursor, PLACE_WORDS)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0032_lessemi_nei_titoli"),
        # The index's code reads the catalogue as it is now.
        ("servizi", "0004_ricerca_admin_trigrammi"),
        ("punti_informazione", "0002_voce_convenzione"),
        ("convenzioni", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(NUMWORD_UNACCENT, NUMWORD_SIMPLE),
        migrations.RunPython(mark_the_place_words, migrations.RunPython.noop),
    ]
