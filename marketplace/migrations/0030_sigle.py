# The domain's sigle keep their own lexeme (search.text.SIGLE): "ISEE" is indexed as
# 'isee0', no longer as 'ise' with every text that names Iseo. The rows already indexed
# with one of the stems the sigle had ('ise', 'bes', 'caf', 'cav', 'cpi', 'pei', 'sai')
# get their vectors written again, in place, by the index's own code (as migration 0014
# does): the others have no sigla to mark. At a million generated services that is
# each row naming ISEE, CAF or one of those Comuni. Elasticsearch reads the sigle with
# the new analyzer after `search_index --rebuild`; until then its index answers as before.
from django.db import migrations

from marketplace.search.index import rewrite_vectors_where
from marketplace.search.text import SIGLE


def mark_the_sigle(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        rewrite_vectors_where(
            cursor, "strip(vettore) @@ to_tsquery('italiano', %s)", [" | ".join(SIGLE)]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0029_indice_titoli"),
        # The index's code reads the catalogue as it is now.
        ("servizi", "0004_ricerca_admin_trigrammi"),
        ("punti_informazione", "0002_voce_convenzione"),
        ("convenzioni", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(mark_the_sigle, migrations.RunPython.noop),
    ]
