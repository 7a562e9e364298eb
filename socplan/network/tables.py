"""django-tables2 tables of the network pages (sortable, paginated, plain HTML)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from socplan.core.money import format_czk, format_number

from .models import CofinancingDeclaration, DevelopmentRequest, NetworkEntry


class NumColumn(tables.Column):
    def __init__(self, *args, decimals: int = 0, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)
        self.decimals = decimals

    def render(self, value):
        return format_number(value, self.decimals)


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_czk(value)


class EntryTable(tables.Table):
    service = tables.Column(verbose_name=_("služba"), order_by=("service__name",))
    provider = tables.Column(verbose_name=_("poskytovatel"), accessor="service__provider__name")
    kind = tables.Column(verbose_name=_("druh"), accessor="service__kind__code", order_by=("service__kind__order",))
    part = tables.Column(verbose_name=_("část"), empty_values=(), orderable=False)
    tier = tables.Column(verbose_name=_("úroveň"), order_by=("tier__order",))
    status = tables.Column(verbose_name=_("stav"))
    capacity = NumColumn(verbose_name=_("kapacita"))
    unit = tables.Column(verbose_name=_("jednotka"), accessor="capacity_type__unit", orderable=False)
    fte = NumColumn(verbose_name=_("úvazky"), decimals=2)

    class Meta:
        model = NetworkEntry
        fields = []
        sequence = ["service", "provider", "kind", "part", "tier", "status", "capacity", "unit", "fte"]
        attrs = {"class": "entries", "data-testid": "entries"}
        per_page = 50
        empty_text = _("Verze sítě zatím nemá žádné položky.")

    def render_service(self, record):
        return format_html('<a href="{}">{}</a>', reverse("network:entry", args=[record.pk]), record.service.name)

    def render_kind(self, record):
        return f"§ {record.service.kind.code}" if record.service.kind.code[0].isdigit() else record.service.kind.code

    def render_part(self, record):
        parts = []
        if record.form_id:
            parts.append(record.form.name)
        if record.orp_id:
            parts.append(f"ORP {record.orp.name}")
        return ", ".join(parts) or "—"


class RequestTable(tables.Table):
    title = tables.Column(verbose_name=_("záměr"))
    year = tables.Column(verbose_name=_("rok"))
    orp = tables.Column(verbose_name=_("ORP"), accessor="orp__name")
    request_kind = tables.Column(verbose_name=_("druh"))
    request_type = tables.Column(verbose_name=_("typ"))
    kind = tables.Column(verbose_name=_("druh služby"), accessor="kind__code")
    expected_cost = MoneyColumn(verbose_name=_("náklady"))
    state = tables.Column(verbose_name=_("stav"))

    class Meta:
        model = DevelopmentRequest
        fields = []
        sequence = ["title", "year", "orp", "request_kind", "request_type", "kind", "expected_cost", "state"]
        attrs = {"class": "requests", "data-testid": "requests"}
        per_page = 50
        empty_text = _("Žádné rozvojové záměry.")

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', reverse("network:request", args=[record.pk]), record.title)

    def render_year(self, value):
        return str(value)

    def render_request_type(self, record):
        return record.request_type

    def render_state(self, record):
        return format_html('<span class="state state-{}">{}</span>', record.state, record.get_state_display())


class DeclarationTable(tables.Table):
    municipality = tables.Column(verbose_name=_("obec"), order_by=("municipality__name",))
    year = tables.Column(verbose_name=_("rok"))
    target = tables.Column(verbose_name=_("služba / záměr"), empty_values=(), orderable=False)
    amount = MoneyColumn(verbose_name=_("částka"))
    declared_on = tables.DateColumn(verbose_name=_("deklarováno"), format="j. n. Y")
    reference = tables.Column(verbose_name=_("usnesení / smlouva"))
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = CofinancingDeclaration
        fields = []
        sequence = ["municipality", "year", "target", "amount", "declared_on", "reference", "actions"]
        attrs = {"class": "declarations", "data-testid": "declarations"}
        per_page = 50
        empty_text = _("Žádné deklarace spolufinancování.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def render_year(self, value):
        return str(value)

    def render_municipality(self, record):
        return format_html('<a href="{}">{}</a>', reverse("network:municipality", args=[record.municipality.code]),
                           record.municipality.name)

    def render_target(self, record):
        if record.service_id:
            return format_html('<a href="{}">{}</a>', reverse("network:service", args=[record.service_id]),
                               record.service.name)
        return format_html('<a href="{}">{}</a>', reverse("network:request", args=[record.request_id]),
                           record.request.title)

    def render_actions(self, record):
        from socplan.accounts.scope import can

        if self.user is not None and can(self.user, "change", record):
            return format_html('<a href="{}">{}</a>', reverse("network:cofinancing_declaration_edit",
                                                              args=[record.pk]), _("upravit"))
        return ""
