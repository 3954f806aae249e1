# The words of Comune names of several words that the stemmer folds into a common word's
# stem are marked where a text writes the whole name (place_words.PLACE_NAMES,
# search.text.NAMES_SQL_PATTERN): "Serio" in "Cologno al Serio" is 'serio0', no longer
# 'ser' with every "sera"; "Sale" in "Sale Marasino" 'sale0', no longer 'sal' with
# "salute"; "Uniti" in "Gravedona ed Uniti" 'uniti0', no longer 'unit' with "unità".
# The rows already indexed that write one of those names get their vectors written
# again, in place, by the index's own code (as 0033 did). Elasticsearch reads them with
# the new analyzer after `search_index --rebuild`; until then its index answers as before.
from django.db import migrations

from marketplace.search.index import rewrite_rows_naming
from marketplace.search.place_words import NAME_WORDS
from marketplace.search.text import NAMES_SQL_PATTERN


def mark_the_names(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        rewrite_rows_naming(cursor, NAME_WORDS, NAMES_SQL_PATTERN)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0034_nomi_di_santi")]

    operations = [migrations.RunPython(mark_the_names, migrations.RunPython.noop)]
