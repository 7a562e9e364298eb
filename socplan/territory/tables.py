"""Tables of the territory pages: obce with their ORP, okres and population (sortable in Czech order,
exportable from the list page)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from socplan.core.tables import NumberColumn, Table

from .models import Municipality


class MunicipalityTable(Table):
    name = tables.Column(verbose_name=_("obec"), order_by=("name", "code"))
    code = tables.Column(verbose_name=_("kód obce"))
    orp = tables.Column(verbose_name=_("ORP"), accessor="orp__name", order_by=("orp__name", "name"))
    district = tables.Column(verbose_name=_("okres"), accessor="district__name", order_by=("district__name", "name"))
    population = NumberColumn(verbose_name=_("obyvatel (1. 1. 2020)"))

    class Meta(Table.Meta):
        model = Municipality
        fields = ["name", "code", "orp", "district", "population"]
        attrs = {"class": "data-table", "data-testid": "municipality-table"}
        empty_text = _("Filtru neodpovídá žádná obec.")
        order_by = ("name",)

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("territory:municipality", args=[record.code]), record.name)
