# A service's cost description is now in its text vector, as it already was in the text
# its results show (`testo`): "isee" finds the nurseries whose fee is "in base
# all'ISEE", "notte" the sitter whose cost says "notte intera 90 €". Nearly every row of
# a generated catalogue has one (720,015 of a million services), so the postgres index
# is rebuilt whole (index.rebuild_index), which writes a compact table, rather than
# rewritten in place, which would double it. Elasticsearch reads the cost after
# `search_index --rebuild`; until then its index answers as before.
from django.db import migrations

from marketplace.search.index import rebuild_index


def rebuild_the_index(apps, schema_editor):
    rebuild_index()


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0036_parole_non_ridotte")]

    operations = [migrations.RunPython(rebuild_the_index, migrations.RunPython.noop)]
