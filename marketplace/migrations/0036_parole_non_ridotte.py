# Words of the domain that the stemmer folds into another word's stem keep their own
# lexeme, as the sigle do (search.text.UNSTEMMED_WORDS): "comunità" is indexed as
# 'comunita0', no longer as 'comun' with every "Comune"; "autistici" as 'autistici0', no
# longer 'autist' with "autisti"; "anziano" as 'anziano0', no longer 'anzi'. The rows
# that have one of those stems and may name one of the words get their vectors written
# again, in place, by the index's own code (as 0030 did): a service whose title, text,
# provider or categories' names ("Salute e benessere", "Prevenzione e visite") name one,
# and every info point and agreement with the stem, whose vectors hold more texts than
# their row keeps (a PIT's kind, an agreement's services). Not every row with the stem:
# 'comun' is in nearly every generated service ("Sede: Comune di ..."). Elasticsearch
# reads the words with the new analyzer after `search_index --rebuild`; until then its
# index answers as before.
from django.db import migrations

from marketplace.search.index import rewrite_rows_that_may_name
from marketplace.search.text import UNSTEMMED_WORDS


def mark_the_unstemmed_words(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        rewrite_rows_that_may_name(cursor, UNSTEMMED_WORDS)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0035_nomi_composti")]

    operations = [migrations.RunPython(mark_the_unstemmed_words, migrations.RunPython.noop)]
