# The index of the text and the sets (migration 0018) also holds an array of keys of
# each row (search.backends.postgres.ROW_KEYS): the tiles of its place, at two sizes,
# and the values of its filters with few values (free, accessible, provider kind). The
# rows of a text within a radius or with such a filter are found in one scan of it,
# each list cut short by the others, not each read to be checked: at a million
# services, "asilo" for free within 10 km of the Duomo 13 ms for the circle's bitmap
# (164,000 places) and 6 for the text's (38,000 rows), then 7,100 rows read; in one
# scan, 2.8 ms for 6,700. The region's map of "assistenza" for free: 174 -> 88 ms.
from django.db import migrations

COLUMNS = "strip(vettore), categorie, lingue, destinatari"
ROW_KEYS = (
    "ARRAY[(2::int8 << 56) + ((cella_x >> 2)::int8 << 32) + (cella_y >> 2), "
    "(4::int8 << 56) + ((cella_x >> 4)::int8 << 32) + (cella_y >> 4), "
    "(1::int8 << 56) + gratuito::int, "
    "(1::int8 << 56) + 2 + accessibile::int, "
    "(1::int8 << 56) + CASE tipo_ente WHEN 'pubblico' THEN 4 "
    "WHEN 'terzo_settore' THEN 5 WHEN 'impresa' THEN 6 ELSE 7 END]"
)


def _index(columns: str) -> str:
    return (
        "DROP INDEX search_doc_testo_insiemi; "
        f"CREATE INDEX search_doc_testo_insiemi ON search_documento USING gin ({columns})"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0025_lessemi_nelle_celle"),
    ]

    operations = [
        migrations.RunSQL(_index(f"{COLUMNS}, ({ROW_KEYS})"), _index(COLUMNS)),
    ]
