# Which lexemes have map cells of their own (Lessema.nelle_celle): none until the next
# `search_index --rebuild`, which marks the commonest and builds their cells; until then
# the map of a text groups its rows, as before.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0024_ordine_colonne'),
    ]

    operations = [
        migrations.AddField(
            model_name='lessema',
            name='nelle_celle',
            field=models.BooleanField(db_default=False),
        ),
    ]
