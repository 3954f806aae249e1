# The lexemes of the index's text vectors (see Lessema): a prefix that no other lexeme
# begins with is searched as the word itself.

from django.db import migrations, models

FILL = (
    "INSERT INTO search_lessema (lessema) "
    "SELECT DISTINCT unnest(tsvector_to_array(vettore)) FROM search_documento "
    "ON CONFLICT DO NOTHING"
)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0016_indice_tipo_ente_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="Lessema",
            fields=[
                (
                    "lessema",
                    models.TextField(db_collation="C", primary_key=True, serialize=False),
                ),
            ],
            options={"db_table": "search_lessema"},
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
