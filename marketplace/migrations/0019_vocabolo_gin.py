# The vocabulary's trigram index becomes GIN (it was GiST): the spelling correction now
# asks for the words that share enough trigrams with a typo (`%`), then takes the
# nearest of them (see spelling._NEAREST_WORD). GiST's nearest-first scan walked a
# large part of the tree: at a million services (99,000 words) 12-24 ms a word; GIN's
# lists of the typo's trigrams, 0.2-3.5 ms ("cons", a short word, 11).

from django.db import migrations

GIST = "CREATE INDEX search_vocabolo_trgm ON search_vocabolo USING gist (parola gist_trgm_ops)"
GIN = "CREATE INDEX search_vocabolo_trgm ON search_vocabolo USING gin (parola gin_trgm_ops)"
DROP = "DROP INDEX search_vocabolo_trgm"


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0018_indice_testo_insiemi"),
    ]

    operations = [
        migrations.RunSQL([DROP, GIN], [DROP, GIST]),
    ]
