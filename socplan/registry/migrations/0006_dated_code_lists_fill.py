"""The code lists in force before dating: every stored entry is valid from the Act's start (1 Jan 2007) on the
basis of Act 108/2006 Sb.; a kind outside the Act (in_act = false, e.g. centrum duševního zdraví) has no
confirmed start and keeps an open start with the MPSV code list as its basis (docs/legislation.md)."""

import datetime

from django.db import migrations

ACT_START = datetime.date(2007, 1, 1)
ACT_BASIS = "zákon č. 108/2006 Sb."
OUTSIDE_ACT_BASIS = "číselník druhů sociálních služeb MPSV (druh mimo zákon č. 108/2006 Sb.)"


def fill(apps, schema_editor):
    for name in ("DeliveryForm", "CapacityType", "TargetGroup"):
        apps.get_model("registry", name).objects.filter(valid_from=None, legal_basis="").update(
            valid_from=ACT_START, legal_basis=ACT_BASIS)
    kinds = apps.get_model("registry", "ServiceKind").objects.filter(valid_from=None, legal_basis="")
    kinds.filter(in_act=True).update(valid_from=ACT_START, legal_basis=ACT_BASIS)
    kinds.filter(in_act=False).update(legal_basis=OUTSIDE_ACT_BASIS)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_dated_code_lists")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
