# The keys of each row in the index of the text and the sets (migrations 0026, 0028) also
# hold when its week is open (search.backends.postgres.open_keys): each weekday it meets,
# whole and in each part of the day (a slot that starts on it, or the night of the day
# before's), each part of the day it meets on some day of the week, and whether it has
# special hours of an exception (which may open it on any day). A text's matches open on
# a day are then found in one scan of that index, the lists of its words cut short by
# the day's key, instead of every match being read to check its hours: at a million
# services "badante" is in 67,700 rows, 1,600 of them open on a Sunday.
#
# The function is this migration's: the spans below are those of servizi.orari's parts
# of the day when it was written, and the index holds what it computed.
from importlib import import_module

from django.db import migrations

_TILES = import_module("marketplace.migrations.0026_indice_testo_insiemi_tessere")
_PROVINCE = import_module("marketplace.migrations.0028_indice_testo_insiemi_provincia")

# The whole day, then servizi.orari.PARTI_DEL_GIORNO in its order: the key of weekday
# `day` (0 = Monday) in part `p` is 4 * day + p; of part p on some day of the week,
# 28 + p; of special hours, 32.
PARTS = [(0, 24), (6, 13), (13, 18), (18, 24)]
SPECIAL_HOURS = 32


def _spans() -> str:
    rows = []
    for p, (first, last) in enumerate(PARTS):
        spans = [(day * 86400 + first * 3600, day * 86400 + last * 3600) for day in range(7)]
        rows += [
            f"({4 * day + p}, '{{[{low},{high})}}'::int4multirange)"
            for day, (low, high) in enumerate(spans)
        ]
        if p:
            week = ",".join(f"[{low},{high})" for low, high in spans)
            rows.append(f"({28 + p}, '{{{week}}}'::int4multirange)")
    return ", ".join(rows)


CREATE_FUNCTION = f"""
CREATE FUNCTION search_chiavi_orario(
    settimana int4multirange, notte int4multirange, speciali tsmultirange
) RETURNS int8[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT (9::int8 << 56) + g.n
        FROM (VALUES {_spans()}) AS g(n, ore)
        WHERE settimana + notte && g.ore
        ORDER BY g.n
    ) || CASE WHEN coalesce(isempty(speciali), true) THEN '{{}}'::int8[]
              ELSE ARRAY[(9::int8 << 56) + {SPECIAL_HOURS}] END
$$
"""
WITH_HOURS = (
    f"({_PROVINCE.WITH_PROVINCE} || search_chiavi_orario(settimana, notte, orari_speciali))"
)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0039_celle_giorno"),
    ]

    operations = [
        migrations.RunSQL(
            [CREATE_FUNCTION, _TILES._index(f"{_TILES.COLUMNS}, ({WITH_HOURS})")],
            [
                _TILES._index(f"{_TILES.COLUMNS}, ({_PROVINCE.WITH_PROVINCE})"),
                "DROP FUNCTION search_chiavi_orario",
            ],
        ),
    ]
