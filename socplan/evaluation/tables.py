"""Tables of the evaluation pages: the methodologies (kraj, year, version, name, state, copied from)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from socplan.core.tables import Table

from .models import Methodology


class MethodologyTable(Table):
    region = tables.Column(verbose_name=_("kraj"), accessor="region__name", order_by=("region__name", "-year"))
    year = tables.Column(verbose_name=_("rok"))
    revision = tables.Column(verbose_name=_("verze"))
    name = tables.Column(verbose_name=_("název"))
    status = tables.Column(verbose_name=_("stav"))
    copied_from = tables.Column(verbose_name=_("zkopírováno z"), orderable=False, empty_values=())

    class Meta(Table.Meta):
        model = Methodology
        fields = ["region", "year", "revision", "name", "status", "copied_from"]
        attrs = {"class": "data-table", "data-testid": "methodology-table"}
        empty_text = _("Žádná metodika.")
        order_by = ("region", "-year", "-revision")

    def render_year(self, value):
        return str(value)  # a year, not a number to group

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("evaluation:methodology_detail", args=[record.pk]),
                           record.name)

    def render_status(self, record):
        css = "ok-badge" if record.is_approved else "draft-badge"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_copied_from(self, record):
        src = record.copied_from
        if src is None:
            return "—"
        return _("%(year)s, verze %(revision)s") % {"year": src.year, "revision": src.revision}

    def value_copied_from(self, record):
        return self.render_copied_from(record) if record.copied_from_id else ""
