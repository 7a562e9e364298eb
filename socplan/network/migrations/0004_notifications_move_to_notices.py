"""Notifications of the network move to `socplan.notices` (one model for every module): the rows are copied
with their recipient, kraj, text, link, time and read mark, then the network's table is dropped."""

from django.db import migrations


def copy_to_notices(apps, schema_editor):
    Old = apps.get_model("network", "Notification")
    New = apps.get_model("notices", "Notification")
    for n in Old.objects.order_by("pk").iterator():
        topic = "network.request" if n.request_id else "network.version" if n.network_id else "network"
        # e-mails did not exist before: old notifications are not sent now
        new = New.objects.create(recipient_id=n.recipient_id, region_id=n.region_id, text=n.text, url=n.url,
                                 topic=topic, read_at=n.read_at, email_state="skipped")
        New.objects.filter(pk=new.pk).update(created_at=n.created_at)  # auto_now_add set it to now


def copy_back(apps, schema_editor):
    Old = apps.get_model("network", "Notification")
    New = apps.get_model("notices", "Notification")
    Old.objects.bulk_create([Old(recipient_id=n.recipient_id, region_id=n.region_id, text=n.text, url=n.url,
                                 read_at=n.read_at)
                             for n in New.objects.filter(topic__startswith="network", region__isnull=False)])


class Migration(migrations.Migration):

    dependencies = [
        ("network", "0003_cofinancing_rate_band_and_tier"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_notices, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]
