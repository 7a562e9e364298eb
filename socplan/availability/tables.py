"""Tables of the availability pages: the scenarios (with a selection column for bulk deletion)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from socplan.core.tables import Table

from .models import Scenario


class ScenarioTable(Table):
    select = tables.Column(verbose_name=_("vybrat"), accessor="pk", orderable=False, exclude_from_export=True)
    name = tables.Column(verbose_name=_("název"))
    kind = tables.Column(verbose_name=_("druh"), accessor="kind__name", order_by=("kind__order", "name"))
    region = tables.Column(verbose_name=_("kraj"), accessor="region__name")
    owner = tables.Column(verbose_name=_("autor"), order_by=("owner__last_name", "owner__username"))
    shared_with = tables.Column(verbose_name=_("sdíleno s"), accessor="shared_with__name", default="—")
    computed_at = tables.Column(verbose_name=_("přepočítáno"), default="—")

    class Meta(Table.Meta):
        model = Scenario
        fields = ["select", "name", "kind", "region", "owner", "shared_with", "computed_at"]
        attrs = {"class": "data-table", "data-testid": "scenarios"}
        empty_text = _("Zatím žádné scénáře.")
        order_by = ("-computed_at",)

    def render_select(self, value, record):
        return format_html('<input type="checkbox" name="pk" value="{}" aria-label="{}">', value,
                           _("vybrat: %(name)s") % {"name": record.name})

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("availability:scenario_detail", args=[record.pk]),
                           record.name)

    def render_kind(self, record):
        return f"§ {record.kind.paragraph} {record.kind.name}" if record.kind.paragraph else record.kind.name

    def value_kind(self, record):
        return self.render_kind(record)

    def render_owner(self, record):
        return record.owner.get_full_name() or record.owner.username

    def value_owner(self, record):
        return self.render_owner(record)

    def render_computed_at(self, value):
        return date_format(value, "DATETIME_FORMAT")
