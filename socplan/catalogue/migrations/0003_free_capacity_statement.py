import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0002_place_confidential"),
        ("registry", "0003_facility_confidential_address"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FreeCapacityStatement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("places_free", models.PositiveIntegerField(verbose_name="volná místa")),
                ("waiting_list", models.PositiveIntegerField(blank=True, null=True,
                                                             verbose_name="čekatelé v pořadníku")),
                ("stated_on", models.DateField(verbose_name="údaj ke dni")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="zapsáno")),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                 related_name="+", to=settings.AUTH_USER_MODEL,
                                                 verbose_name="zapsal")),
                ("service", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="free_capacity_statements", to="registry.service",
                                              verbose_name="služba")),
            ],
            options={
                "verbose_name": "údaj o volné kapacitě",
                "verbose_name_plural": "údaje o volné kapacitě",
                "ordering": ["service", "-stated_on", "-created_at", "-pk"],
                "indexes": [models.Index(fields=["service", "-stated_on"], name="catalogue_free_cap_idx")],
            },
        ),
    ]
