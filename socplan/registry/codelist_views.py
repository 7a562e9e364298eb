"""Pages of the dated code lists (under /registr/ciselniky/): the code lists of a year, the proposed and decided
changes, a proposal form and the approval. Generic pages of `socplan.accounts.generic`; writes through
`codelist_services`."""

from __future__ import annotations

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socplan.accounts import generic
from socplan.accounts.history import history_rows
from socplan.accounts.permissions import get_scoped_object, scoped_view
from socplan.accounts.scope import can, can_any
from socplan.core.tables import Table

from . import codelist_services as cls_services
from . import selectors
from .codelist_services import actor_region
from .models import ChangeAction, ChangeState, CodeListChange, ServiceKind


def _year(request) -> int:
    try:
        year = int(request.GET.get("rok", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def codelists(request):
    """The code lists in force in a year (``?rok=``), with the kinds that ended before it."""
    year = _year(request)
    return render(request, "registry/codelists/year.html", {
        "year": year, "years": range(year - 3, year + 4),
        "kinds": selectors.kinds_valid_in(year).select_related("successor").prefetch_related("allowed_forms"),
        "retired": selectors.retired_kinds_in(year).values(),
        "forms": selectors.forms_valid_in(year), "capacity_types": selectors.capacity_types_valid_in(year),
        "target_groups": selectors.target_groups_valid_in(year),
        "upcoming": ServiceKind.objects.filter(valid_from__gt=f"{year}-12-31").order_by("valid_from", "code"),
        "may_propose": can_any(request.user, "change", CodeListChange),
    })


class CodeListChangeTable(Table):
    proposed_at = tables.DateTimeColumn(verbose_name=gettext_lazy("navrženo"), format="j. n. Y H:i")
    change = tables.Column(verbose_name=gettext_lazy("změna"), accessor="pk", linkify=True, orderable=False)
    state = tables.Column(verbose_name=gettext_lazy("stav"))
    legal_basis = tables.Column(verbose_name=gettext_lazy("právní základ"))
    proposed_by = tables.Column(verbose_name=gettext_lazy("navrhl"))
    decided_by = tables.Column(verbose_name=gettext_lazy("rozhodl"))

    class Meta(Table.Meta):
        model = CodeListChange
        fields = ("proposed_at", "change", "state", "legal_basis", "proposed_by", "decided_by")

    def render_change(self, record):
        return f"{record.get_code_list_display()} – {record.get_action_display()}: {record.entry_label}"


class CodeListChangeList(generic.ObjectListView):
    model = CodeListChange
    queryset = CodeListChange.objects.select_related("kind", "form", "capacity_type", "target_group",
                                                     "proposed_by", "decided_by")
    table = CodeListChangeTable
    title = gettext_lazy("Změny číselníků")
    add_url_name = "registry:codelist_change_add"


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CodeListChangeForm(forms.ModelForm):
    class Meta:
        model = CodeListChange
        fields = ["region", "code_list", "action", "kind", "form", "capacity_type", "target_group", "code", "name",
                  "short_name", "category", "financing_group", "allowed_forms", "valid_from", "valid_to",
                  "successor", "legal_basis", "reason"]
        widgets = {"valid_from": DATE, "valid_to": DATE, "reason": forms.Textarea(attrs={"rows": 3})}


class CodeListChangeCreate(generic.ObjectEditView):
    model = CodeListChange
    form_class = CodeListChangeForm
    title = gettext_lazy("Navrhnout změnu číselníku")
    success_message = gettext_lazy("Změna je navržena; platí až po schválení druhou osobou s právem schvalovat.")

    def get_title(self) -> str:
        return str(self.title)

    def new_object(self):
        user = self.request.user
        change = CodeListChange(region=actor_region(user) if user.is_authenticated else None)
        kind = ServiceKind.objects.filter(code=self.request.GET.get("druh") or "").first()
        if kind is not None:
            change.kind = kind
        if self.request.GET.get("akce") in ChangeAction.values:
            change.action = self.request.GET["akce"]
        return change

    def save(self, form):
        actor = self.request.user if self.request.user.is_authenticated else None
        return cls_services.codelist_change_propose(actor=actor, change=form.instance)


class CodeListChangeDetail(generic.ObjectDetailView):
    model = CodeListChange
    queryset = CodeListChange.objects.select_related("kind", "successor", "proposed_by", "decided_by", "region")
    template_name = "registry/codelists/change.html"

    def get_extra_context(self) -> dict:
        obj = self.object
        user = self.request.user
        return {**super().get_extra_context(),
                "may_decide": obj.state == ChangeState.PROPOSED and can(user, "approve", obj),
                "history_rows": history_rows(obj) if obj.pk else []}


def _decide(request, pk, decide):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    change = get_scoped_object(request, CodeListChange, "approve", pk=pk)
    try:
        decide(actor=request.user, change=change, note=request.POST.get("note", "")[:500])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        view = CodeListChangeDetail()
        view.setup(request, pk=pk)
        view.object = change
        return view.render({"object": change, "fields": view.get_fields(), "errors": exc.messages}, status=400)
    messages.success(request, _("Rozhodnuto: %(what)s.") % {"what": change})
    return redirect("registry:codelist_change", pk=pk)


@scoped_view(CodeListChange, "approve")
def codelist_change_approve(request, pk):
    return _decide(request, pk, cls_services.codelist_change_approve)


@scoped_view(CodeListChange, "approve")
def codelist_change_reject(request, pk):
    return _decide(request, pk, cls_services.codelist_change_reject)

