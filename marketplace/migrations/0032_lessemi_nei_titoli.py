# How many rows have each lexeme in their title (Lessema.righe_con_titolo), counted on
# the rows already indexed as a rebuild counts them: the search no longer looks for a
# page of matches in titles where there cannot be one ("sport" at a million services: 5
# of 55,000 matches, 17-20 ms a search). A lexeme first indexed later is not counted
# until the next rebuild, and is looked for in titles as before.
from django.db import migrations, models

from marketplace.search.index import TITLE_ROWS


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0031_pit_nel_testo"),
    ]

    operations = [
        migrations.AddField(
            model_name="lessema",
            name="righe_con_titolo",
            field=models.IntegerField(null=True),
        ),
        migrations.RunSQL(TITLE_ROWS, migrations.RunSQL.noop),
    ]
