# The saints' first names of Comune names, and "San" itself, are marked as the other
# place words are (place_words.PLACE_WORDS, scripts/place_words.py's NAMES_ONLY): names
# only, whose stems are common words' ("San" and "sanità" are both 'san', "Vito" and
# "vita" 'vit', "Maria" and "mare" 'mar', "Donato" and "donare" 'don'). "sanità"
# listed every service of San Donato Milanese, San Giuliano Milanese, San Benedetto Po...
# The rows already indexed that name one of them get their vectors written again, in
# place (as 0033 did). Elasticsearch reads them with the new analyzer after
# `search_index --rebuild`; until then its index answers as before.
from django.db import migrations

from marketplace.search.index import rewrite_rows_naming

# As place_words.PLACE_WORDS has them now: word -> stem.
NOMI_DI_SANTI = {
    "donato": "don",
    "marco": "marc",
    "maria": "mar",
    "pietro": "pietr",
    "rocco": "rocc",
    "san": "san",
    "siro": "sir",
    "vito": "vit",
}


def mark_the_saints_names(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        rewrite_rows_naming(cursor, NOMI_DI_SANTI)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0033_nomi_di_luogo")]

    operations = [migrations.RunPython(mark_the_saints_names, migrations.RunPython.noop)]
