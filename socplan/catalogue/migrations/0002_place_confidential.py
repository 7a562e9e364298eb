from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="catalogueplace",
            name="confidential",
            field=models.BooleanField(
                default=False,
                help_text="Jen obec: název a adresa místa se neukazují, souřadnice jsou souřadnice obce.",
                verbose_name="utajená adresa"),
        ),
    ]
