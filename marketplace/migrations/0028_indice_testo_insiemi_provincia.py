# The keys of each row in the index of the text and the sets (migration 0026) also hold
# its province: the first three digits of its Comune's ISTAT code
# (search.backends.postgres.PROVINCE_KEY). A text's matches placed in a province's
# Comuni are then found in one scan of that index, the lists of its words cut short by
# the province's, instead of a bitmap of every row with one of its words.
#
# And the rows delivered at home have an index of their Comuni of their own, which holds
# only them (search.backends.postgres._in_comuni): the planner's estimate of the rows
# serving any of a province's 243 Comuni, from a sample where almost no row serves any,
# swung between 3,600 and 630,000 from one ANALYZE to the next, and with the larger it
# read the whole table for none (530 ms at a million services).
from importlib import import_module

from django.db import migrations

# The index as migration 0026 left it: its columns, and the keys before the province's.
_TILES = import_module("marketplace.migrations.0026_indice_testo_insiemi_tessere")
PROVINCE_KEY = "(8::int8 << 56) + left(comune_id, 3)::int"
WITH_PROVINCE = _TILES.ROW_KEYS.removesuffix("]") + f", {PROVINCE_KEY}]"


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0027_celle_parole_divise"),
    ]

    operations = [
        migrations.RunSQL(
            _TILES._index(f"{_TILES.COLUMNS}, ({WITH_PROVINCE})"),
            _TILES._index(f"{_TILES.COLUMNS}, ({_TILES.ROW_KEYS})"),
        ),
        migrations.RunSQL(
            "CREATE INDEX search_doc_a_domicilio ON search_documento USING gin "
            "(comuni_copertura) WHERE comuni_copertura <> '{}'",
            "DROP INDEX search_doc_a_domicilio",
        ),
    ]
