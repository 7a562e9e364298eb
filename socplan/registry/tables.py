"""django-tables2 tables of the registry pages (sortable by clicking a column header, paginated)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from socplan.core.czech import capacity_unit
from socplan.core.models import Source
from socplan.core.money import format_number
from socplan.core.tables import NumberColumn, Table

from .models import Provider, Service

MAX_AREAS = 3


def provenance_badge(record) -> str:
    return render_to_string("registry/_source.html", {"record": record})


def capacity_summary(service: Service) -> list[tuple[str, str, str]]:
    """[(form, count, unit)] of the service's registered capacities (prefetched)."""
    out = []
    for sf in service.forms.all():
        caps = list(sf.capacities.all())
        if not caps:
            out.append((sf.form.name, "", ""))
        for c in caps:
            out.append((sf.form.name, format_number(c.count),
                        capacity_unit(c.count, c.capacity_type.code, c.capacity_type.name)))
    return out


class ServiceTable(Table):
    name = tables.Column(verbose_name=_("služba"), order_by=("name", "pk"))
    provider = tables.Column(verbose_name=_("poskytovatel"), accessor="provider__name",
                             order_by=("provider__name", "name"))
    kind = tables.Column(verbose_name=_("druh"), order_by=("kind__order", "kind__code", "name"))
    forms = tables.Column(verbose_name=_("formy a kapacity"), empty_values=(), orderable=False)
    areas = tables.Column(verbose_name=_("územní působnost"), empty_values=(), orderable=False)
    source = tables.Column(verbose_name=_("zdroj"), order_by=("source", "name"), empty_values=())

    class Meta:
        model = Service
        fields = ["name", "provider", "kind", "forms", "areas", "source"]
        template_name = "core/generic/_table.html"
        attrs = {"class": "registry", "data-testid": "service-table"}
        row_attrs = {"data-synthetic": lambda record: "1" if record.source == Source.SYNTHETIC else "0"}
        empty_text = _("Filtru neodpovídá žádná služba.")
        order_by = ("name",)

    def render_name(self, record):
        badge = ""
        if record.source == Source.SYNTHETIC:
            badge = format_html(' <span class="badge synthetic" title="{}">{}</span>',
                                _("vymyšlená služba demo kraje, ne skutečný záznam registru"), _("syntetická"))
        return format_html('<a href="{}">{}</a>{}', reverse("registry:service_detail", args=[record.pk]),
                           record.name, badge)

    def render_provider(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("registry:provider_detail", args=[record.provider_id]),
                           value)

    def render_kind(self, record):
        kind = record.kind
        if kind.paragraph:
            return format_html('<span class="para">§&nbsp;{}</span> {}', kind.paragraph, kind.name)
        return kind.name

    def render_forms(self, record):
        rows = capacity_summary(record)
        if not rows:
            return "—"
        return format_html_join(
            "", '<span class="cap">{}{}</span>',
            ((form, format_html(": {} {}", n, unit) if n else "") for form, n, unit in rows))

    def render_areas(self, record):
        areas = list(record.areas.all())
        if not areas:
            return "—"
        shown = [(str(a.orp or a.municipality),
                  format_html(" ({}&nbsp;%)", format_number(a.share, 0)) if a.share is not None else "")
                 for a in areas[:MAX_AREAS]]
        more = format_html(' <span class="muted">+{}</span>', len(areas) - MAX_AREAS) if len(areas) > MAX_AREAS else ""
        return format_html("{}{}", format_html_join(", ", "{}{}", shown), more)

    def render_source(self, record):
        return provenance_badge(record)

    # what an export writes (plain text, no HTML)
    def value_kind(self, record):
        kind = record.kind
        return f"§ {kind.paragraph} {kind.name}" if kind.paragraph else kind.name

    def value_forms(self, record):
        return "; ".join(f"{form}: {n} {unit}" if n else form for form, n, unit in capacity_summary(record))

    def value_areas(self, record):
        return "; ".join(str(a.orp or a.municipality) + (f" ({format_number(a.share, 0)} %)" if a.share is not None
                                                           else "") for a in record.areas.all())

    def value_source(self, record):
        return record.get_source_display()


class ProviderTable(Table):
    name = tables.Column(verbose_name=_("poskytovatel"))
    ico = tables.Column(verbose_name=_("IČO"))
    legal_form = tables.Column(verbose_name=_("právní forma"))
    n_services = NumberColumn(verbose_name=_("počet služeb"))
    source = tables.Column(verbose_name=_("zdroj"), empty_values=())

    class Meta:
        model = Provider
        fields = ["name", "ico", "legal_form", "n_services", "source"]
        template_name = "core/generic/_table.html"
        attrs = {"class": "registry", "data-testid": "provider-table"}
        empty_text = _("Žádný poskytovatel.")
        order_by = ("name",)

    def render_name(self, record):
        badge = ""
        if record.source == Source.SYNTHETIC:
            badge = format_html(' <span class="badge synthetic">{}</span>', _("syntetický"))
        return format_html('<a href="{}">{}</a>{}', reverse("registry:provider_detail", args=[record.pk]),
                           record.name, badge)

    def render_source(self, record):
        return provenance_badge(record)

    def value_source(self, record):
        return record.get_source_display()
