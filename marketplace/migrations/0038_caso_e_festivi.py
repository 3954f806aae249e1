# "caso" and "casi" keep their own lexeme, apart from "casa" and "case" (all four were
# 'cas': "casa" found every "in caso di malattia"), and "festivo", "festivi" and
# "festiva" apart from "festa" ('fest'): search.text.UNSTEMMED_WORDS. The rows that may
# name one get their vectors written again, in place, as 0036 did for the first words of
# that list. Elasticsearch reads the words with the new analyzer after
# `search_index --rebuild`; until then its index answers as before.
from django.db import migrations

from marketplace.search.index import rewrite_rows_that_may_name
from marketplace.search.text import UNSTEMMED_WORDS

WORDS = ("caso", "casi", "festivo", "festivi", "festiva")


def mark_the_new_words(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        rewrite_rows_that_may_name(cursor, {word: UNSTEMMED_WORDS[word] for word in WORDS})


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0037_costo_nel_testo")]

    operations = [migrations.RunPython(mark_the_new_words, migrations.RunPython.noop)]
