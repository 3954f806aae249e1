# The keys of the hours (migration 0040) also say when a row's week is closed, and when
# it is open in the small hours (search.backends.postgres.OPEN_KEYS):
#
# - For each weekday, whole and in each part of the day, and for each part of the day on
#   some day of the week, a row holds either the key "open" of 0040 or the key "closed"
#   (its number + 64). The map of one of the commonest words (which has cells of its
#   own) open on a day, where most of its matches are, is then its cells less its
#   matches closed, found in one scan of the index: at a million services "servizio"
#   open on a Monday is 449,000 places to group, 44,000 to take back.
# - For each weekday, whether its weekly slots meet the small hours (0:00-6:00), which
#   are in no part of the day: a moment then asks that key (33 + weekday), not the whole
#   day's. "servizio" open on Monday at midnight read its 493,000 matches for one place.
#
# The function is this migration's, as 0040's was: the spans below are those of
# servizi.orari's parts of the day when it was written, and the index holds what it
# computed. 0040's function goes with the index that used it.
from importlib import import_module

from django.db import migrations

_TILES = import_module("marketplace.migrations.0026_indice_testo_insiemi_tessere")
_PROVINCE = import_module("marketplace.migrations.0028_indice_testo_insiemi_provincia")
_HOURS = import_module("marketplace.migrations.0040_chiavi_orario")

SMALL_HOURS = (0, 6)
FIRST_SMALL_HOURS_KEY = 33
CLOSED = 64  # added to an open key's number: its span closed


def _spans() -> str:
    """0040's spans, whose keys are open or closed, and the small hours' (open only)."""
    rows = [_HOURS._spans()]
    first, last = SMALL_HOURS
    rows += [
        f"({FIRST_SMALL_HOURS_KEY + day}, "
        f"'{{[{day * 86400 + first * 3600},{day * 86400 + last * 3600})}}'::int4multirange)"
        for day in range(7)
    ]
    return ", ".join(rows)


CREATE_FUNCTION = f"""
CREATE FUNCTION search_chiavi_settimana(
    settimana int4multirange, notte int4multirange, speciali tsmultirange
) RETURNS int8[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT (9::int8 << 56) + g.n + CASE WHEN settimana + notte && g.ore THEN 0
                                             ELSE {CLOSED} END
        FROM (VALUES {_spans()}) AS g(n, ore)
        WHERE g.n < {FIRST_SMALL_HOURS_KEY} OR settimana + notte && g.ore
        ORDER BY 1
    ) || CASE WHEN coalesce(isempty(speciali), true) THEN '{{}}'::int8[]
              ELSE ARRAY[(9::int8 << 56) + {_HOURS.SPECIAL_HOURS}] END
$$
"""
WITH_WEEK = (
    f"({_PROVINCE.WITH_PROVINCE} || search_chiavi_settimana(settimana, notte, orari_speciali))"
)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0040_chiavi_orario"),
    ]

    operations = [
        migrations.RunSQL(
            [
                CREATE_FUNCTION,
                _TILES._index(f"{_TILES.COLUMNS}, ({WITH_WEEK})"),
                "DROP FUNCTION search_chiavi_orario",
            ],
            [
                _HOURS.CREATE_FUNCTION,
                _TILES._index(f"{_TILES.COLUMNS}, ({_HOURS.WITH_HOURS})"),
                "DROP FUNCTION search_chiavi_settimana",
            ],
        ),
    ]
